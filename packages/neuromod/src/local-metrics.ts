/**
 * Local signalling metrics, exactly as seed `004_b9e7278aec0f8932.txt` defines them (L21–37,
 * L99–109; SEED-INVENTORY.md §8.2–8.3, H004-C), each normalised to [0, 1] (L149; ADR 0503):
 *
 * - `B̄ = bound_sites / total_sites` (L103)
 * - `SatNT = max(0, NT_available − NT_bound_capacity) / NT_available` (L105)
 * - `RangeUtil = time_in[θlow, θhigh] / window` (L107)
 * - `EnergyCost`: L1 on r̂ and ρ̂ (L34), each as a fraction of its range, averaged
 * - `Eff_local(r,a) = w1·S̄ + w2·RangeUtil − w3·SatNT[n(r),a] − w4·NoiseLeak − w5·EnergyCost` (L37)
 * - `Eff_local_total = Σ_a Σ_r Eff_local(r,a)` (L40)
 *
 * NoiseLeak (L109) lives in `noise-leak.ts`.
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

import { DEFAULT_LOCAL_WEIGHTS, METRIC_EPSILON } from "./constants.js";
import { assertNonEmpty } from "./non-empty.js";

/** Weights w1..w5 of Eff_local (seed L37). */
export interface LocalWeights {
  /** w1, on S̄. */
  readonly activity: number;
  /** w2, on RangeUtil. */
  readonly rangeUtil: number;
  /** w3, on SatNT. */
  readonly saturation: number;
  /** w4, on NoiseLeak. */
  readonly noiseLeak: number;
  /** w5, on EnergyCost. */
  readonly energy: number;
}

/**
 * Bound fraction `B̄ = bound_sites / total_sites` (seed L103); 0 where there are no sites.
 *
 * @example
 * ```ts
 * bindingFraction(tf.tensor1d([1, 3]), tf.tensor1d([4, 4])).dataSync(); // [0.25, 0.75]
 * ```
 */
export function bindingFraction(boundSites: Tensor, totalSites: Tensor): Tensor {
  return tf.tidy(() => tf.div(boundSites, tf.maximum(totalSites, METRIC_EPSILON)));
}

/**
 * NT saturation `max(0, available − capacity) / available` (seed L105); 0 where nothing is available.
 *
 * @example
 * ```ts
 * ntSaturation(tf.tensor1d([2, 1]), tf.tensor1d([1.5, 3])).dataSync(); // [0.25, 0]
 * ```
 */
export function ntSaturation(available: Tensor, capacity: Tensor): Tensor {
  return tf.tidy(() => tf.div(tf.relu(tf.sub(available, capacity)), tf.maximum(available, METRIC_EPSILON)));
}

/**
 * RangeUtil: the fraction of the window's ticks (axis 0) with `low ≤ S̄ ≤ high` (seed L107).
 *
 * @example
 * ```ts
 * rangeUtilization(tf.tensor2d([[0.1], [0.5], [0.6], [0.9]]), 0.3, 0.7).dataSync(); // [0.5]
 * ```
 */
export function rangeUtilization(window: Tensor, low: number, high: number): Tensor {
  if (!(low < high)) throw new Error(`Error in rangeUtilization: low must be < high, got low=${low}, high=${high}.`);
  assertNonEmpty("rangeUtilization", "window", window, 0);
  return tf.tidy(() => tf.mean(tf.mul(tf.cast(tf.greaterEqual(window, low), "float32"), tf.cast(tf.lessEqual(window, high), "float32")), 0));
}

/**
 * EnergyCost in [0, 1]: the mean of density and release, each as a fraction of its range maximum
 * (L1 on ρ̂ and r̂, seed L34, L89; ADR 0503).
 *
 * @param densityFraction - ρ̂ / ρmax, `[A, R]`.
 * @param releaseFraction - release of each receptor's NT / its maximum, broadcastable to `[A, R]`.
 */
export function energyCost(densityFraction: Tensor, releaseFraction: Tensor): Tensor {
  return tf.tidy(() => tf.mul(0.5, tf.add(densityFraction, releaseFraction)));
}

/** The per-(area, receptor) terms of Eff_local, all in [0, 1], shape `[A, R]`. */
export interface LocalTerms {
  readonly activity: Tensor;
  readonly rangeUtil: Tensor;
  /** SatNT of each receptor's NT, already mapped from `[A, N]` to `[A, R]`. */
  readonly saturation: Tensor;
  readonly noiseLeak: Tensor;
  readonly energy: Tensor;
}

/**
 * `Eff_local(r, a)` (seed L37), elementwise over `[A, R]`.
 *
 * @example
 * ```ts
 * const one = tf.ones([1, 1]);
 * effLocal({ activity: one, rangeUtil: one, saturation: one, noiseLeak: one, energy: one }).dataSync(); // [0.5+1-1-0.5-0.3]
 * ```
 */
export function effLocal(terms: LocalTerms, weights: LocalWeights = DEFAULT_LOCAL_WEIGHTS): Tensor {
  return tf.tidy(() =>
    tf.addN([
      tf.mul(weights.activity, terms.activity),
      tf.mul(weights.rangeUtil, terms.rangeUtil),
      tf.mul(-weights.saturation, terms.saturation),
      tf.mul(-weights.noiseLeak, terms.noiseLeak),
      tf.mul(-weights.energy, terms.energy),
    ]),
  );
}

/** `Eff_local_total = Σ_a Σ_r Eff_local(r, a)` (seed L40), a scalar. */
export function effLocalTotal(terms: LocalTerms, weights: LocalWeights = DEFAULT_LOCAL_WEIGHTS): Tensor {
  for (const field of ["activity", "rangeUtil", "saturation", "noiseLeak", "energy"] as const) assertNonEmpty("effLocalTotal", `terms.${field}`, terms[field]);
  return tf.tidy(() => tf.sum(effLocal(terms, weights)));
}

/** Check that weights are finite and ≥ 0; throws naming the bad weight. */
export function validateLocalWeights(weights: LocalWeights): void {
  for (const [name, value] of Object.entries(weights)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`Error in validateLocalWeights: ${name} must be finite and >= 0, got ${String(value)}.`);
  }
}
