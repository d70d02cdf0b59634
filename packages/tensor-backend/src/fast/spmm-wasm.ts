/**
 * Typed-array front end of the AssemblyScript sparse kernels (asm/spmm.ts): lays the operands out in
 * the kernel module's memory, runs one kernel, and writes the result into a caller-provided array
 * (on the wasm backend, a view of the output tensor's memory, so nothing is allocated per call).
 * Backend-independent: the tfjs kernels in spmm-kernel.ts call these on every backend.
 */
import { SPMM_WASM_BASE64 } from "../../generated/spmm-wasm.js";
import { WasmArena } from "./wasm-arena.js";

/** Exports of asm/spmm.ts (all pointers are byte offsets). */
interface SpmmExports {
  spmmRowRuns(outIdx: number, inIdx: number, vals: number, nnz: number, b: number, n: number, y: number): void;
  sddmm(gIdx: number, bIdx: number, nnz: number, g: number, b: number, n: number, out: number): void;
  sortByColumn(
    rowIdx: number,
    colIdx: number,
    vals: number,
    nnz: number,
    cols: number,
    counts: number,
    outRow: number,
    outCol: number,
    outVal: number,
  ): void;
}

let arena: WasmArena<SpmmExports> | undefined;

function getArena(): WasmArena<SpmmExports> {
  arena ??= new WasmArena<SpmmExports>(SPMM_WASM_BASE64);
  return arena;
}

/**
 * out = A·B (transposeA false, `shape[0]` rows) or Aᵀ·B (transposeA true, `shape[1]` rows), with A
 * in COO form sorted by (row, col) and B row-major with `n` columns; `out` is overwritten.
 * Aᵀ·B first counting-sorts A by column (O(nnz + cols)) so both run the row-accumulating kernel.
 */
export function spmmInto(
  rowIdx: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
  shape: readonly [number, number],
  dense: Float32Array,
  n: number,
  transposeA: boolean,
  out: Float32Array,
): void {
  const nnz = values.length;
  const a = getArena();
  a.reset();
  const pRow = a.alloc(nnz * 4);
  const pCol = a.alloc(nnz * 4);
  const pVal = a.alloc(nnz * 4);
  const pB = a.alloc(dense.length * 4);
  const pY = a.alloc(out.length * 4);
  let pOutIdx = pRow;
  let pInIdx = pCol;
  let pV = pVal;
  if (transposeA) {
    const pCount = a.alloc((shape[1] + 1) * 4);
    pOutIdx = a.alloc(nnz * 4);
    pInIdx = a.alloc(nnz * 4);
    pV = a.alloc(nnz * 4);
    fill(a, pRow, pCol, pVal, rowIdx, colIdx, values);
    a.fns.sortByColumn(pRow, pCol, pVal, nnz, shape[1], pCount, pInIdx, pOutIdx, pV);
  } else {
    fill(a, pRow, pCol, pVal, rowIdx, colIdx, values);
  }
  a.f32(pB, dense.length).set(dense);
  a.f32(pY, out.length).fill(0);
  a.fns.spmmRowRuns(pOutIdx, pInIdx, pV, nnz, pB, n, pY);
  out.set(a.f32(pY, out.length));
}

function fill(
  a: WasmArena<SpmmExports>,
  pRow: number,
  pCol: number,
  pVal: number,
  rowIdx: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
): void {
  a.i32(pRow, rowIdx.length).set(rowIdx);
  a.i32(pCol, colIdx.length).set(colIdx);
  a.f32(pVal, values.length).set(values);
}

/**
 * Sampled dense-dense product: out[k] = G[gIdx[k], :] · B[bIdx[k], :], with G and B row-major with
 * `n` columns; `out` (length nnz) is overwritten. This is the gradient of spmm's values.
 */
export function sddmmInto(
  gIdx: Int32Array,
  bIdx: Int32Array,
  g: Float32Array,
  b: Float32Array,
  n: number,
  out: Float32Array,
): void {
  const nnz = gIdx.length;
  const a = getArena();
  a.reset();
  const pGi = a.alloc(nnz * 4);
  const pBi = a.alloc(nnz * 4);
  const pG = a.alloc(g.length * 4);
  const pB = a.alloc(b.length * 4);
  const pOut = a.alloc(nnz * 4);
  a.i32(pGi, nnz).set(gIdx);
  a.i32(pBi, nnz).set(bIdx);
  a.f32(pG, g.length).set(g);
  a.f32(pB, b.length).set(b);
  a.fns.sddmm(pGi, pBi, nnz, pG, pB, n, pOut);
  out.set(a.f32(pOut, nnz));
}
