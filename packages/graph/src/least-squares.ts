/**
 * Ridge least squares by Householder QR in float64 (ADR 0407): `min ‖Aξ − b‖² + α‖ξ‖²` solved as the QR of
 * `[A; √α I]`, which never forms `AᵀA` (its condition number is the square of A's). For the small libraries
 * of equation discovery (tens of columns, thousands of rows) on the host.
 */

/**
 * Solve for `ξ [cols, targets]` given `A [rows, cols]` and `B [rows, targets]` (row-major).
 *
 * @example
 * ```ts
 * const xi = ridgeLeastSquares(Float64Array.of(1, 0, 0, 1, 1, 1), 3, 2, Float64Array.of(1, 2, 3), 1, 0);   // [1, 2]
 * ```
 * @throws Error naming the argument when sizes disagree, α < 0, or A is rank-deficient with α = 0.
 */
export function ridgeLeastSquares(a: Float64Array, rows: number, cols: number, b: Float64Array, targets: number, alpha: number): Float64Array {
  if (a.length !== rows * cols) throw new Error(`Error in ridgeLeastSquares: A has ${a.length} values, expected ${rows}·${cols}.`);
  if (b.length !== rows * targets) throw new Error(`Error in ridgeLeastSquares: B has ${b.length} values, expected ${rows}·${targets}.`);
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new Error(`Error in ridgeLeastSquares: alpha must be finite and >= 0, got ${alpha}.`);
  if (cols === 0) return new Float64Array(0);
  const m = rows + (alpha > 0 ? cols : 0);
  // Column-major working copies for cache-friendly Householder sweeps.
  const q = new Float64Array(m * cols);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) q[c * m + r] = a[r * cols + c] as number;
  if (alpha > 0) for (let c = 0; c < cols; c += 1) q[c * m + rows + c] = Math.sqrt(alpha);
  const rhs = new Float64Array(m * targets);
  for (let r = 0; r < rows; r += 1) for (let t = 0; t < targets; t += 1) rhs[t * m + r] = b[r * targets + t] as number;
  const diag = new Float64Array(cols);
  let maxNorm = 0;
  for (let k = 0; k < cols; k += 1) {
    let norm = 0;
    for (let i = k; i < m; i += 1) norm += (q[k * m + i] as number) ** 2;
    norm = Math.sqrt(norm);
    maxNorm = Math.max(maxNorm, norm);
    if (norm <= 1e-13 * Math.max(1, maxNorm)) throw new Error(`Error in ridgeLeastSquares: A is rank-deficient at column ${k}; use alpha > 0.`);
    const x0 = q[k * m + k] as number;
    const alphaK = x0 > 0 ? -norm : norm;
    // v = x - alphaK e1, stored in place; H = I - 2 v vᵀ / (vᵀv).
    q[k * m + k] = x0 - alphaK;
    let vtv = 0;
    for (let i = k; i < m; i += 1) vtv += (q[k * m + i] as number) ** 2;
    const apply = (col: Float64Array, offset: number): void => {
      let dot = 0;
      for (let i = k; i < m; i += 1) dot += (q[k * m + i] as number) * (col[offset + i] as number);
      const f = (2 * dot) / vtv;
      for (let i = k; i < m; i += 1) col[offset + i] = (col[offset + i] as number) - f * (q[k * m + i] as number);
    };
    for (let j = k + 1; j < cols; j += 1) apply(q, j * m);
    for (let t = 0; t < targets; t += 1) apply(rhs, t * m);
    diag[k] = alphaK;
  }
  const xi = new Float64Array(cols * targets);
  for (let t = 0; t < targets; t += 1) {
    for (let k = cols - 1; k >= 0; k -= 1) {
      let s = rhs[t * m + k] as number;
      for (let j = k + 1; j < cols; j += 1) s -= (q[j * m + k] as number) * (xi[j * targets + t] as number);
      xi[k * targets + t] = s / (diag[k] as number);
    }
  }
  return xi;
}
