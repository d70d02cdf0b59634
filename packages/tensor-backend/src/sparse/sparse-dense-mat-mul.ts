/**
 * The checked front doors of the sparse products (SEED-INVENTORY TB-2, TB-3, TB-4).
 *
 * TB-3 / D-5: the seed's dense-input forward `transpose(sparse_dense_matmul(W_sp[in,out], transpose(X)))`
 * has mismatched shapes; the intended `Y = X · W` with `W` stored `[in, out]` is
 * `denseSparseMatMul(X, W)`, and with `W` stored `[out, in]` it is `denseSparseMatMul(X, W, { transposeB: true })`.
 *
 * Both run the nnz-scaled WebAssembly SIMD kernel of `src/fast` (forward and backward, on every
 * backend); `sparse-dense-mat-mul-reference.ts` keeps the gather / segment-sum formulation as the
 * oracle the kernel is tested against.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { denseSpmm } from "../fast/dense-spmm.js";
import { spmm } from "../fast/spmm.js";
import { SparseFormatError } from "./sparse-format-error.js";
import type { SparseMatrix } from "./sparse-matrix.js";

/** Options of {@link sparseDenseMatMul}. */
export interface SparseDenseMatMulOptions {
  /** Multiply by the transpose of the sparse operand (default false). */
  readonly transposeA?: boolean;
}

/** Options of {@link denseSparseMatMul}. */
export interface DenseSparseMatMulOptions {
  /** Multiply by the transpose of the sparse operand (default false). */
  readonly transposeB?: boolean;
}

/**
 * Sparse times dense: `op(a) · b`, `[r, c] · [c, n] -> [r, n]`. Differentiable to `a.values` and `b`.
 *
 * @example
 * ```ts
 * const a = sparseMatrix({ indices: [[0, 0], [1, 2]], values: [2, 3], shape: [2, 3] });
 * const y = sparseDenseMatMul(a, tf.ones([3, 4]));              // [[2,2,2,2],[3,3,3,3]]
 * const z = sparseDenseMatMul(a, tf.ones([2, 4]), { transposeA: true });   // shape [3, 4]
 * ```
 * @throws Error naming the op and both shapes when the inner dimensions differ or `b` is not float32 rank 2.
 */
export function sparseDenseMatMul(a: SparseMatrix, b: Tensor2D, options: SparseDenseMatMulOptions = {}): Tensor2D {
  const transposeA = options.transposeA ?? false;
  checkOperands("sparseDenseMatMul", a, b, "b");
  const inner = transposeA ? a.shape[0] : a.shape[1];
  if (b.shape[0] !== inner) {
    throw new Error(
      `Error in sparseDenseMatMul: inner dimensions differ: a has shape [${a.shape.join(",")}] ` +
        `(transposeA=${transposeA}, inner ${inner}) and b has shape [${b.shape.join(",")}] (inner ${b.shape[0]}).`,
    );
  }
  return tf.tidy(() => {
    const [rows, cols] = splitIndices(a);
    return spmm(rows, cols, a.values, a.shape, b, transposeA);
  });
}

/**
 * Dense times sparse: `x · op(a)`, `[m, k] · [k, n] -> [m, n]`. Differentiable to `x` and `a.values`.
 *
 * @example
 * ```ts
 * const w = sparseMatrix({ indices: [[0, 1], [2, 0]], values: [1, 4], shape: [3, 2] });  // W [in=3, out=2]
 * const y = denseSparseMatMul(tf.ones([5, 3]), w);   // Y = X · W, shape [5, 2]
 * ```
 * @throws Error naming the op and both shapes when the inner dimensions differ or `x` is not float32 rank 2.
 */
export function denseSparseMatMul(x: Tensor2D, a: SparseMatrix, options: DenseSparseMatMulOptions = {}): Tensor2D {
  const transposeB = options.transposeB ?? false;
  checkOperands("denseSparseMatMul", a, x, "x");
  const inner = transposeB ? a.shape[1] : a.shape[0];
  if (x.shape[1] !== inner) {
    throw new Error(
      `Error in denseSparseMatMul: inner dimensions differ: x has shape [${x.shape.join(",")}] (inner ${x.shape[1]}) ` +
        `and a has shape [${a.shape.join(",")}] (transposeB=${transposeB}, inner ${inner}).`,
    );
  }
  return tf.tidy(() => {
    const [rows, cols] = splitIndices(a);
    return denseSpmm(x, rows, cols, a.values, a.shape, transposeB);
  });
}

/** The row and column index vectors of a COO matrix (int32, not differentiable). */
function splitIndices(a: SparseMatrix): [Tensor1D, Tensor1D] {
  const [rows, cols] = tf.unstack(a.indices, 1) as [Tensor1D, Tensor1D];
  return [rows, cols];
}

/** Cheap checks (no data read) shared by both products. */
function checkOperands(op: string, a: SparseMatrix, dense: Tensor2D, denseName: string): void {
  if (a.indices.isDisposed || a.values.isDisposed) {
    throw new SparseFormatError("DISPOSED", `Error in ${op}: the sparse operand's tensors are disposed.`);
  }
  if (a.indices.dtype !== "int32" || a.indices.rank !== 2 || a.indices.shape[1] !== 2) {
    throw new SparseFormatError("BAD_INDICES", `Error in ${op}: a.indices must be int32 [nnz, 2], got ${a.indices.dtype} [${a.indices.shape.join(",")}].`);
  }
  if (a.values.dtype !== "float32" || a.values.rank !== 1 || a.values.shape[0] !== a.indices.shape[0]) {
    throw new SparseFormatError("BAD_VALUES", `Error in ${op}: a.values must be float32 [${a.indices.shape[0]}], got ${a.values.dtype} [${a.values.shape.join(",")}].`);
  }
  if (dense.rank !== 2 || dense.dtype !== "float32") {
    throw new Error(`Error in ${op}: ${denseName} must be a float32 matrix, got ${dense.dtype} [${dense.shape.join(",")}].`);
  }
}
