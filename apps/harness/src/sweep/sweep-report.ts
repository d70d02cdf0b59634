/**
 * The sweep report: per setting, the spread of every final metric and the pass rate of every check
 * across seeds; the shape of `DIR/<scenario>/sweep-report.json` (see `write-sweep-report.ts`).
 */
import type { Provenance } from "../report/provenance.js";
import { provenance } from "../report/provenance.js";
import type { BackendName } from "../scenario.js";
import { UsageError } from "../usage-error.js";
import type { JobResult } from "./result-store.js";
import type { SweepAxis } from "./sweep-axes.js";
import type { Setting, SweepPlan } from "./sweep-plan.js";
import { jobId } from "./sweep-plan.js";
import type { CheckRate, MetricStats } from "./sweep-stats.js";
import { checkRates, metricStats } from "./sweep-stats.js";

/** Version of the sweep-report.json layout. */
export const SWEEP_REPORT_SCHEMA_VERSION = 1;

/** A job that failed (the scenario threw, or the queue gave up on it). */
export interface JobFailure {
  readonly id: string;
  readonly configHash: string;
  readonly seed: number;
  readonly error: string;
}

/** One setting of the sweep across its seeds. */
export interface SettingReport {
  readonly setting: Setting;
  readonly configHash: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Seeds with a result. */
  readonly seeds: readonly number[];
  /** Seeds without a result (failed, or not run). */
  readonly missingSeeds: readonly number[];
  readonly failures: readonly JobFailure[];
  readonly final: Readonly<Record<string, MetricStats>>;
  readonly checks: readonly CheckRate[];
  /** Every seed has a result and every check passed over all seeds. */
  readonly passed: boolean;
}

/** Job counts of the sweep. */
export interface JobCounts {
  readonly total: number;
  /** Jobs with a result (this run or an earlier one). */
  readonly done: number;
  /** Jobs whose result was already on disk when this run started (`--resume`). */
  readonly reused: number;
  readonly failed: number;
  /** Times a job was handed out again after its worker stopped (queue mode). */
  readonly retried: number;
}

/** The sweep report. */
export interface SweepReport {
  readonly schemaVersion: typeof SWEEP_REPORT_SCHEMA_VERSION;
  readonly scenario: string;
  readonly description: string;
  readonly quick: boolean;
  readonly backend: BackendName | null;
  readonly seeds: readonly number[];
  readonly axes: readonly SweepAxis[];
  /** The final metric charted against each swept setting. */
  readonly chartMetric: string | null;
  readonly settings: readonly SettingReport[];
  readonly jobs: JobCounts;
  /** Every job has a result and every setting passed its checks. */
  readonly passed: boolean;
  readonly provenance: Provenance;
}

/** Everything a report is built from. */
export interface ReportInput {
  readonly plan: SweepPlan;
  readonly results: ReadonlyMap<string, JobResult>;
  readonly failures: readonly JobFailure[];
  readonly reused: number;
  readonly retried: number;
  /** `--metric`; by default the first final metric by name. */
  readonly chartMetric: string | undefined;
  readonly command: string;
  readonly startedAt: Date;
  readonly wallTimeMs: number;
}

/**
 * Build the report from the plan and the results on disk.
 *
 * @throws UsageError when `chartMetric` names no final metric of the results.
 */
export function buildSweepReport(input: ReportInput): SweepReport {
  const { plan } = input;
  const settings = plan.settings.map((s): SettingReport => {
    const found = plan.seeds.flatMap((seed) => {
      const result = input.results.get(jobId(plan.scenario.name, s.configHash, seed));
      return result === undefined ? [] : [result];
    });
    const seeds = found.map((r) => r.seed);
    const seedResults = found.map((r) => r.outcome.result);
    const checks = checkRates(plan.scenario, s.config, seedResults);
    const missingSeeds = plan.seeds.filter((seed) => !seeds.includes(seed));
    return {
      setting: s.setting,
      configHash: s.configHash,
      config: s.config,
      seeds,
      missingSeeds,
      failures: input.failures.filter((f) => f.configHash === s.configHash),
      final: metricStats(seeds, seedResults),
      checks,
      passed: missingSeeds.length === 0 && checks.every((c) => c.passedAllSeeds),
    };
  });
  const metrics = [...new Set(settings.flatMap((s) => Object.keys(s.final)))].sort();
  if (input.chartMetric !== undefined && metrics.length > 0 && !metrics.includes(input.chartMetric)) {
    throw new UsageError(
      `--metric ${input.chartMetric}: no such final metric (known: ${metrics.join(", ")}); the results are kept, so --resume with another --metric only redraws the report`,
    );
  }
  const first = input.results.values().next();
  const backend = first.done === true ? { name: "none", forced: false, reason: "no job ran" } : first.value.outcome.backend;
  const done = settings.reduce((n, s) => n + s.seeds.length, 0);
  return {
    schemaVersion: SWEEP_REPORT_SCHEMA_VERSION,
    scenario: plan.scenario.name,
    description: plan.scenario.description,
    quick: plan.quick,
    backend: plan.backend ?? null,
    seeds: plan.seeds,
    axes: plan.axes,
    chartMetric: input.chartMetric ?? metrics[0] ?? null,
    settings,
    jobs: { total: plan.jobs.length, done, reused: input.reused, failed: input.failures.length, retried: input.retried },
    passed: settings.every((s) => s.passed),
    provenance: provenance(backend, input.startedAt, input.wallTimeMs, input.command),
  };
}
