/**
 * Sparse to dense (SEED-INVENTORY TB-7: dense masks only on demand, never stored for large layers).
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { SparseFormatError } from "./sparse-format-error.js";
import type { SparseMatrix } from "./sparse-matrix.js";

/** Largest dense size representable by int32 linear indices. */
const MAX_DENSE_SIZE = 2147483647;

/**
 * The dense `[rows, cols]` matrix of `a`, zeros elsewhere. Differentiable with respect to `a.values`
 * (built from `tf.unsortedSegmentSum` over linear positions).
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
  return tf.tidy(() => {
    const [r, c] = tf.split(a.indices, 2, 1) as [Tensor2D, Tensor2D];
    const linear: Tensor1D = tf.reshape(tf.add(tf.mul(r, tf.scalar(cols, "int32")), c), [-1]);
    return tf.reshape(tf.unsortedSegmentSum(a.values, linear, rows * cols), [rows, cols]);
  });
}
