/**
 * Sequentially thresholded least squares (Brunton, Proctor & Kutz 2016, PNAS 113(15); PySINDy's `STLSQ`;
 * issue 8 item 7; ADR 0407). Per target: ridge least squares on the library, zero every |ξ| below the
 * threshold, refit on the survivors, repeat until the support stops changing; then refit the support by plain
 * least squares ("unbias", PySINDy's default).
 */
import { STLSQ_MAX_ITERATIONS, STLSQ_RIDGE, STLSQ_THRESHOLD } from "./constants.js";
import { ridgeLeastSquares } from "./least-squares.js";

/** Options of {@link stlsq}. */
export interface StlsqOptions {
  /** Coefficients with |ξ| below this are dropped (default 0.1, ADR 0407). */
  readonly threshold?: number;
  /** Ridge α of the thresholding fits (default 1e-6, ADR 0407). */
  readonly ridge?: number;
  /** Maximum thresholding rounds (default 20). */
  readonly maxIterations?: number;
  /** Refit the final support without ridge (default true). */
  readonly unbias?: boolean;
}

/** Result of {@link stlsq}. */
export interface StlsqResult {
  /** `[terms, targets]` row-major. */
  readonly coefficients: Float64Array;
  /** Rounds each target took. */
  readonly iterations: readonly number[];
}

/**
 * STLSQ of `targets [rows, m]` on `theta [rows, terms]`.
 *
 * @example
 * ```ts
 * const { coefficients } = stlsq(lib.matrix, lib.rows, lib.names.length, xdot, 3, { threshold: 0.1 });
 * ```
 * @throws Error naming the option when the threshold, ridge or iteration count is invalid.
 */
export function stlsq(theta: Float64Array, rows: number, terms: number, targets: Float64Array, m: number, options: StlsqOptions = {}): StlsqResult {
  const threshold = options.threshold ?? STLSQ_THRESHOLD;
  const ridge = options.ridge ?? STLSQ_RIDGE;
  const maxIterations = options.maxIterations ?? STLSQ_MAX_ITERATIONS;
  if (!(Number.isFinite(threshold) && threshold >= 0)) throw new Error(`Error in stlsq: threshold must be finite and >= 0, got ${threshold}.`);
  if (!(Number.isFinite(ridge) && ridge >= 0)) throw new Error(`Error in stlsq: ridge must be finite and >= 0, got ${ridge}.`);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) throw new Error(`Error in stlsq: maxIterations must be a positive integer, got ${maxIterations}.`);
  const coefficients = new Float64Array(terms * m);
  const iterations: number[] = [];
  for (let t = 0; t < m; t += 1) {
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) y[r] = targets[r * m + t] as number;
    let support = Array.from({ length: terms }, (_, j) => j);
    let xi = fit(theta, rows, terms, support, y, ridge);
    let rounds = 0;
    for (; rounds < maxIterations; rounds += 1) {
      const next = support.filter((_, k) => Math.abs(xi[k] as number) >= threshold);
      if (next.length === support.length) break;
      support = next;
      if (support.length === 0) break;
      xi = fit(theta, rows, terms, support, y, ridge);
    }
    if (support.length > 0 && (options.unbias ?? true)) xi = fit(theta, rows, terms, support, y, 0);
    support.forEach((j, k) => {
      coefficients[j * m + t] = xi[k] as number;
    });
    iterations.push(rounds + 1);
  }
  return { coefficients, iterations };
}

function fit(theta: Float64Array, rows: number, terms: number, support: readonly number[], y: Float64Array, ridge: number): Float64Array {
  const cols = support.length;
  const a = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r += 1) support.forEach((j, k) => {
    a[r * cols + k] = theta[r * terms + j] as number;
  });
  return ridgeLeastSquares(a, rows, cols, y, 1, ridge);
}
