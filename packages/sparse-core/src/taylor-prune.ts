/**
 * The Taylor prune score (seed 002 L1644, reference `prune_ranking` L1101-1110; SEED-INVENTORY §3.5):
 * `Score_c = 0.5 · v_c · W_c²` with `v_c` Adam's second moment; rank ascending (prune the smallest);
 * entries with `|w| <= ε` are excluded from the ranking (they are already unlit).
 */

/** One ranked Hot cell. */
export interface TaylorEntry {
  /** Position in the Hot arrays. */
  readonly index: number;
  /** The cell's linear key. */
  readonly key: number;
  /** `0.5 · v · w²`. */
  readonly score: number;
}

/**
 * Rank Hot cells ascending by `0.5 · v · w²`, excluding `|w| <= epsilon` (ties by key for determinism).
 *
 * @example
 * ```ts
 * pruneRanking(Float32Array.of(2, 0, 1), Float32Array.of(1, 1, 1), Int32Array.of(0, 1, 2), 1e-4);
 * // [{ index: 2, key: 2, score: 0.5 }, { index: 0, key: 0, score: 2 }]
 * ```
 * @throws Error naming `pruneRanking` when the three arrays differ in length or ε is negative.
 */
export function pruneRanking(values: Float32Array, secondMoment: Float32Array, keys: Int32Array, epsilon: number): TaylorEntry[] {
  if (values.length !== secondMoment.length || values.length !== keys.length) {
    throw new Error(`Error in pruneRanking: values (${values.length}), secondMoment (${secondMoment.length}) and keys (${keys.length}) must align.`);
  }
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in pruneRanking: epsilon must be finite and >= 0, got ${epsilon}.`);
  const out: TaylorEntry[] = [];
  values.forEach((w, index) => {
    if (Math.abs(w) > epsilon) out.push({ index, key: keys[index] as number, score: 0.5 * (secondMoment[index] as number) * w * w });
  });
  return out.sort((a, b) => a.score - b.score || a.key - b.key);
}

/**
 * The cells of {@link pruneRanking} (same exclusion, same Taylor scores), ordered ascending by `|w|`
 * instead, ties by key: RigL's drop order, used by the planner's displacement at the cap (ADR 0306).
 *
 * @example
 * ```ts
 * magnitudeRanking(Float32Array.of(0.1, 0.5), Float32Array.of(100, 0.01), Int32Array.of(0, 1), 1e-4).map((e) => e.key);
 * // [0, 1] (Taylor would rank key 1 first: 0.00125 < 0.5)
 * ```
 * @throws Error naming `pruneRanking` when the three arrays differ in length or ε is negative.
 */
export function magnitudeRanking(values: Float32Array, secondMoment: Float32Array, keys: Int32Array, epsilon: number): TaylorEntry[] {
  return pruneRanking(values, secondMoment, keys, epsilon).sort((a, b) => Math.abs(values[a.index] as number) - Math.abs(values[b.index] as number) || a.key - b.key);
}
