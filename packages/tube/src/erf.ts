/**
 * The error function, for the nominal coverage of a Gaussian reading of the tube
 * (`P(|e| < k·σ) = erf(k/√2)` per dimension). Abramowitz & Stegun 7.1.26, |error| < 1.5e-7.
 */

const P = 0.3275911;
const A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429] as const;

/**
 * erf(x), to about 1.5e-7 (so erf(0) ≈ 1e-9).
 *
 * @example
 * ```ts
 * erf(2 / Math.SQRT2);   // ≈ 0.9545
 * ```
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + P * ax);
  const poly = ((((A[4] * t + A[3]) * t + A[2]) * t + A[1]) * t + A[0]) * t;
  return sign * (1 - poly * Math.exp(-ax * ax));
}

/** Nominal per-timestep coverage of a tube at width k under a Gaussian reading: `erf(k/√2)^D`. */
export function nominalCoverage(k: number, stateDim: number): number {
  if (!(Number.isFinite(k) && k >= 0)) throw new Error(`Error in nominalCoverage: k must be finite and >= 0, got ${k}.`);
  if (!(Number.isInteger(stateDim) && stateDim >= 1)) throw new Error(`Error in nominalCoverage: stateDim must be an integer >= 1, got ${stateDim}.`);
  return erf(k / Math.SQRT2) ** stateDim;
}
