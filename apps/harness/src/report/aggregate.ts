/**
 * Summaries across seeds: mean, min and max of every final metric.
 */
import type { SeedResult, SeriesPoint } from "../scenario.js";

/** Spread of one final metric across seeds. */
export interface MetricSummary {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** The value each seed reached, keyed by seed. */
  readonly perSeed: Readonly<Record<string, number>>;
}

/** Summarise every final metric that any seed reported. A metric missing from a seed is an error. */
export function summariseFinals(seeds: readonly number[], results: readonly SeedResult[]): Record<string, MetricSummary> {
  const names = new Set(results.flatMap((r) => Object.keys(r.final)));
  const summaries: Record<string, MetricSummary> = {};
  for (const name of [...names].sort()) {
    const perSeed: Record<string, number> = {};
    const values = results.map((result, i) => {
      const value = result.final[name];
      if (value === undefined) {
        throw new Error(`final metric "${name}" is missing from seed ${seeds[i]}`);
      }
      perSeed[String(seeds[i])] = value;
      return value;
    });
    summaries[name] = {
      mean: values.reduce((a, b) => a + b, 0) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      perSeed,
    };
  }
  return summaries;
}

/** Regroup series as metric → seed → points. */
export function seriesByMetric(
  seeds: readonly number[],
  results: readonly SeedResult[],
): Record<string, Record<string, readonly SeriesPoint[]>> {
  const byMetric: Record<string, Record<string, readonly SeriesPoint[]>> = {};
  results.forEach((result, i) => {
    for (const [metric, points] of Object.entries(result.series)) {
      (byMetric[metric] ??= {})[String(seeds[i])] = points;
    }
  });
  return byMetric;
}
