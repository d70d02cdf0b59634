/**
 * Sparse to dense (SEED-INVENTORY TB-7: dense masks only on demand, never stored for large layers).
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor, Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { SparseFormatError } from "./sparse-format-error.js";
import type { SparseMatrix } from "./sparse-matrix.js";

/** Largest dense size representable by int32 linear indices. */
const MAX_DENSE_SIZE = 2147483647;

/**
 * The dense `[rows, cols]` matrix of `a`, zeros elsewhere. Differentiable with respect to `a.values`:
 * the gradient is `∂L/∂dense` read at `a`'s cells.
 *
 * Built with `scatterND` (O(rows·cols + nnz)), valid because a {@link SparseMatrix} is coalesced (no
 * repeated cell); the gradient is a `gatherND` (O(nnz)). (`unsortedSegmentSum` over linear positions,
 * the textbook route, costs O(nnz·rows·cols) in the tfjs cpu kernel: about 18 s at 512x512.)
 *
 * @example
 * ```ts
 * const a = sparseMatrix({ indices: [[0, 1]], values: [5], shape: [2, 2] });
 * sparseToDense(a).print();   // [[0, 5], [0, 0]]
 * ```
 */
export function sparseToDense(a: SparseMatrix): Tensor2D {
  const [rows, cols] = a.shape;
  if (rows * cols > MAX_DENSE_SIZE) {
    throw new SparseFormatError("BAD_SHAPE", `Error in sparseToDense: shape [${rows}, ${cols}] is too large for a dense tensor.`);
  }
  const target: [number, number] = [rows, cols];
  const scatter = tf.customGrad((...inputs) => ({
    value: tf.scatterND(a.indices, inputs[0] as Tensor1D, target),
    gradFunc: (dy: Tensor) => tf.gatherND(dy, a.indices),
  }));
  return scatter(a.values) as Tensor2D;
}
