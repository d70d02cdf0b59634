/**
 * Coalescing: any COO triple (unsorted, repeated entries) to a canonical {@link SparseMatrix}
 * (SEED-INVENTORY TB-1: "reorder after every structural edit"; §15.2 item 1, the sorting algorithm).
 *
 * The pattern is computed in JavaScript from the indices (one read, a stable sort by row-major key);
 * the values are summed by `tf.unsortedSegmentSum`, so gradients flow from the result back to the input
 * values. Explicit zeros are kept.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { SparseFormatError } from "./sparse-format-error.js";
import { checkShape, type SparseMatrix } from "./sparse-matrix.js";

/**
 * Sort entries row-major and sum repeated positions.
 *
 * @example
 * ```ts
 * const idx = tf.tensor2d([[1, 0], [0, 2], [1, 0]], [3, 2], "int32");
 * const a = coalesce(idx, tf.tensor1d([1, 2, 3]), [2, 3]);   // entries (0,2)=2, (1,0)=4
 * ```
 * @param indices - int32 `[n, 2]` (row, col) pairs in any order, repeats allowed.
 * @param values - float32 `[n]`.
 * @param shape - `[rows, cols]`.
 * @throws SparseFormatError naming the argument for bad dtypes, shapes or out-of-range entries.
 */
export function coalesce(indices: Tensor2D, values: Tensor1D, shape: readonly [number, number]): SparseMatrix {
  const [rows, cols] = checkShape("coalesce", shape);
  if (indices.dtype !== "int32" || indices.rank !== 2 || indices.shape[1] !== 2) {
    throw new SparseFormatError(
      "BAD_INDICES",
      `Error in coalesce: indices must be int32 of shape [n, 2], got ${indices.dtype} [${indices.shape.join(",")}].`,
    );
  }
  const n = indices.shape[0];
  if (values.dtype !== "float32" || values.rank !== 1 || values.shape[0] !== n) {
    throw new SparseFormatError(
      "BAD_VALUES",
      `Error in coalesce: values must be float32 of shape [${n}], got ${values.dtype} [${values.shape.join(",")}].`,
    );
  }
  const data = indices.dataSync();
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const r = data[2 * i] as number;
    const c = data[2 * i + 1] as number;
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new SparseFormatError(
        "INDEX_OUT_OF_RANGE",
        `Error in coalesce: entry ${i} at (${r}, ${c}) is outside the shape [${rows}, ${cols}].`,
      );
    }
    keys[i] = r * cols + c;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (keys[x] as number) - (keys[y] as number) || x - y);
  const segmentIds = new Int32Array(n);
  const unique: number[] = [];
  for (const i of order) {
    const key = keys[i] as number;
    if (unique.length === 0 || unique[unique.length - 1] !== key) unique.push(key);
    segmentIds[i] = unique.length - 1;
  }
  const outIndices = new Int32Array(unique.length * 2);
  unique.forEach((key, j) => {
    outIndices[2 * j] = Math.floor(key / cols);
    outIndices[2 * j + 1] = key % cols;
  });
  const outValues = tf.tidy(() => {
    if (unique.length === n && order.every((i, j) => i === j)) return tf.clone(values);
    return tf.unsortedSegmentSum(values, tf.tensor1d(segmentIds, "int32"), unique.length);
  });
  return {
    indices: tf.tensor2d(outIndices, [unique.length, 2], "int32"),
    values: outValues,
    shape: [rows, cols],
  };
}
