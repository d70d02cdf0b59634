/**
 * Cone signatures and calibration curves of a trained tube.
 * - Signature (001 L148, C-14): log cone vol (mean log σ), E[T] (stop head), bind rate (hard, at k),
 *   and calibration at k* = k: observed per-timestep coverage minus the nominal `erf(k/√2)^D` of a
 *   Gaussian reading of the tube (ADR 0202).
 * - Calibration curve (001 L195): observed vs nominal coverage over a grid of k, and its mean absolute error.
 *
 * Source: `001_4e7658869d462183.txt` L140–159, L195; SEED-INVENTORY.md §5.7, §15.5 item 8.
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { checkBindInputs } from "./bind-inputs.js";
import { BIND_WIDTH_K } from "./constants.js";
import { nominalCoverage } from "./erf.js";
import { expectedHorizon } from "./horizon.js";

/** Default k grid of calibration curves: 0.25 … 4 in steps of 0.25 (ADR 0202). */
export const DEFAULT_K_GRID: readonly number[] = Array.from({ length: 16 }, (_, i) => (i + 1) * 0.25);

/** A cone signature: means over the given episodes. */
export interface ConeSignature {
  /** Mean log σ (natural log) over episodes, T and D. */
  readonly logConeVol: number;
  /** Mean expected horizon E[T] of the stop head, in steps. */
  readonly expectedHorizon: number;
  /** Mean hard bind rate at k. */
  readonly bindRate: number;
  /** Observed per-timestep coverage at k minus nominal `erf(k/√2)^D` (> 0: wider than a Gaussian reading). */
  readonly calibrationAtK: number;
}

/** One point of a calibration curve. */
export interface CalibrationPoint {
  readonly k: number;
  readonly nominal: number;
  readonly observed: number;
}

/** A calibration curve with its mean absolute error. */
export interface CalibrationCurve {
  readonly points: readonly CalibrationPoint[];
  readonly meanAbsoluteError: number;
}

/**
 * Per (episode, timestep) normalised deviation `max_d |τ − μ| / σ`, read to the host: the tube covers a
 * timestep at width k exactly when this is < k. Inputs `[..., T, D]`.
 */
export function normalisedDeviations(mu: Tensor, sigma: Tensor, traj: Tensor): Float32Array {
  checkBindInputs("normalisedDeviations", mu, sigma, traj);
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(traj, mu)), sigma), -1).dataSync() as Float32Array);
}

/** Fraction of `deviations` strictly below k. */
export function coverageAt(deviations: ArrayLike<number>, k: number): number {
  if (deviations.length === 0) throw new Error("Error in coverageAt: deviations is empty.");
  let inside = 0;
  for (let i = 0; i < deviations.length; i++) if ((deviations[i] ?? Number.POSITIVE_INFINITY) < k) inside += 1;
  return inside / deviations.length;
}

/**
 * Calibration curve: per-timestep coverage at each k of `kGrid` against the nominal `erf(k/√2)^D`.
 *
 * @example
 * ```ts
 * const curve = calibrationCurve(normalisedDeviations(mu, sigma, traj), 2);
 * curve.meanAbsoluteError;   // 0 for a perfectly Gaussian-calibrated tube
 * ```
 */
export function calibrationCurve(deviations: ArrayLike<number>, stateDim: number, kGrid: readonly number[] = DEFAULT_K_GRID): CalibrationCurve {
  if (kGrid.length === 0) throw new Error("Error in calibrationCurve: kGrid is empty.");
  const points = kGrid.map((k) => ({ k, nominal: nominalCoverage(k, stateDim), observed: coverageAt(deviations, k) }));
  const meanAbsoluteError = points.reduce((sum, p) => sum + Math.abs(p.observed - p.nominal), 0) / points.length;
  return { points, meanAbsoluteError };
}

/**
 * The cone signature of one tube on a set of episodes: μ, σ, τ `[B, T, D]`, stop logits `[B, T]`.
 *
 * @example
 * ```ts
 * const out = model.forward({ obs, anchor });
 * const sig = coneSignature({ mu: out.mu.squeeze([0]), sigma: ..., stopLogits: ... }, traj);
 * ```
 */
export function coneSignature(
  tube: { readonly mu: Tensor; readonly sigma: Tensor; readonly stopLogits: Tensor },
  traj: Tensor,
  k: number = BIND_WIDTH_K,
): ConeSignature {
  checkBindInputs("coneSignature", tube.mu, tube.sigma, traj);
  if (tube.stopLogits.shape.join(",") !== tube.mu.shape.slice(0, -1).join(",")) {
    throw new Error(`Error in coneSignature: stopLogits must be [${tube.mu.shape.slice(0, -1).join(",")}], got [${tube.stopLogits.shape.join(",")}].`);
  }
  const stateDim = tube.mu.shape[tube.mu.rank - 1] ?? 1;
  const deviations = normalisedDeviations(tube.mu, tube.sigma, traj);
  const [logConeVol, horizon] = tf.tidy(() => [
    tf.mean(tf.log(tube.sigma)).dataSync()[0] ?? Number.NaN,
    tf.mean(expectedHorizon(tube.stopLogits)).dataSync()[0] ?? Number.NaN,
  ]);
  const bindRate = coverageAt(deviations, k);
  return { logConeVol, expectedHorizon: horizon, bindRate, calibrationAtK: bindRate - nominalCoverage(k, stateDim) };
}
