/**
 * Statistics of one sweep setting across its seeds: for every final metric the mean, standard
 * deviation, min, max and a 95% confidence interval of the mean (Student's t); for every check the
 * fraction of seeds on which it passes, and whether it passes over all seeds together.
 */
import type { MetricSummary } from "../report/aggregate.js";
import { summariseFinals } from "../report/aggregate.js";
import type { Scenario, SeedResult } from "../scenario.js";
import { tQuantile975 } from "./student-t.js";

/** Spread of one final metric across the seeds of a setting. */
export interface MetricStats extends MetricSummary {
  /** Number of seeds. */
  readonly n: number;
  /** Sample standard deviation (n - 1); 0 for one seed. */
  readonly sd: number;
  /** 95% confidence interval of the mean; null with fewer than two seeds. */
  readonly ci95: { readonly low: number; readonly high: number } | null;
}

/** How often one check passes across the seeds of a setting. */
export interface CheckRate {
  readonly name: string;
  /** Seeds (single-seed evaluations) on which the check passed. */
  readonly passes: number;
  /** Single-seed evaluations of the check. */
  readonly runs: number;
  /** passes / runs. */
  readonly passRate: number;
  /** The scenario's verdict over all the setting's seeds together (some checks compare seeds). */
  readonly passedAllSeeds: boolean;
}

/** Mean, spread and 95% interval of every final metric. */
export function metricStats(seeds: readonly number[], results: readonly SeedResult[]): Record<string, MetricStats> {
  const stats: Record<string, MetricStats> = {};
  for (const [name, summary] of Object.entries(summariseFinals(seeds, results))) {
    const values = Object.values(summary.perSeed);
    const n = values.length;
    const sd = n < 2 ? 0 : Math.sqrt(values.reduce((acc, v) => acc + (v - summary.mean) ** 2, 0) / (n - 1));
    const half = n < 2 ? 0 : (tQuantile975(n - 1) * sd) / Math.sqrt(n);
    stats[name] = { ...summary, n, sd, ci95: n < 2 ? null : { low: summary.mean - half, high: summary.mean + half } };
  }
  return stats;
}

/**
 * Pass rate of every check: the scenario's checks evaluated on each seed alone, counted by name, plus
 * the checks over all seeds together. Checks appear in the order the scenario lists them.
 */
export function checkRates(scenario: Scenario, config: Readonly<Record<string, unknown>>, results: readonly SeedResult[]): CheckRate[] {
  if (results.length === 0) return [];
  const parsed = scenario.configSchema.parse(config);
  const tallies = new Map<string, { passes: number; runs: number; all: boolean }>();
  for (const check of scenario.checks(parsed, results)) {
    const tally = tallies.get(check.name) ?? { passes: 0, runs: 0, all: true };
    tally.all &&= check.pass;
    tallies.set(check.name, tally);
  }
  for (const result of results) {
    for (const check of scenario.checks(parsed, [result])) {
      const tally = tallies.get(check.name) ?? { passes: 0, runs: 0, all: false };
      tally.runs += 1;
      if (check.pass) tally.passes += 1;
      tallies.set(check.name, tally);
    }
  }
  return [...tallies].map(([name, t]) => ({
    name,
    passes: t.passes,
    runs: t.runs,
    passRate: t.runs === 0 ? 0 : t.passes / t.runs,
    passedAllSeeds: t.all,
  }));
}
