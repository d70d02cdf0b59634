/**
 * The frequency check of a discrete head (seed 002 L1300, L1356: "calibration is measured offline";
 * SEED-INVENTORY §3.11; ADR 0323): Pearson's χ² of observed bucket counts against the counts the head
 * predicts (`E_b = Σ_i p_i(b)`), with `K − 1` degrees of freedom. A small p-value means the predicted
 * frequencies do not match the outcomes.
 */

/** What a frequency check measured. */
export interface FrequencyCheckResult {
  /** Pearson `χ² = Σ_b (O_b − E_b)² / E_b` over buckets with `E_b > 0`. */
  readonly statistic: number;
  /** Upper tail of χ² with `degreesOfFreedom`. */
  readonly pValue: number;
  readonly degreesOfFreedom: number;
  /** Observed and expected counts per bucket. */
  readonly observed: readonly number[];
  readonly expected: readonly number[];
}

/**
 * Pearson χ² of labels against predicted probabilities (`probabilities` row-major `[n, K]`).
 *
 * @example
 * ```ts
 * frequencyCheck(Float32Array.of(0.5, 0.5, 0.5, 0.5), Int32Array.of(0, 1), 2).pValue;   // 1
 * ```
 * @throws Error naming `frequencyCheck` when sizes disagree, a label is out of range or a row is not a distribution.
 */
export function frequencyCheck(probabilities: ArrayLike<number>, labels: ArrayLike<number>, buckets: number): FrequencyCheckResult {
  const n = labels.length;
  if (!Number.isSafeInteger(buckets) || buckets < 2) throw new Error(`Error in frequencyCheck: buckets must be an integer >= 2, got ${buckets}.`);
  if (n === 0) throw new Error("Error in frequencyCheck: no labels.");
  if (probabilities.length !== n * buckets) throw new Error(`Error in frequencyCheck: probabilities must have ${n} x ${buckets} entries, got ${probabilities.length}.`);
  const observed = new Array<number>(buckets).fill(0);
  const expected = new Array<number>(buckets).fill(0);
  for (let i = 0; i < n; i += 1) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= buckets) throw new Error(`Error in frequencyCheck: label ${i} is ${label}, outside [0, ${buckets}).`);
    observed[label] = (observed[label] as number) + 1;
    let rowSum = 0;
    for (let b = 0; b < buckets; b += 1) {
      const p = probabilities[i * buckets + b] as number;
      rowSum += p;
      expected[b] = (expected[b] as number) + p;
    }
    if (!(Math.abs(rowSum - 1) < 1e-3)) throw new Error(`Error in frequencyCheck: probability row ${i} sums to ${rowSum}, not 1.`);
  }
  let statistic = 0;
  let used = 0;
  for (let b = 0; b < buckets; b += 1) {
    const e = expected[b] as number;
    if (e > 0) {
      statistic += ((observed[b] as number) - e) ** 2 / e;
      used += 1;
    }
  }
  const degreesOfFreedom = Math.max(1, used - 1);
  return { statistic, pValue: chiSquareTail(statistic, degreesOfFreedom), degreesOfFreedom, observed, expected };
}

/** Upper tail `P(χ²_k > x) = 1 − P(k/2, x/2)` with the regularised lower incomplete gamma `P`. */
export function chiSquareTail(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new Error(`Error in chiSquareTail: degreesOfFreedom must be > 0, got ${degreesOfFreedom}.`);
  if (!(x > 0)) return 1;
  return Math.min(1, Math.max(0, 1 - regularizedGammaP(degreesOfFreedom / 2, x / 2)));
}

/**
 * Regularised lower incomplete gamma `P(a, x)`: its power series below `x = a + 1`, the continued fraction of
 * `Q = 1 − P` (modified Lentz) above.
 */
function regularizedGammaP(a: number, x: number): number {
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; k += 1) {
      term *= x / (a + k);
      sum += term;
    }
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/** `log Γ(a)` for a > 0 by the Lanczos approximation (g = 7, 9 terms; relative error about 1e-15). */
function logGamma(a: number): number {
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = a - 1;
  let sum = coefficients[0] as number;
  for (let i = 1; i < coefficients.length; i += 1) sum += (coefficients[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
