// Fused dense-stack training kernels for @tam/tensor-backend (AssemblyScript, --enable simd): a GEMM
// with a fused epilogue (bias, relu, relu-gradient mask), a transpose, MSE loss + gradient, column
// sums and an Adam update over one contiguous parameter block. src/fast/dense-stack.ts orchestrates a
// whole training step (forward, backward, Adam) from these with no tfjs op in between.
// All pointers and strides are in bytes; matrices are row-major f32.

/** First free byte after the static data. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline
function epilogue(v: v128, bias: usize, mask: usize, relu: i32): v128 {
  let r = v;
  if (bias != 0) r = f32x4.add(r, v128.load(bias));
  if (relu != 0) r = f32x4.max(r, f32x4.splat(0));
  if (mask != 0) r = v128.and(r, f32x4.gt(v128.load(mask), f32x4.splat(0)));
  return r;
}

// @ts-ignore: decorator
@inline
function epilogue1(v: f32, bias: usize, mask: usize, relu: i32): f32 {
  let r = v;
  if (bias != 0) r += load<f32>(bias);
  if (relu != 0) r = r > 0 ? r : 0;
  if (mask != 0 && !(load<f32>(mask) > 0)) r = 0;
  return r;
}

/**
 * C[M,N] = epilogue(A·B) where A[i,p] is at a + i*aRs + p*aCs (so Aᵀ is just other strides), B is
 * row-major with row stride ldb, C row stride ldc. Epilogue: + bias[j] (bias != 0), max(·, 0)
 * (relu != 0), then zero where mask[i,j] <= 0 (mask != 0, same strides as C): the relu gradient.
 * Micro-kernel: 4 rows x 8 columns held in eight f32x4 accumulators.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, aRs: usize, aCs: usize,
  b: usize, ldb: usize,
  c: usize, ldc: usize,
  bias: usize, mask: usize, relu: i32,
): void {
  const M4 = M & ~3;
  const N8 = N & ~7;
  for (let j = 0; j < N8; j += 8) {
    const jb = (<usize>j) << 2;
    const bj = b + jb;
    const biasJ = bias != 0 ? bias + jb : 0;
    let i = 0;
    for (; i < M4; i += 4) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let ap = a + (<usize>i) * aRs;
      let bp = bj;
      for (let p = 0; p < K; p++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s = f32x4.splat(load<f32>(ap));
        c00 = f32x4.add(c00, f32x4.mul(s, b0));
        c01 = f32x4.add(c01, f32x4.mul(s, b1));
        s = f32x4.splat(load<f32>(ap + aRs));
        c10 = f32x4.add(c10, f32x4.mul(s, b0));
        c11 = f32x4.add(c11, f32x4.mul(s, b1));
        s = f32x4.splat(load<f32>(ap + 2 * aRs));
        c20 = f32x4.add(c20, f32x4.mul(s, b0));
        c21 = f32x4.add(c21, f32x4.mul(s, b1));
        s = f32x4.splat(load<f32>(ap + 3 * aRs));
        c30 = f32x4.add(c30, f32x4.mul(s, b0));
        c31 = f32x4.add(c31, f32x4.mul(s, b1));
        ap += aCs;
        bp += ldb;
      }
      const r0 = (<usize>i) * ldc + jb;
      const m0 = mask != 0 ? mask + r0 : 0;
      const m1 = mask != 0 ? m0 + ldc : 0;
      const m2 = mask != 0 ? m1 + ldc : 0;
      const m3 = mask != 0 ? m2 + ldc : 0;
      const cp = c + r0;
      v128.store(cp, epilogue(c00, biasJ, m0, relu));
      v128.store(cp + 16, epilogue(c01, biasJ != 0 ? biasJ + 16 : 0, m0 != 0 ? m0 + 16 : 0, relu));
      v128.store(cp + ldc, epilogue(c10, biasJ, m1, relu));
      v128.store(cp + ldc + 16, epilogue(c11, biasJ != 0 ? biasJ + 16 : 0, m1 != 0 ? m1 + 16 : 0, relu));
      v128.store(cp + 2 * ldc, epilogue(c20, biasJ, m2, relu));
      v128.store(cp + 2 * ldc + 16, epilogue(c21, biasJ != 0 ? biasJ + 16 : 0, m2 != 0 ? m2 + 16 : 0, relu));
      v128.store(cp + 3 * ldc, epilogue(c30, biasJ, m3, relu));
      v128.store(cp + 3 * ldc + 16, epilogue(c31, biasJ != 0 ? biasJ + 16 : 0, m3 != 0 ? m3 + 16 : 0, relu));
    }
    for (; i < M; i++) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let ap = a + (<usize>i) * aRs;
      let bp = bj;
      for (let p = 0; p < K; p++) {
        const s = f32x4.splat(load<f32>(ap));
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(bp, 16)));
        ap += aCs;
        bp += ldb;
      }
      const r0 = (<usize>i) * ldc + jb;
      const m0 = mask != 0 ? mask + r0 : 0;
      v128.store(c + r0, epilogue(c0, biasJ, m0, relu));
      v128.store(c + r0 + 16, epilogue(c1, biasJ != 0 ? biasJ + 16 : 0, m0 != 0 ? m0 + 16 : 0, relu));
    }
  }
  // Remaining columns (N not a multiple of 8): scalar.
  for (let j = N8; j < N; j++) {
    const jb = (<usize>j) << 2;
    for (let i = 0; i < M; i++) {
      let s: f32 = 0;
      let ap = a + (<usize>i) * aRs;
      let bp = b + jb;
      for (let p = 0; p < K; p++) {
        s += load<f32>(ap) * load<f32>(bp);
        ap += aCs;
        bp += ldb;
      }
      const r0 = (<usize>i) * ldc + jb;
      store<f32>(c + r0, epilogue1(s, bias != 0 ? bias + jb : 0, mask != 0 ? mask + r0 : 0, relu));
    }
  }
}

/** dst[cols, rows] = src[rows, cols]ᵀ (row-major, contiguous). */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f32>(dst + (((<usize>j) * rows + i) << 2), load<f32>(src + (((<usize>i) * cols + j) << 2)));
    }
  }
}

