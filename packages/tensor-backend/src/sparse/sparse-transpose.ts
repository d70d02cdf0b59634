/**
 * Transpose of a sparse matrix, kept canonical.
 */
import * as tf from "@tensorflow/tfjs";

import type { SparseMatrix } from "./sparse-matrix.js";

/**
 * `a` transposed: `[cols, rows]`, entries re-sorted row-major. The pattern is read once; values are
 * permuted with `tf.gather`, so gradients flow back to `a.values`.
 *
 * @example
 * ```ts
 * const t = sparseTranspose(sparseMatrix({ indices: [[0, 1]], values: [5], shape: [2, 3] }));   // (1, 0) = 5, shape [3, 2]
 * ```
 */
export function sparseTranspose(a: SparseMatrix): SparseMatrix {
  const [rows, cols] = a.shape;
  const data = a.indices.dataSync();
  const nnz = a.indices.shape[0];
  const order = Array.from({ length: nnz }, (_, i) => i).sort(
    (x, y) => (data[2 * x + 1] as number) - (data[2 * y + 1] as number) || (data[2 * x] as number) - (data[2 * y] as number),
  );
  const indices = new Int32Array(nnz * 2);
  order.forEach((i, j) => {
    indices[2 * j] = data[2 * i + 1] as number;
    indices[2 * j + 1] = data[2 * i] as number;
  });
  const values = tf.tidy(() => tf.gather(a.values, tf.tensor1d(order, "int32")));
  return { indices: tf.tensor2d(indices, [nnz, 2], "int32"), values, shape: [cols, rows] };
}
