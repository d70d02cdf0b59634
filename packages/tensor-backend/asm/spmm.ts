// Sparse x dense kernels for @tam/tensor-backend (AssemblyScript, compiled with --enable simd).
//
// Layout: the dense operand and the output are row-major with the batch (n) contiguous, so the work
// per non-zero is one f32x4 axpy (or dot) over a row of n floats. All pointers are byte offsets into
// this module's memory, laid out by the TypeScript side (src/fast/spmm-wasm.ts). No allocation here.

/** First free byte after the static data: the TypeScript side lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Y[out[k], :] += vals[k] * B[inp[k], :] for every k, with Y zeroed by the caller.
 * Used for A·B (out = rows, inp = cols) and Aᵀ·B (out = cols, inp = rows).
 */
export function spmmAxpy(outIdx: usize, inIdx: usize, vals: usize, nnz: i32, b: usize, n: i32, y: usize): void {
  const n4 = n & ~3;
  const rowBytes = (<usize>n) << 2;
  for (let k = 0; k < nnz; k++) {
    const kb = (<usize>k) << 2;
    const o = <usize>load<i32>(outIdx + kb);
    const i = <usize>load<i32>(inIdx + kb);
    const v = load<f32>(vals + kb);
    const vv = f32x4.splat(v);
    const yp = y + o * rowBytes;
    const bp = b + i * rowBytes;
    let j = 0;
    for (; j < n4; j += 4) {
      const off = (<usize>j) << 2;
      v128.store(yp + off, f32x4.add(v128.load(yp + off), f32x4.mul(vv, v128.load(bp + off))));
    }
    for (; j < n; j++) {
      const off = (<usize>j) << 2;
      store<f32>(yp + off, load<f32>(yp + off) + v * load<f32>(bp + off));
    }
  }
}

/**
 * Same product as spmmAxpy when `outIdx` is sorted: each run of equal output rows is accumulated in
 * registers 16 floats at a time and stored once, so Y is written once instead of once per non-zero.
 * Rows with no non-zero are left as the caller zeroed them.
 */
export function spmmRowRuns(outIdx: usize, inIdx: usize, vals: usize, nnz: i32, b: usize, n: i32, y: usize): void {
  const n16 = n & ~15;
  const n4 = n & ~3;
  const rowBytes = (<usize>n) << 2;
  let k0 = 0;
  while (k0 < nnz) {
    const o = load<i32>(outIdx + ((<usize>k0) << 2));
    let k1 = k0 + 1;
    while (k1 < nnz && load<i32>(outIdx + ((<usize>k1) << 2)) == o) k1++;
    const yp = y + (<usize>o) * rowBytes;
    let j = 0;
    for (; j < n16; j += 16) {
      const off = (<usize>j) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let k = k0; k < k1; k++) {
        const kb = (<usize>k) << 2;
        const vv = f32x4.splat(load<f32>(vals + kb));
        const bp = b + (<usize>load<i32>(inIdx + kb)) * rowBytes + off;
        a0 = f32x4.add(a0, f32x4.mul(vv, v128.load(bp)));
        a1 = f32x4.add(a1, f32x4.mul(vv, v128.load(bp, 16)));
        a2 = f32x4.add(a2, f32x4.mul(vv, v128.load(bp, 32)));
        a3 = f32x4.add(a3, f32x4.mul(vv, v128.load(bp, 48)));
      }
      v128.store(yp + off, a0);
      v128.store(yp + off, a1, 16);
      v128.store(yp + off, a2, 32);
      v128.store(yp + off, a3, 48);
    }
    for (; j < n4; j += 4) {
      const off = (<usize>j) << 2;
      let a0 = f32x4.splat(0);
      for (let k = k0; k < k1; k++) {
        const kb = (<usize>k) << 2;
        const vv = f32x4.splat(load<f32>(vals + kb));
        a0 = f32x4.add(a0, f32x4.mul(vv, v128.load(b + (<usize>load<i32>(inIdx + kb)) * rowBytes + off)));
      }
      v128.store(yp + off, a0);
    }
    for (; j < n; j++) {
      const off = (<usize>j) << 2;
      let s: f32 = 0;
      for (let k = k0; k < k1; k++) {
        const kb = (<usize>k) << 2;
        s += load<f32>(vals + kb) * load<f32>(b + (<usize>load<i32>(inIdx + kb)) * rowBytes + off);
      }
      store<f32>(yp + off, s);
    }
    k0 = k1;
  }
}

/**
 * Sampled dense-dense product: out[k] = Σ_j G[gIdx[k], j] · B[bIdx[k], j] over rows of n floats.
 * This is the gradient of the sparse values: dvalues[k] = dY[row_k, :] · B[col_k, :].
 */
export function sddmm(gIdx: usize, bIdx: usize, nnz: i32, g: usize, b: usize, n: i32, out: usize): void {
  const n4 = n & ~3;
  const rowBytes = (<usize>n) << 2;
  for (let k = 0; k < nnz; k++) {
    const kb = (<usize>k) << 2;
    const gp = g + (<usize>load<i32>(gIdx + kb)) * rowBytes;
    const bp = b + (<usize>load<i32>(bIdx + kb)) * rowBytes;
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j < n4; j += 4) {
      const off = (<usize>j) << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(gp + off), v128.load(bp + off)));
    }
    let s: f32 =
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; j < n; j++) {
      const off = (<usize>j) << 2;
      s += load<f32>(gp + off) * load<f32>(bp + off);
    }
    store<f32>(out + kb, s);
  }
}

/**
 * Stable counting sort of a COO matrix by column: writes (col, row, val) triples in (col, row) order
 * to outCol/outRow/outVal, so Aᵀ·B can run spmmRowRuns. `counts` is scratch of (cols + 1) i32.
 */
export function sortByColumn(
  rowIdx: usize,
  colIdx: usize,
  vals: usize,
  nnz: i32,
  cols: i32,
  counts: usize,
  outRow: usize,
  outCol: usize,
  outVal: usize,
): void {
  memory.fill(counts, 0, ((<usize>cols) + 1) << 2);
  for (let k = 0; k < nnz; k++) {
    const p = counts + (((<usize>load<i32>(colIdx + ((<usize>k) << 2))) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let j = 0; j < cols; j++) {
    const p = counts + (((<usize>j) + 1) << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  for (let k = 0; k < nnz; k++) {
    const kb = (<usize>k) << 2;
    const c = load<i32>(colIdx + kb);
    const p = counts + ((<usize>c) << 2);
    const dst = (<usize>load<i32>(p)) << 2;
    store<i32>(p, load<i32>(p) + 1);
    store<i32>(outCol + dst, c);
    store<i32>(outRow + dst, load<i32>(rowIdx + kb));
    store<f32>(outVal + dst, load<f32>(vals + kb));
  }
}
