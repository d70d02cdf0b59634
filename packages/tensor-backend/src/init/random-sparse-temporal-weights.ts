/**
 * Random sparse temporal weights (SEED-INVENTORY TB-9c; seed 002 L14-18,
 * `random_sparse_temporal_weights`): `activeCount` distinct history slots in `[0, historyLength)`,
 * chosen without replacement and sorted, each with a value drawn from U[low, high), as a `[1, H]`
 * sparse row.
 */
import * as tf from "@tensorflow/tfjs";

import type { Rng } from "../rng/rng.js";
import type { SparseMatrix } from "../sparse/sparse-matrix.js";

/** Seed default `active_count=2` (002 L14). */
export const SPARSE_TEMPORAL_ACTIVE_COUNT = 2;
/** Seed default `low=0.0` (002 L14). */
export const SPARSE_TEMPORAL_LOW = 0.0;
/** Seed default `high=0.1` (002 L14). */
export const SPARSE_TEMPORAL_HIGH = 0.1;

/** Options of {@link randomSparseTemporalWeights}. */
export interface SparseTemporalWeightsOptions {
  /** History length `H` (the seed's `max_history_length`): the matrix is `[1, H]`. */
  readonly historyLength: number;
  /** Number of non-zero slots (default {@link SPARSE_TEMPORAL_ACTIVE_COUNT}). */
  readonly activeCount?: number;
  /** Inclusive lower bound of the values (default {@link SPARSE_TEMPORAL_LOW}). */
  readonly low?: number;
  /** Exclusive upper bound of the values (default {@link SPARSE_TEMPORAL_HIGH}). */
  readonly high?: number;
}

/**
 * A `[1, historyLength]` canonical sparse row with `activeCount` entries at distinct sorted slots,
 * values U[low, high) float32.
 *
 * @example
 * ```ts
 * const w = randomSparseTemporalWeights(createRng(1), { historyLength: 6 });   // 2 slots, values in [0, 0.1)
 * ```
 * @throws Error naming the option when `activeCount > historyLength` or the bounds are not `low < high`.
 */
export function randomSparseTemporalWeights(rng: Rng, options: SparseTemporalWeightsOptions): SparseMatrix {
  const { historyLength } = options;
  const activeCount = options.activeCount ?? SPARSE_TEMPORAL_ACTIVE_COUNT;
  const low = options.low ?? SPARSE_TEMPORAL_LOW;
  const high = options.high ?? SPARSE_TEMPORAL_HIGH;
  if (!Number.isSafeInteger(historyLength) || historyLength < 1) {
    throw new Error(`Error in randomSparseTemporalWeights: historyLength must be a positive integer, got ${historyLength}.`);
  }
  if (!Number.isSafeInteger(activeCount) || activeCount < 0 || activeCount > historyLength) {
    throw new Error(
      `Error in randomSparseTemporalWeights: activeCount must be an integer in [0, historyLength=${historyLength}], got ${activeCount}.`,
    );
  }
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new Error(`Error in randomSparseTemporalWeights: need finite low < high, got low=${low}, high=${high}.`);
  }
  const slots = rng.choice(historyLength, activeCount).sort((x, y) => x - y);
  const values = new Float32Array(activeCount);
  for (let i = 0; i < activeCount; i += 1) values[i] = rng.uniform(low, high);
  for (let i = 0; i < activeCount; i += 1) {
    // float32 rounding can land exactly on `high`; keep the half-open interval of the seed.
    if ((values[i] as number) >= high) values[i] = Math.fround(low);
  }
  const indices = new Int32Array(activeCount * 2);
  slots.forEach((slot, i) => {
    indices[2 * i + 1] = slot;
  });
  return {
    indices: tf.tensor2d(indices, [activeCount, 2], "int32"),
    values: tf.tensor1d(values, "float32"),
    shape: [1, historyLength],
  };
}
