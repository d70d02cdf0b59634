/**
 * spmm: sparse (COO) × dense product whose cost scales with the number of non-zeros (seed 002 TB-2:
 * sparseDenseMatMul; TB-5: cost driven by the path count). Runs a WebAssembly SIMD kernel on every
 * backend and is differentiable with respect to `values` and `dense`.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor, Tensor1D, Tensor2D } from "@tensorflow/tfjs";
import { TAM_SPMM } from "./kernel-names.js";
import { registerSpmmKernels } from "./spmm-kernel.js";

/** Validate the COO operand of a sparse product; messages name the op, the argument and the shapes. */
export function checkCooOperand(
  op: string,
  rows: Tensor,
  cols: Tensor,
  values: Tensor,
  shape: readonly [number, number],
): void {
  if (rows.dtype !== "int32" || cols.dtype !== "int32") {
    throw new Error(`Error in ${op}: rows and cols must be int32, got ${rows.dtype} and ${cols.dtype}`);
  }
  if (values.dtype !== "float32") throw new Error(`Error in ${op}: values must be float32, got ${values.dtype}`);
  if (rows.rank !== 1 || cols.rank !== 1 || values.rank !== 1) {
    throw new Error(
      `Error in ${op}: rows, cols and values must be rank 1, got shapes [${rows.shape.join(",")}], ` +
        `[${cols.shape.join(",")}] and [${values.shape.join(",")}]`,
    );
  }
  if (rows.size !== values.size || cols.size !== values.size) {
    throw new Error(
      `Error in ${op}: rows, cols and values must have the same length (nnz), got ${rows.size}, ${cols.size} and ${values.size}`,
    );
  }
  if (
    shape.length !== 2 ||
    !shape.every((d) => Number.isInteger(d) && d > 0 && d <= 2 ** 31 - 1)
  ) {
    throw new Error(`Error in ${op}: shape must be two positive integers, got [${shape.join(",")}]`);
  }
}

/**
 * Sparse × dense product: A·B, or Aᵀ·B when `transposeA` is true, where A is the `shape[0]`×`shape[1]`
 * matrix with `values[k]` at (`rows[k]`, `cols[k]`), sorted by (row, col) without duplicates.
 * Cost O(nnz · n) with n = dense.shape[1]. Gradients reach `values` (per-non-zero dot products) and
 * `dense` (the other transpose); indices are not differentiable.
 *
 * ```ts
 * const a = { rows: tf.tensor1d([0, 1], "int32"), cols: tf.tensor1d([1, 0], "int32") };
 * const values = tf.tensor1d([2, 3]);
 * const y = spmm(a.rows, a.cols, values, [2, 2], tf.tensor2d([[1, 1], [10, 10]]));
 * y.print(); // [[20, 20], [3, 3]]
 * ```
 */
export function spmm(
  rows: Tensor1D,
  cols: Tensor1D,
  values: Tensor1D,
  shape: readonly [number, number],
  dense: Tensor2D,
  transposeA = false,
): Tensor2D {
  checkCooOperand("spmm", rows, cols, values, shape);
  if (dense.dtype !== "float32" || dense.rank !== 2) {
    throw new Error(`Error in spmm: dense must be a float32 rank-2 tensor, got ${dense.dtype} of shape [${dense.shape.join(",")}]`);
  }
  const inner = transposeA ? shape[0] : shape[1];
  if (dense.shape[0] !== inner) {
    throw new Error(
      `Error in spmm: inner dimensions of A${transposeA ? "ᵀ" : ""} (shape [${shape.join(",")}]) and dense ` +
        `(shape [${dense.shape.join(",")}]) do not match: ${inner} vs ${dense.shape[0]}`,
    );
  }
  registerSpmmKernels();
  return tf.engine().runKernel<Tensor2D>(
    TAM_SPMM,
    { rows, cols, values, dense },
    { shape: [shape[0], shape[1]], transposeA },
  );
}
