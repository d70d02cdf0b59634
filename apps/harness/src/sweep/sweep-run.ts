/**
 * Runs a planned sweep: skips jobs whose result is already on disk (`--resume`), runs the rest on
 * local workers or through the Redis queue (the runners store each result as it finishes), shows
 * progress, and writes the sweep report from the stored results. Interrupted, it writes no report
 * (the stored results are complete files, and `--resume` continues from them).
 */
import type { Execution } from "../run-seeds.js";
import type { WorkerRuntime } from "../seed-pool.js";
import type { JobEvents } from "./job-events.js";
import { runJobsLocally } from "./local-runner.js";
import type { QueueConnection } from "./queue-connection.js";
import { runJobsOnQueue } from "./queue-runner.js";
import type { JobResult } from "./result-store.js";
import { readJobResults } from "./result-store.js";
import { createSweepProgress } from "./sweep-progress.js";
import type { SweepJob, SweepPlan } from "./sweep-plan.js";
import type { JobFailure, SweepReport } from "./sweep-report.js";
import { buildSweepReport } from "./sweep-report.js";
import { writeSweepReport, type SweepReportPaths } from "./write-sweep-report.js";

/** Where jobs run. */
export type SweepRunner =
  | { readonly kind: "local"; readonly execution: Execution; readonly workers: number; readonly runtime: WorkerRuntime }
  | { readonly kind: "queue"; readonly connection: QueueConnection; readonly queueName: string };

/** Options for {@link runSweep}. */
export interface SweepRunOptions {
  readonly outDir: string;
  /** Run only the jobs without a stored result. */
  readonly resume: boolean;
  readonly runner: SweepRunner;
  readonly chartMetric: string | undefined;
  readonly command: string;
  readonly signal: AbortSignal;
  /** Progress goes here; stderr by default. */
  readonly progressStream?: NodeJS.WriteStream;
  /** One-line notices (what will run). */
  readonly log: (line: string) => void;
}

/** What a sweep run did. */
export interface SweepRunOutput {
  /** Jobs run (or attempted) in this run. */
  readonly ran: number;
  /** Jobs whose stored result was reused. */
  readonly reused: number;
  /** Absent when the run was interrupted. */
  readonly report?: SweepReport;
  readonly paths?: SweepReportPaths;
}

/** Run the sweep and write its report. */
export async function runSweep(plan: SweepPlan, options: SweepRunOptions): Promise<SweepRunOutput> {
  const startedAt = new Date();
  const started = performance.now();
  const results = new Map<string, JobResult>(options.resume ? await readJobResults(options.outDir, plan.jobs) : []);
  const reused = results.size;
  const toRun = plan.jobs.filter((job) => !results.has(job.id));
  const where = options.runner.kind === "local" ? describeLocalWorkers(options.runner) : `queue "${options.runner.queueName}" at ${options.runner.connection.display}`;
  options.log(
    `${plan.scenario.name}: ${plan.settings.length} setting(s) x ${plan.seeds.length} seed(s) = ${plan.jobs.length} jobs; ${toRun.length} to run${reused > 0 ? ` (${reused} already done)` : ""} on ${where}`,
  );
  // Jobs stored by this run; their files are read once for the report, after the jobs: reading while
  // jobs run would take CPU from the workers running them.
  const stored: SweepJob[] = [];
  const failures: JobFailure[] = [];
  let retried = 0;
  const progress = createSweepProgress(plan.scenario.name, toRun.length, options.progressStream);
  const events: JobEvents = {
    stored(job) {
      stored.push(job);
      progress.done();
    },
    failed(job, error) {
      failures.push({ id: job.id, configHash: job.configHash, seed: job.seed, error });
      progress.failed();
    },
    retried() {
      retried += 1;
      progress.retried();
    },
  };
  try {
    if (options.runner.kind === "local") {
      await runJobsLocally(toRun, events, { ...options.runner, scenario: plan.scenario, outDir: options.outDir, signal: options.signal });
    } else {
      await runJobsOnQueue(toRun, events, { ...options.runner, outDir: options.outDir, signal: options.signal });
    }
  } finally {
    progress.stop();
  }
  if (options.signal.aborted) return { ran: toRun.length, reused };
  for (const [id, result] of await readJobResults(options.outDir, stored)) results.set(id, result);
  const report = buildSweepReport({
    plan,
    results,
    failures,
    reused,
    retried,
    chartMetric: options.chartMetric,
    command: options.command,
    startedAt,
    wallTimeMs: performance.now() - started,
  });
  const paths = await writeSweepReport(options.outDir, report);
  return { ran: toRun.length, reused, report, paths };
}

function describeLocalWorkers(runner: { readonly execution: Execution; readonly workers: number; readonly runtime: WorkerRuntime }): string {
  if (runner.execution === "in-process") return "this thread";
  return `${runner.workers} local worker ${runner.runtime === "processes" ? "process(es)" : "thread(s)"}`;
}
