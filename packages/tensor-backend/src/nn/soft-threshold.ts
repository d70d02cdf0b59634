/**
 * The prox-L1 operator (SEED-INVENTORY TB-11; seed 002 L1079): `sign(w) · max(|w| - λ, 0)`.
 * Per DESIGN.md C-1 it is applied as an optimizer post-step, never as a loss term.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "@tensorflow/tfjs";

/**
 * Shrink every entry of `w` toward zero by `lambda`, zeroing those within `lambda` of zero.
 *
 * @example
 * ```ts
 * softThreshold(tf.tensor1d([-2, -0.5, 0.5, 3]), 1).print();   // [-1, 0, 0, 2]
 * ```
 * @throws Error naming `lambda` when it is negative or not finite.
 */
export function softThreshold<T extends Tensor>(w: T, lambda: number): T {
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new Error(`Error in softThreshold: lambda must be finite and >= 0, got ${lambda}.`);
  }
  if (w.dtype !== "float32") throw new Error(`Error in softThreshold: w must be float32, got ${w.dtype}.`);
  // w - clip(w, -λ, λ) equals sign(w)·max(|w| - λ, 0) in two ops, and gives +0 (not -0) inside the band.
  return tf.tidy((): T => tf.sub(w, tf.clipByValue(w, -lambda, lambda)));
}
