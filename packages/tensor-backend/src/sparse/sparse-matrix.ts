/**
 * The sparse COO matrix type (SEED-INVENTORY TB-1; seed 002 L1028-1030, L1033, L1122).
 *
 * The seed keeps `indices [nnz,2]` (row, col) and `values [nnz]` aligned one to one with a dense shape,
 * sorted and coalesced. TensorFlow.js has no SparseTensor and no int64, so this is a plain record of two
 * tensors: int32 indices and float32 values. "Canonical" means row-major order with no repeated entry;
 * explicit zeros are allowed (a structural entry of a mask may hold 0).
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor1D, Tensor2D } from "@tensorflow/tfjs";

import { SparseFormatError } from "./sparse-format-error.js";

/**
 * A sparse `rows x cols` matrix in canonical COO form.
 *
 * - `indices`: int32, shape `[nnz, 2]`, each row `(row, col)`, sorted row-major, no duplicates.
 * - `values`: float32, shape `[nnz]`, `values[i]` sits at `indices[i]`. Gradients flow to it.
 * - `shape`: `[rows, cols]`. Treat it as read-only.
 *
 * The record owns its tensors: free them with {@link disposeSparse} (or return it from `tf.tidy`).
 */
export type SparseMatrix = {
  readonly indices: Tensor2D;
  readonly values: Tensor1D;
  readonly shape: [number, number];
};

/** Inputs accepted by {@link sparseMatrix}: tensors (taken as they are) or plain arrays (copied). */
export interface SparseMatrixInit {
  /** `(row, col)` pairs: an int32 `[nnz, 2]` tensor or an array of pairs. */
  readonly indices: Tensor2D | readonly (readonly [number, number])[];
  /** One value per pair: a float32 `[nnz]` tensor or numbers. */
  readonly values: Tensor1D | readonly number[] | Float32Array;
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
}

/**
 * Build a {@link SparseMatrix}, validating it (shape, dtypes, range, order, no duplicates).
 * Tensors passed in are used as they are (not copied); arrays are copied into new tensors.
 * Use {@link coalesce} for unsorted input or input with repeats.
 *
 * @example
 * ```ts
 * const a = sparseMatrix({ indices: [[0, 1], [2, 0]], values: [5, -1], shape: [3, 2] });
 * sparseToDense(a).print();   // [[0, 5], [0, 0], [-1, 0]]
 * disposeSparse(a);
 * ```
 * @throws SparseFormatError with a code naming what is wrong and the offending entry.
 */
export function sparseMatrix(init: SparseMatrixInit): SparseMatrix {
  const shape = checkShape("sparseMatrix", init.shape);
  const ownIndices = !(init.indices instanceof tf.Tensor);
  const ownValues = !(init.values instanceof tf.Tensor);
  const indices = init.indices instanceof tf.Tensor ? init.indices : pairsToTensor(init.indices);
  let values: Tensor1D | undefined;
  try {
    values = init.values instanceof tf.Tensor ? init.values : tf.tensor1d(Array.from(init.values), "float32");
    const matrix: SparseMatrix = { indices, values, shape };
    validateSparse("sparseMatrix", matrix);
    return matrix;
  } catch (error) {
    if (ownIndices) indices.dispose();
    if (ownValues) values?.dispose();
    throw error;
  }
}

/**
 * The same sparsity pattern with new values (no data read, no validation of the pattern). Use it inside
 * a differentiated function to make the values a variable of the gradient.
 *
 * @throws SparseFormatError when `values` is not float32 `[nnz]`.
 */
export function sparseWithValues(a: SparseMatrix, values: Tensor1D): SparseMatrix {
  const nnz = a.indices.shape[0];
  if (values.dtype !== "float32" || values.rank !== 1 || values.shape[0] !== nnz) {
    throw new SparseFormatError(
      "BAD_VALUES",
      `Error in sparseWithValues: values must be float32 of shape [${nnz}], got ${values.dtype} [${values.shape.join(",")}].`,
    );
  }
  return { indices: a.indices, values, shape: a.shape };
}

/** Number of stored entries. */
export function sparseNnz(a: SparseMatrix): number {
  return a.indices.shape[0];
}

/** Dispose the tensors a {@link SparseMatrix} holds. */
export function disposeSparse(a: SparseMatrix): void {
  a.indices.dispose();
  a.values.dispose();
}

/**
 * Check every invariant of a {@link SparseMatrix}; reads the indices (one `dataSync`), so keep it out of
 * hot loops.
 *
 * @param op - the operation name used in error messages.
 * @throws SparseFormatError naming `op`, the argument and the first offending entry.
 */
export function validateSparse(op: string, a: SparseMatrix): void {
  const [rows, cols] = checkShape(op, a.shape);
  const { indices, values } = a;
  if (indices.isDisposed || values.isDisposed) {
    throw new SparseFormatError("DISPOSED", `Error in ${op}: the sparse matrix's tensors are disposed.`);
  }
  if (indices.dtype !== "int32" || indices.rank !== 2 || indices.shape[1] !== 2) {
    throw new SparseFormatError(
      "BAD_INDICES",
      `Error in ${op}: indices must be int32 of shape [nnz, 2], got ${indices.dtype} [${indices.shape.join(",")}].`,
    );
  }
  const nnz = indices.shape[0];
  if (values.dtype !== "float32" || values.rank !== 1 || values.shape[0] !== nnz) {
    throw new SparseFormatError(
      "BAD_VALUES",
      `Error in ${op}: values must be float32 of shape [${nnz}] (one per index), got ${values.dtype} [${values.shape.join(",")}].`,
    );
  }
  const data = indices.dataSync();
  let previous = -1;
  for (let i = 0; i < nnz; i += 1) {
    const r = data[2 * i] as number;
    const c = data[2 * i + 1] as number;
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new SparseFormatError(
        "INDEX_OUT_OF_RANGE",
        `Error in ${op}: entry ${i} at (${r}, ${c}) is outside the shape [${rows}, ${cols}].`,
      );
    }
    const key = r * cols + c;
    if (key === previous) {
      throw new SparseFormatError("DUPLICATE", `Error in ${op}: entry ${i} repeats (${r}, ${c}); use coalesce().`);
    }
    if (key < previous) {
      throw new SparseFormatError(
        "UNSORTED",
        `Error in ${op}: entry ${i} at (${r}, ${c}) comes after a later position; indices must be row-major sorted (use coalesce()).`,
      );
    }
    previous = key;
  }
}

/** Validate a `[rows, cols]` shape of non-negative safe integers and return a fresh copy. */
export function checkShape(op: string, shape: readonly number[]): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SparseFormatError(
      "BAD_SHAPE",
      `Error in ${op}: shape must be [rows, cols] of non-negative integers, got ${JSON.stringify(shape)}.`,
    );
  }
  return [shape[0] as number, shape[1] as number];
}

/** Largest int32 magnitude; larger indices would wrap in an int32 tensor. */
const INT32_MAX = 2147483647;

function pairsToTensor(pairs: readonly (readonly [number, number])[]): Tensor2D {
  const flat = new Int32Array(pairs.length * 2);
  pairs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && Math.abs(v) <= INT32_MAX)) {
      throw new SparseFormatError("BAD_INDICES", `Error in sparseMatrix: index ${i} must be an integer pair, got ${JSON.stringify(pair)}.`);
    }
    flat[2 * i] = pair[0];
    flat[2 * i + 1] = pair[1];
  });
  return tf.tensor2d(flat, [pairs.length, 2], "int32");
}
