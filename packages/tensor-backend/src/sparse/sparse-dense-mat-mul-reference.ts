/**
 * Reference sparse x dense products by gather, multiply and segment sum (SEED-INVENTORY TB-2, TB-5;
 * seed 002 L42, L88, L1034, L1121-1123, L1523).
 *
 * Correct on every backend and differentiable by tfjs autodiff to `a.values` and to the dense operand
 * (indices carry no gradient, 002 L1038). Cost: one gather of `nnz` rows of the dense operand, one
 * multiply and one segment sum. A faster kernel must agree with these functions; they do no input
 * checking (the front doors in `sparse-dense-mat-mul.ts` do).
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import type { SparseMatrix } from "./sparse-matrix.js";

/**
 * `op(a) · b` with `op(a) = a` or `aᵀ`, by gather / multiply / `unsortedSegmentSum`. No validation.
 * `b` is `[a.cols, n]` (or `[a.rows, n]` with `transposeA`); the result is `[a.rows, n]` (or `[a.cols, n]`).
 */
export function sparseDenseMatMulReference(a: SparseMatrix, b: Tensor2D, transposeA = false): Tensor2D {
  return tf.tidy(() => {
    const [rows, cols] = tf.unstack(a.indices, 1) as [Tensor1D, Tensor1D];
    const segment = transposeA ? cols : rows;
    const source = transposeA ? rows : cols;
    const segments = transposeA ? a.shape[1] : a.shape[0];
    const weighted = tf.mul(tf.gather(b, source), tf.expandDims(a.values, 1));
    return tf.unsortedSegmentSum(weighted, segment, segments) as Tensor2D;
  });
}

/**
 * `x · op(a)` with `op(a) = a` or `aᵀ`, as the transpose of {@link sparseDenseMatMulReference} on `xᵀ`.
 * No validation. `x` is `[m, a.rows]` (or `[m, a.cols]` with `transposeB`).
 */
export function denseSparseMatMulReference(x: Tensor2D, a: SparseMatrix, transposeB = false): Tensor2D {
  return tf.tidy(() => tf.transpose(sparseDenseMatMulReference(a, tf.transpose(x), !transposeB)));
}
