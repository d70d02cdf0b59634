/**
 * Dense to sparse: the non-zero entries of a matrix as a canonical {@link SparseMatrix}.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { SparseFormatError } from "./sparse-format-error.js";
import type { SparseMatrix } from "./sparse-matrix.js";

/**
 * The entries of `dense` that are not zero, row-major. The pattern is read once (`dataSync`); the values
 * are gathered with `tf.gather`, so gradients flow back to `dense`.
 *
 * @example
 * ```ts
 * const a = sparseFromDense(tf.tensor2d([[0, 2], [3, 0]]));   // nnz = 2
 * ```
 * @throws SparseFormatError when `dense` is not a float32 matrix.
 */
export function sparseFromDense(dense: Tensor2D): SparseMatrix {
  if (dense.rank !== 2 || dense.dtype !== "float32") {
    throw new SparseFormatError(
      "BAD_VALUES",
      `Error in sparseFromDense: dense must be a float32 matrix, got ${dense.dtype} [${dense.shape.join(",")}].`,
    );
  }
  const [rows, cols] = dense.shape;
  const data = dense.dataSync();
  const linear: number[] = [];
  for (let i = 0; i < data.length; i += 1) if (data[i] !== 0) linear.push(i);
  const indices = new Int32Array(linear.length * 2);
  linear.forEach((k, j) => {
    indices[2 * j] = Math.floor(k / cols);
    indices[2 * j + 1] = k % cols;
  });
  const values = tf.tidy((): Tensor1D => tf.gather(tf.reshape(dense, [-1]), tf.tensor1d(linear, "int32")));
  return { indices: tf.tensor2d(indices, [linear.length, 2], "int32"), values, shape: [rows, cols] };
}