/** out[j] = Σ_i g[i, j] for g[M, N] row-major (a bias gradient). */
export function colSum(g: usize, M: i32, N: i32, out: usize): void {
  const N4 = N & ~3;
  memory.fill(out, 0, (<usize>N) << 2);
  const row = (<usize>N) << 2;
  for (let i = 0; i < M; i++) {
    const gp = g + (<usize>i) * row;
    let j = 0;
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(gp + o)));
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(gp + o));
    }
  }
}

/**
 * Mean squared error of y against t over `count` floats; writes dy = 2 (y - t) / count and returns the
 * loss (the mean of (y - t)², accumulated in f64).
 */
export function mseLossGrad(y: usize, t: usize, count: i32, dy: usize): f64 {
  let sum: f64 = 0;
  const scale: f32 = <f32>2 / <f32>count;
  for (let k = 0; k < count; k++) {
    const o = (<usize>k) << 2;
    const d: f32 = load<f32>(y + o) - load<f32>(t + o);
    sum += <f64>(d * d);
    store<f32>(dy + o, scale * d);
  }
  return count > 0 ? sum / <f64>count : 0;
}

/**
 * Adam, in the same float32 arithmetic as tf.train.adam: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g²,
 * p += -lr · (m / omb1t) / (sqrt(v / omb2t) + eps), with omb1t = 1 - b1^t and omb2t = 1 - b2^t.
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, count: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, omb1t: f32, omb2t: f32,
): void {
  const c4 = count & ~3;
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(<f32>1 - b1);
  const vb2 = f32x4.splat(b2), vc2 = f32x4.splat(<f32>1 - b2);
  const veps = f32x4.splat(eps), vlr = f32x4.splat(-lr);
  const vo1 = f32x4.splat(omb1t), vo2 = f32x4.splat(omb2t);
  let k = 0;
  for (; k < c4; k += 4) {
    const o = (<usize>k) << 2;
    const gk = v128.load(g + o);
    const mk = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gk, vc1));
    const vk = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gk, gk), vc2));
    v128.store(m + o, mk);
    v128.store(v + o, vk);
    const step = f32x4.mul(f32x4.div(f32x4.div(mk, vo1), f32x4.add(f32x4.sqrt(f32x4.div(vk, vo2)), veps)), vlr);
    v128.store(p + o, f32x4.add(step, v128.load(p + o)));
  }
  for (; k < count; k++) {
    const o = (<usize>k) << 2;
    const gk = load<f32>(g + o);
    const mk: f32 = load<f32>(m + o) * b1 + gk * (<f32>1 - b1);
    const vk: f32 = load<f32>(v + o) * b2 + gk * gk * (<f32>1 - b2);
    store<f32>(m + o, mk);
    store<f32>(v + o, vk);
    store<f32>(p + o, ((mk / omb1t) / (Mathf.sqrt(vk / omb2t) + eps)) * -lr + load<f32>(p + o));
  }
}
