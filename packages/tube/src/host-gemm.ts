/**
 * Small dense matrix products on float64 host arrays, for the fused tube kernel (ADR 0206). Each works on
 * a block of row-major matrices given by offset and leading dimension, accumulates into its output, and
 * unrolls the reduction by four so each output value is loaded and stored once per four products.
 */

/** A row-major matrix block: `data[offset + row·stride + col]`. */
export interface MatrixBlock {
  readonly data: Float64Array;
  readonly offset: number;
  readonly stride: number;
}

/** `C[M, N] += A[M, K] · B[K, N]`. */
export function gemmAccumulate(M: number, N: number, K: number, a: MatrixBlock, b: MatrixBlock, c: MatrixBlock): void {
  const A = a.data;
  const Bd = b.data;
  const C = c.data;
  const K4 = K - (K % 4);
  for (let i = 0; i < M; i++) {
    const ar = a.offset + i * a.stride;
    const cr = c.offset + i * c.stride;
    let k = 0;
    for (; k < K4; k += 4) {
      const a0 = A[ar + k] as number;
      const a1 = A[ar + k + 1] as number;
      const a2 = A[ar + k + 2] as number;
      const a3 = A[ar + k + 3] as number;
      const b0 = b.offset + k * b.stride;
      const b1 = b0 + b.stride;
      const b2 = b1 + b.stride;
      const b3 = b2 + b.stride;
      for (let j = 0; j < N; j++) {
        C[cr + j] = (C[cr + j] as number) + a0 * (Bd[b0 + j] as number) + a1 * (Bd[b1 + j] as number) + a2 * (Bd[b2 + j] as number) + a3 * (Bd[b3 + j] as number);
      }
    }
    for (; k < K; k++) {
      const ak = A[ar + k] as number;
      const bk = b.offset + k * b.stride;
      for (let j = 0; j < N; j++) C[cr + j] = (C[cr + j] as number) + ak * (Bd[bk + j] as number);
    }
  }
}

/** `C[K, N] += Aᵀ · B` with `A[M, K]`, `B[M, N]` (a weight gradient: inputs ᵀ · output gradients). */
export function gemmTransAAccumulate(M: number, N: number, K: number, a: MatrixBlock, b: MatrixBlock, c: MatrixBlock): void {
  const A = a.data;
  const Bd = b.data;
  const C = c.data;
  const M4 = M - (M % 4);
  for (let k = 0; k < K; k++) {
    const cr = c.offset + k * c.stride;
    let i = 0;
    for (; i < M4; i += 4) {
      const a0 = A[a.offset + i * a.stride + k] as number;
      const a1 = A[a.offset + (i + 1) * a.stride + k] as number;
      const a2 = A[a.offset + (i + 2) * a.stride + k] as number;
      const a3 = A[a.offset + (i + 3) * a.stride + k] as number;
      const b0 = b.offset + i * b.stride;
      const b1 = b0 + b.stride;
      const b2 = b1 + b.stride;
      const b3 = b2 + b.stride;
      for (let j = 0; j < N; j++) {
        C[cr + j] = (C[cr + j] as number) + a0 * (Bd[b0 + j] as number) + a1 * (Bd[b1 + j] as number) + a2 * (Bd[b2 + j] as number) + a3 * (Bd[b3 + j] as number);
      }
    }
    for (; i < M; i++) {
      const ai = A[a.offset + i * a.stride + k] as number;
      const bi = b.offset + i * b.stride;
      for (let j = 0; j < N; j++) C[cr + j] = (C[cr + j] as number) + ai * (Bd[bi + j] as number);
    }
  }
}

/** `C[M, K] += A · Bᵀ` with `A[M, N]`, `B[K, N]` (a backward pass through a layer: output gradients · Wᵀ). */
export function gemmTransBAccumulate(M: number, N: number, K: number, a: MatrixBlock, b: MatrixBlock, c: MatrixBlock): void {
  const A = a.data;
  const Bd = b.data;
  const C = c.data;
  const K4 = K - (K % 4);
  for (let i = 0; i < M; i++) {
    const ar = a.offset + i * a.stride;
    const cr = c.offset + i * c.stride;
    let k = 0;
    for (; k < K4; k += 4) {
      const b0 = b.offset + k * b.stride;
      const b1 = b0 + b.stride;
      const b2 = b1 + b.stride;
      const b3 = b2 + b.stride;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < N; j++) {
        const x = A[ar + j] as number;
        s0 += x * (Bd[b0 + j] as number);
        s1 += x * (Bd[b1 + j] as number);
        s2 += x * (Bd[b2 + j] as number);
        s3 += x * (Bd[b3 + j] as number);
      }
      C[cr + k] = (C[cr + k] as number) + s0;
      C[cr + k + 1] = (C[cr + k + 1] as number) + s1;
      C[cr + k + 2] = (C[cr + k + 2] as number) + s2;
      C[cr + k + 3] = (C[cr + k + 3] as number) + s3;
    }
    for (; k < K; k++) {
      const bk = b.offset + k * b.stride;
      let s = 0;
      for (let j = 0; j < N; j++) s += (A[ar + j] as number) * (Bd[bk + j] as number);
      C[cr + k] = (C[cr + k] as number) + s;
    }
  }
}
