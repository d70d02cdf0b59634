/**
 * denseSpmm: dense × sparse product X·A (or X·Aᵀ), the orientation of a sparse layer applied to a
 * batch (seed 002 TB-3: Y = X·W with W sparse). Computed as (Aᵀ·Xᵀ)ᵀ so the kernel's per-non-zero
 * work stays a SIMD axpy over the batch; differentiable through spmm and the transposes.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";
import { checkCooOperand, spmm } from "./spmm.js";

/**
 * Dense × sparse product: X·A, or X·Aᵀ when `transposeA` is true, with A in the COO form of
 * {@link spmm}. Gradients reach `values` and `x`.
 *
 * ```ts
 * const x = tf.tensor2d([[1, 10]]);
 * const rows = tf.tensor1d([0, 1], "int32"), cols = tf.tensor1d([1, 0], "int32");
 * const y = denseSpmm(x, rows, cols, tf.tensor1d([2, 3]), [2, 2]);
 * y.print(); // [[30, 2]]
 * ```
 */
export function denseSpmm(
  x: Tensor2D,
  rows: Tensor1D,
  cols: Tensor1D,
  values: Tensor1D,
  shape: readonly [number, number],
  transposeA = false,
): Tensor2D {
  checkCooOperand("denseSpmm", rows, cols, values, shape);
  if (x.dtype !== "float32" || x.rank !== 2) {
    throw new Error(`Error in denseSpmm: x must be a float32 rank-2 tensor, got ${x.dtype} of shape [${x.shape.join(",")}]`);
  }
  const inner = transposeA ? shape[1] : shape[0];
  if (x.shape[1] !== inner) {
    throw new Error(
      `Error in denseSpmm: inner dimensions of x (shape [${x.shape.join(",")}]) and A${transposeA ? "ᵀ" : ""} ` +
        `(shape [${shape.join(",")}]) do not match: ${x.shape[1]} vs ${inner}`,
    );
  }
  return tf.tidy(() => tf.transpose(spmm(rows, cols, values, shape, tf.transpose(x), !transposeA)));
}
