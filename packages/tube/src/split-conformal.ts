/**
 * Split-conformal calibration of a tube (beyond the seeds; ADR 0205). A nonconformity score per
 * calibration episode, `s = max_{t,d} |τ − μ| / σ` (the smallest width multiplier that covers the whole
 * episode), and the conformal quantile `q̂` = the ⌈(n+1)(1−α)⌉-th smallest score. The rescaled tube
 * `μ ± q̂·σ` then covers the whole trajectory of a new exchangeable episode with probability ≥ 1−α
 * (and ≤ 1−α + 1/(n+1) without ties). Mondrian (group-conditional) calibration does this per group
 * (per rule), giving the guarantee within each group.
 *
 * Reference: Vovk, Gammerman & Shafer (2005); Lei et al., "Distribution-free predictive inference for
 * regression" (2018). Seeds: the tube's calibration goal, `001_4e7658869d462183.txt` L89–92, L195.
 */

/**
 * The conformal quantile of `scores` at miscoverage `alpha`: the ⌈(n+1)(1−α)⌉-th smallest score, or
 * +∞ when that rank exceeds n (too few calibration points for this α).
 *
 * @example
 * ```ts
 * conformalQuantile([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], 0.1);   // 4.5 (rank ⌈10·0.9⌉ = 9)
 * ```
 */
export function conformalQuantile(scores: ArrayLike<number>, alpha: number): number {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1)) throw new Error(`Error in conformalQuantile: alpha must be in (0, 1), got ${alpha}.`);
  const n = scores.length;
  if (n === 0) throw new Error("Error in conformalQuantile: scores is empty.");
  const sorted = Float64Array.from(scores);
  for (const value of sorted) if (Number.isNaN(value)) throw new Error("Error in conformalQuantile: scores contain NaN.");
  sorted.sort();
  const rank = Math.ceil((n + 1) * (1 - alpha));
  return rank > n ? Number.POSITIVE_INFINITY : (sorted[rank - 1] ?? Number.POSITIVE_INFINITY);
}

/** Per-episode tube scores `max_{t,d} |τ − μ| / σ` from per-(episode, timestep) normalised deviations. */
export function episodeScores(stepDeviations: ArrayLike<number>, horizonSteps: number): Float64Array {
  if (!(Number.isInteger(horizonSteps) && horizonSteps >= 1) || stepDeviations.length % horizonSteps !== 0) {
    throw new Error(`Error in episodeScores: ${stepDeviations.length} deviations do not split into episodes of ${horizonSteps} steps.`);
  }
  const count = stepDeviations.length / horizonSteps;
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let worst = 0;
    for (let t = 0; t < horizonSteps; t++) worst = Math.max(worst, stepDeviations[i * horizonSteps + t] ?? Number.POSITIVE_INFINITY);
    scores[i] = worst;
  }
  return scores;
}

/** A split-conformal calibration: the width multiplier for all episodes, or one per group. */
export interface SplitConformal {
  readonly alpha: number;
  /** q̂ over all calibration episodes. */
  readonly quantile: number;
  /** q̂ per group (Mondrian), when groups were given; +∞ for a group too small for α. */
  readonly groupQuantiles?: readonly number[];
  readonly calibrationSize: number;
}

/**
 * Calibrate on per-episode scores, optionally per group (`groups[i]` in [0, groupCount)).
 *
 * @example
 * ```ts
 * const cal = splitConformal(scores, 0.1, { groups: rules, groupCount: 4 });
 * // new episode of rule r: tube μ ± cal.groupQuantiles[r]·σ covers it whole with probability ≥ 0.9
 * ```
 */
export function splitConformal(
  scores: ArrayLike<number>,
  alpha: number,
  options: { readonly groups?: ArrayLike<number>; readonly groupCount?: number } = {},
): SplitConformal {
  const quantile = conformalQuantile(scores, alpha);
  if (options.groups === undefined) return { alpha, quantile, calibrationSize: scores.length };
  const { groups } = options;
  const groupCount = options.groupCount ?? 0;
  if (groups.length !== scores.length) throw new Error(`Error in splitConformal: groups has ${groups.length} entries, scores ${scores.length}.`);
  if (!(Number.isInteger(groupCount) && groupCount >= 1)) throw new Error(`Error in splitConformal: groupCount must be an integer >= 1, got ${groupCount}.`);
  const byGroup: number[][] = Array.from({ length: groupCount }, () => []);
  for (let i = 0; i < scores.length; i++) {
    const group = groups[i] ?? -1;
    const bucket = byGroup[group];
    if (!Number.isInteger(group) || bucket === undefined) throw new Error(`Error in splitConformal: groups[${i}] must be an integer in [0, ${groupCount}), got ${group}.`);
    bucket.push(scores[i] ?? Number.NaN);
  }
  const groupQuantiles = byGroup.map((bucket) => (bucket.length === 0 ? Number.POSITIVE_INFINITY : conformalQuantile(bucket, alpha)));
  return { alpha, quantile, groupQuantiles, calibrationSize: scores.length };
}
