/**
 * Paired permutation (sign-flip) test for matched samples: under H0 the paired differences
 * d_i = a_i − b_i are symmetric about 0, so flipping each sign at random gives the null distribution of
 * their mean. p-values count the observed statistic itself (the "+1" rule: p = (1 + #extreme) /
 * (1 + resamples)), so they are never 0 and are valid at any number of resamples (Phipson & Smyth 2010).
 * Used for the scenario's "transported beats random" checks on matched episodes (same spec, same noise).
 *
 * Source: issue 9 item 9 (p < 0.05); SEED-INVENTORY.md §15.6 item 11.
 */
import type { Rng } from "@tam/tensor-backend";

/** Default number of sign-flip resamples (ADR 0606). */
export const DEFAULT_PERMUTATION_RESAMPLES = 10_000;

/** Result of {@link pairedPermutationTest}. */
export interface PairedTestResult {
  readonly count: number;
  /** mean(a − b) */
  readonly meanDifference: number;
  /** One-sided p-value for H1: mean(a − b) > 0. */
  readonly pGreater: number;
  /** Two-sided p-value. */
  readonly pTwoSided: number;
}

/**
 * Paired sign-flip test of `a` against `b` (same length, matched by index).
 *
 * @example
 * ```ts
 * const { pGreater } = pairedPermutationTest(transportedReturns, randomReturns, createRng(1));
 * pGreater < 0.05;   // transported beats random
 * ```
 */
export function pairedPermutationTest(a: ArrayLike<number>, b: ArrayLike<number>, rng: Rng, resamples: number = DEFAULT_PERMUTATION_RESAMPLES): PairedTestResult {
  if (a.length !== b.length) throw new Error(`Error in pairedPermutationTest: a has ${a.length} values, b has ${b.length}; they must be paired.`);
  if (a.length === 0) throw new Error("Error in pairedPermutationTest: no pairs.");
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new Error(`Error in pairedPermutationTest: resamples must be an integer >= 1, got ${resamples}.`);
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = (a[i] ?? Number.NaN) - (b[i] ?? Number.NaN);
    if (!Number.isFinite(d[i])) throw new Error(`Error in pairedPermutationTest: pair ${i} is not finite (${a[i]}, ${b[i]}).`);
  }
  const observed = d.reduce((s, v) => s + v, 0) / n;
  // Tolerance for floating ties between a resampled mean and the observed one.
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  let greater = 0;
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.uniform() < 0.5 ? -(d[i] ?? 0) : (d[i] ?? 0);
    const mean = s / n;
    if (mean >= observed - tol) greater += 1;
    if (Math.abs(mean) >= Math.abs(observed) - tol) extreme += 1;
  }
  return { count: n, meanDifference: observed, pGreater: (1 + greater) / (1 + resamples), pTwoSided: (1 + extreme) / (1 + resamples) };
}
