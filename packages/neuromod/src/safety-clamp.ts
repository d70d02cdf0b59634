/**
 * The safety clamp on μ (seed `004_b9e7278aec0f8932.txt` L155: "prevent pathological neuromodulator
 * states during training"): μ is clipped into `[min, max]` before anything downstream (the allosteric
 * factor, the cognitive source, the context) sees it. Range: ADR 0501.
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

import { DEFAULT_MU_CLAMP } from "./constants.js";

/** Bounds of the μ clamp, in [0, 1]. */
export interface MuClamp {
  readonly min: number;
  readonly max: number;
}

/** Check a clamp: `0 ≤ min < max ≤ 1`; throws naming the bad bound. */
export function validateMuClamp(clamp: MuClamp): void {
  if (!(clamp.min >= 0 && clamp.min < clamp.max && clamp.max <= 1)) {
    throw new Error(`Error in validateMuClamp: need 0 <= min < max <= 1, got min=${clamp.min}, max=${clamp.max}.`);
  }
}

/**
 * Clip μ into the clamp (gradient passes inside the range, zero outside).
 *
 * @example
 * ```ts
 * clampModulators(tf.tensor1d([0, 0.5, 1])).dataSync(); // [0.05, 0.5, 0.95]
 * ```
 */
export function clampModulators<T extends Tensor>(mu: T, clamp: MuClamp = DEFAULT_MU_CLAMP): T {
  validateMuClamp(clamp);
  return tf.clipByValue(mu, clamp.min, clamp.max);
}
