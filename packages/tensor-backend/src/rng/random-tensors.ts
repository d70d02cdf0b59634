/**
 * Random tensors whose seeds come from an {@link Rng}, so a run is reproducible per seed and backend.
 *
 * tfjs random ops are deterministic for a given seed on a given backend (shared/TOOLCHAIN.md notes that
 * some draws, e.g. `multinomial`, differ between cpu and wasm for the same seed).
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "@tensorflow/tfjs";

import type { Rng } from "./rng.js";

/** Options of {@link randomNormal}. */
export interface RandomNormalOptions {
  /** Mean (default 0). */
  readonly mean?: number;
  /** Standard deviation (default 1). */
  readonly std?: number;
}

/** Options of {@link randomUniform}. */
export interface RandomUniformOptions {
  /** Inclusive lower bound (default 0). */
  readonly low?: number;
  /** Exclusive upper bound (default 1). */
  readonly high?: number;
}

/**
 * A float32 tensor of normal draws seeded from `rng`.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * const w = randomNormal(rng, [4, 3], { std: 0.1 });   // same seed + backend: same tensor
 * ```
 */
export function randomNormal(rng: Rng, shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new Error(`Error in randomNormal: need finite mean and std >= 0, got mean=${mean}, std=${std}.`);
  }
  return tf.randomNormal(shape.slice(), mean, std, "float32", rng.nextSeed());
}

/** A float32 tensor of uniform draws in `[low, high)` seeded from `rng`. */
export function randomUniform(rng: Rng, shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new Error(`Error in randomUniform: need finite low < high, got low=${low}, high=${high}.`);
  }
  return tf.randomUniform(shape.slice(), low, high, "float32", rng.nextSeed());
}
