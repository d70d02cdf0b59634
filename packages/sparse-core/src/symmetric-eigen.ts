/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (host arithmetic in float64).
 * The two-layer unit regions (ADR 0308) use it for the top singular directions of the `[rows, outputs]`
 * statistic `E[x δᵀ]` through its `outputs x outputs` Gram matrix, which is tiny (10 x 10 on MNIST).
 */

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** `vectors[k]` is the unit eigenvector of `values[k]`. */
  readonly vectors: readonly Float64Array[];
}

const MAX_SWEEPS = 64;

/**
 * Eigen-decompose the symmetric `n x n` matrix `a` (row-major; only symmetric input is meaningful).
 *
 * @example
 * ```ts
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values;   // [3, 1]
 * ```
 * @throws Error naming `symmetricEigen` when `a` does not hold `n²` finite entries.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isSafeInteger(n) || n < 1 || a.length !== n * n) throw new Error(`Error in symmetricEigen: need ${n}x${n} = ${n * n} entries for n = ${n}, got ${a.length}.`);
  const m = Float64Array.from(a);
  if (m.some((v) => !Number.isFinite(v))) throw new Error("Error in symmetricEigen: the matrix has a non-finite entry.");
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  const at = (i: number, j: number): number => m[i * n + j] as number;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep += 1) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i += 1) {
      diag += at(i, i) ** 2;
      for (let j = i + 1; j < n; j += 1) off += at(i, j) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = at(p, q);
        if (apq === 0) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const mkp = at(k, p);
          const mkq = at(k, q);
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k += 1) {
          const mpk = at(p, k);
          const mqk = at(q, k);
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i) || i - j);
  return {
    values: Float64Array.from(order, (i) => at(i, i)),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i] as number)),
  };
}
