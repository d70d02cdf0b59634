/**
 * The TamSpmm and TamSddmm kernels: backend-independent kernel functions that run the WebAssembly
 * SIMD code from asm/spmm.ts on the tensors' data, registered for every backend so the ops work in
 * tfjs autodiff anywhere. Data-dependent checks (index range, order, duplicates) live here because
 * the kernel is where the data is read.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { makeF32Output, readF32, readI32 } from "./backend-io.js";
import { TAM_KERNEL_BACKENDS, TAM_SDDMM, TAM_SPMM } from "./kernel-names.js";
import { sddmmInto, spmmInto } from "./spmm-wasm.js";
import { gradientsRegistered, registerSpmmGradients } from "./spmm-grad.js";

function input(inputs: Record<string, TensorInfo | undefined>, name: string, kernel: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`Error in ${kernel}: missing input '${name}'`);
  return info;
}

function shapeAttr(attrs: NamedAttrMap | undefined): [number, number] {
  const shape = attrs?.["shape"];
  if (!Array.isArray(shape) || shape.length !== 2 || typeof shape[0] !== "number" || typeof shape[1] !== "number") {
    throw new Error(`Error in ${TAM_SPMM}: attr 'shape' must be [rows, cols]`);
  }
  return [shape[0], shape[1]];
}

/**
 * Check that COO indices are in range, sorted by (row, col) and free of duplicates; throws an error
 * naming the first offending entry.
 */
export function checkCooIndices(op: string, rows: Int32Array, cols: Int32Array, shape: readonly [number, number]): void {
  const [r, c] = shape;
  let prevRow = -1;
  let prevCol = -1;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] ?? -1;
    const col = cols[k] ?? -1;
    if (row < 0 || row >= r || col < 0 || col >= c) {
      throw new Error(`Error in ${op}: entry ${k} (row ${row}, col ${col}) is outside the shape [${r}, ${c}]`);
    }
    if (row < prevRow || (row === prevRow && col <= prevCol)) {
      throw new Error(
        `Error in ${op}: entries must be sorted by (row, col) without duplicates; entry ${k} (row ${row}, col ${col}) ` +
          `follows (row ${prevRow}, col ${prevCol})`,
      );
    }
    prevRow = row;
    prevCol = col;
  }
}

/** Kernel function of TamSpmm: Y = A·B or Aᵀ·B with A in COO form. */
export const spmmKernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as KernelBackend;
  const rowsInfo = input(inputs, "rows", TAM_SPMM);
  const colsInfo = input(inputs, "cols", TAM_SPMM);
  const valuesInfo = input(inputs, "values", TAM_SPMM);
  const denseInfo = input(inputs, "dense", TAM_SPMM);
  const shape = shapeAttr(attrs);
  const transposeA = attrs?.["transposeA"] === true;
  const n = denseInfo.shape[1] ?? 0;
  const outRows = transposeA ? shape[1] : shape[0];
  return makeF32Output(b, [outRows, n], (out) => {
    const rows = readI32(b, rowsInfo);
    const cols = readI32(b, colsInfo);
    checkCooIndices("spmm", rows, cols, shape);
    spmmInto(rows, cols, readF32(b, valuesInfo), shape, readF32(b, denseInfo), n, transposeA, out);
  });
};

/** Kernel function of TamSddmm: out[k] = G[gIdx[k], :] · B[bIdx[k], :]. */
export const sddmmKernelFunc: KernelFunc = ({ inputs, backend }) => {
  const b = backend as KernelBackend;
  const gIdxInfo = input(inputs, "gIdx", TAM_SDDMM);
  const bIdxInfo = input(inputs, "bIdx", TAM_SDDMM);
  const gInfo = input(inputs, "g", TAM_SDDMM);
  const bInfo = input(inputs, "b", TAM_SDDMM);
  const n = gInfo.shape[1] ?? 0;
  const nnz = gIdxInfo.shape[0] ?? 0;
  return makeF32Output(b, [nnz], (out) => {
    sddmmInto(readI32(b, gIdxInfo), readI32(b, bIdxInfo), readF32(b, gInfo), readF32(b, bInfo), n, out);
  });
};

/**
 * Register TamSpmm and TamSddmm (and the spmm gradient) for cpu, wasm, tensorflow and the active
 * backend. Idempotent and cheap: the ops call it on every use.
 */
export function registerSpmmKernels(): void {
  const active = tf.getBackend() as string | null;
  const names: string[] = [...TAM_KERNEL_BACKENDS];
  if (active !== null && !names.includes(active)) names.push(active);
  for (const backendName of names) {
    // getKernel returns undefined for a missing kernel although its type says otherwise.
    if ((tf.getKernel(TAM_SPMM, backendName) as unknown) === undefined) {
      tf.registerKernel({ kernelName: TAM_SPMM, backendName, kernelFunc: spmmKernelFunc });
    }
    if ((tf.getKernel(TAM_SDDMM, backendName) as unknown) === undefined) {
      tf.registerKernel({ kernelName: TAM_SDDMM, backendName, kernelFunc: sddmmKernelFunc });
    }
  }
  if (!gradientsRegistered()) registerSpmmGradients();
}
