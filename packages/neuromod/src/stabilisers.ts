/**
 * The stabilisers of the objective (seed `004_b9e7278aec0f8932.txt` L61–67, L158–160; DESIGN.md C-17:
 * Form A on outputs is the objective, Form B's parameter terms are optional). ADR 0505.
 *
 * Form A, on the maps' normalised outputs (each output as a fraction of its range, in (0, 1)):
 * - `Smooth = Σ_maps mean((y_t − y_{t−1})²)`: the temporal derivative (L63)
 * - `DriftPenalty = Σ_maps mean((ȳ_t − prior)²)` with `ȳ_t = d·ȳ_{t−1} + (1 − d)·y_t` a slow average:
 *   long-term drift from the physiological priors (L65)
 * - `HomeostasisDeviation = Σ_r dev(mean_a S̄[a,r]) + Σ_n dev(μ[n])`, `dev(x) = max(0, lo − x)² + max(0, x − hi)²`:
 *   population averages kept in realistic ranges (L67)
 *
 * Form B (optional), on the parameters θ: `λ1‖θ − θ_0‖² + λ2‖θ_t − θ_{t−1}‖²` (L158, L160).
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor, Variable } from "@tam/tensor-backend";

import { REALISTIC_ACTIVITY_RANGE, REALISTIC_MODULATOR_RANGE } from "./constants.js";
import { assertNonEmpty } from "./non-empty.js";

/** `Σ_i mean((current_i − previous_i)²)`; pairs must have equal shapes. */
export function smoothness(current: readonly Tensor[], previous: readonly Tensor[]): Tensor {
  if (current.length !== previous.length || current.length === 0) {
    throw new Error(`Error in smoothness: need the same non-zero number of current and previous outputs, got ${current.length} and ${previous.length}.`);
  }
  current.forEach((c, i) => assertNonEmpty("smoothness", `current[${i}]`, c));
  return tf.addN(current.map((c, i) => tf.mean(tf.square(tf.sub(c, previous[i] as Tensor)))));
}

/** The slow averages `d·previousAverage + (1 − d)·current`, elementwise. */
export function slowAverage(current: Tensor, previousAverage: Tensor, decay: number): Tensor {
  if (!(decay >= 0 && decay < 1)) throw new Error(`Error in slowAverage: decay must be in [0, 1), got ${decay}.`);
  return tf.add(tf.mul(previousAverage, decay), tf.mul(current, 1 - decay));
}

/** `Σ_i mean((average_i − prior)²)`. */
export function driftPenalty(averages: readonly Tensor[], prior: number): Tensor {
  if (averages.length === 0) throw new Error("Error in driftPenalty: averages is empty.");
  averages.forEach((a, i) => assertNonEmpty("driftPenalty", `averages[${i}]`, a));
  return tf.addN(averages.map((a) => tf.mean(tf.square(tf.sub(a, prior)))));
}

/** `Σ max(0, low − x)² + max(0, x − high)²` over all entries of x. */
export function rangeDeviation(x: Tensor, low: number, high: number): Tensor {
  if (!(low <= high)) throw new Error(`Error in rangeDeviation: low must be <= high, got ${low} > ${high}.`);
  assertNonEmpty("rangeDeviation", "x", x);
  return tf.sum(tf.add(tf.square(tf.relu(tf.sub(low, x))), tf.square(tf.relu(tf.sub(x, high)))));
}

/**
 * HomeostasisDeviation: population averages of S̄ per receptor (mean over areas) and μ per NT outside
 * their realistic ranges.
 *
 * @param activity - S̄ `[A, R]`.
 * @param modulators - μ `[N]`.
 */
export function homeostasisDeviation(activity: Tensor, modulators: Tensor): Tensor {
  assertNonEmpty("homeostasisDeviation", "activity", activity, 0);
  assertNonEmpty("homeostasisDeviation", "modulators", modulators);
  return tf.add(
    rangeDeviation(tf.mean(activity, 0), REALISTIC_ACTIVITY_RANGE.low, REALISTIC_ACTIVITY_RANGE.high),
    rangeDeviation(modulators, REALISTIC_MODULATOR_RANGE.low, REALISTIC_MODULATOR_RANGE.high),
  );
}

/**
 * Form B: `anchorWeight·Σ‖θ − θ_0‖² + temporalWeight·Σ‖θ − θ_{t−1}‖²` over the named parameters.
 */
export function parameterPenalty(
  params: Readonly<Record<string, Variable>>,
  anchor: Readonly<Record<string, Tensor>>,
  previous: Readonly<Record<string, Tensor>>,
  weights: { readonly anchor: number; readonly temporal: number },
): Tensor {
  const terms: Tensor[] = [];
  for (const [name, theta] of Object.entries(params)) {
    assertNonEmpty("parameterPenalty", `params.${name}`, theta);
    const a = anchor[name];
    const p = previous[name];
    if (a === undefined || p === undefined) throw new Error(`Error in parameterPenalty: no anchor or previous value for "${name}".`);
    if (weights.anchor > 0) terms.push(tf.mul(weights.anchor, tf.sum(tf.square(tf.sub(theta, a)))));
    if (weights.temporal > 0) terms.push(tf.mul(weights.temporal, tf.sum(tf.square(tf.sub(theta, p)))));
  }
  return terms.length === 0 ? tf.scalar(0) : tf.addN(terms);
}
