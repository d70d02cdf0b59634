/**
 * Realised information gain of a dose-response experiment, in bits, from the experiment's own data.
 *
 * The seed measures claims and outcomes in bits of entropy reduction (`003_9e0f6a831bfd364e.txt`
 * L269–271) but gives no model (SEED-INVENTORY.md §15.7.3). Ours (docs/decisions/0104-epistemic-lab-world.md):
 * a compound's potency is one of K hypotheses (log10 EC50 values) with a uniform prior; the experiment
 * measures a Hill curve at fixed doses with Gaussian noise; the gain is the prior entropy minus the
 * entropy of the exact Bayesian posterior given the measured responses. It depends on the data, so it
 * varies from experiment to experiment, and it falls as measurement noise grows.
 */

/** Hill response (fraction of maximal effect, slope 1) at log10 dose `logDose` for log10 EC50 `logEc50`. */
export function hillResponse(logDose: number, logEc50: number): number {
  return 1 / (1 + 10 ** (logEc50 - logDose));
}

/** Shannon entropy, in bits, of a probability vector. */
export function entropyBits(probabilities: readonly number[]): number {
  let entropy = 0;
  for (const p of probabilities) {
    if (p > 0) entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** One measured well: its log10 dose and its response. */
export interface DoseMeasurement {
  readonly logDose: number;
  readonly response: number;
}

/**
 * Posterior over potency hypotheses given measurements (uniform prior, Gaussian likelihood with
 * standard deviation `noiseSd`).
 */
export function potencyPosterior(
  measurements: readonly DoseMeasurement[],
  hypothesesLogEc50: readonly number[],
  noiseSd: number,
): number[] {
  if (hypothesesLogEc50.length === 0) {
    throw new Error("potencyPosterior: hypothesesLogEc50 must not be empty");
  }
  if (!Number.isFinite(noiseSd) || noiseSd <= 0) {
    throw new Error(`potencyPosterior: noiseSd must be a finite number > 0, got ${String(noiseSd)}`);
  }
  const logLikelihoods = hypothesesLogEc50.map((logEc50) => {
    let sum = 0;
    for (const { logDose, response } of measurements) {
      const residual = response - hillResponse(logDose, logEc50);
      sum -= (residual * residual) / (2 * noiseSd * noiseSd);
    }
    return sum;
  });
  const max = Math.max(...logLikelihoods);
  const weights = logLikelihoods.map((value) => Math.exp(value - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((weight) => weight / total);
}

/**
 * Realised information gain in bits: `log2(K) − H(posterior)`. Never negative (a uniform prior has the
 * largest entropy), never above `log2(K)`.
 *
 * @example
 * ```ts
 * const hypotheses = [-3, -2, -1];
 * const data = [{ logDose: -2, response: 0.5 }];
 * realisedInformationGainBits(data, hypotheses, 0.05); // close to log2(3) ≈ 1.58
 * ```
 */
export function realisedInformationGainBits(
  measurements: readonly DoseMeasurement[],
  hypothesesLogEc50: readonly number[],
  noiseSd: number,
): number {
  const posterior = potencyPosterior(measurements, hypothesesLogEc50, noiseSd);
  return Math.max(0, Math.log2(hypothesesLogEc50.length) - entropyBits(posterior));
}
