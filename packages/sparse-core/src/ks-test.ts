/**
 * The one-sample Kolmogorov-Smirnov test against Uniform[0, 1] (seed 002 L1215-1217: "keep a PIT buffer
 * z = F_Y(y) … periodically run a simple KS check"; SEED-INVENTORY §3.11; ADR 0323). A calibrated continuous
 * head gives PIT values that are i.i.d. uniform, so a small p-value means the head is miscalibrated.
 */

/** What a KS test measured. */
export interface KsResult {
  /** `D_n = sup_z |F_n(z) − z|`. */
  readonly statistic: number;
  /** Asymptotic p-value with Stephens' small-sample correction. */
  readonly pValue: number;
  /** Sample size n. */
  readonly n: number;
}

/**
 * `D_n = max_i max(i/n − z_(i), z_(i) − (i−1)/n)` over the sorted sample, and its p-value
 * `Q_KS((√n + 0.12 + 0.11/√n)·D_n)` (Stephens 1970), `Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}`.
 *
 * @example
 * ```ts
 * ksUniform([0.1, 0.4, 0.7]).statistic;   // 0.3
 * ```
 * @throws Error naming `ksUniform` when the sample is empty or a value lies outside [0, 1].
 */
export function ksUniform(values: ArrayLike<number>): KsResult {
  const n = values.length;
  if (n === 0) throw new Error("Error in ksUniform: the sample is empty.");
  const sorted = Float64Array.from(values);
  sorted.forEach((z, i) => {
    if (!(z >= 0 && z <= 1)) throw new Error(`Error in ksUniform: value ${i} is ${z}, outside [0, 1].`);
  });
  sorted.sort();
  let statistic = 0;
  sorted.forEach((z, i) => {
    statistic = Math.max(statistic, (i + 1) / n - z, z - i / n);
  });
  const root = Math.sqrt(n);
  return { statistic, pValue: kolmogorovTail((root + 0.12 + 0.11 / root) * statistic), n };
}

/**
 * The Kolmogorov distribution's upper tail `Q_KS(λ) = P(K > λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}`
 * (1 for λ ≤ 0.2, where the series converges too slowly and the tail is 1 to 7 digits).
 */
export function kolmogorovTail(lambda: number): number {
  if (!Number.isFinite(lambda)) throw new Error(`Error in kolmogorovTail: lambda must be finite, got ${lambda}.`);
  if (lambda <= 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j += 1) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
