/**
 * The relativistic barrier and the LC objective (seed 002 L655, L663-666, L746, L752-762, L821-822, L967-968;
 * SEED-INVENTORY §4.4, C-4, D-11, D-12; ADR 0403).
 *
 * - `v_eff = C / limit`.
 * - `γ(C) = 1 / (scale · sqrt(max(1 - (min(C, limit)/limit)^2, ε)))` (form (b), the seed's decision L967):
 *   ≈ 1/scale far from the limit, γ_max = 1/(scale·√ε) at and beyond it (hard clipping).
 * - `L_total = L_task · γ(C)` (L760): the task loss must be non-negative (D-12), so the objective takes a
 *   {@link NonNegativeLoss}, made by {@link nonNegativeLoss}, which rejects a negative value by name.
 * - Placements as options (L822): a step-size factor `1/(scale·γ)` and a routing gate `1/(scale·γ)`, both 1 far
 *   from the limit and small near it.
 */
import { tf, type Scalar } from "@tam/tensor-backend";

import { BARRIER_EPSILON, BARRIER_SCALE } from "./constants.js";

/** Barrier shape. */
export interface BarrierOptions {
  /** γ scale (default 1, ADR 0403). */
  readonly scale?: number;
  /** ε floor under `1 - v²` (default 1e-4, ADR 0403). */
  readonly epsilon?: number;
}

function shape(options: BarrierOptions, where: string): { scale: number; epsilon: number } {
  const scale = options.scale ?? BARRIER_SCALE;
  const epsilon = options.epsilon ?? BARRIER_EPSILON;
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`Error in ${where}: scale must be finite and > 0, got ${scale}.`);
  if (!(Number.isFinite(epsilon) && epsilon > 0 && epsilon < 1)) throw new Error(`Error in ${where}: epsilon must be in (0, 1), got ${epsilon}.`);
  return { scale, epsilon };
}

function checkLimit(limit: number, where: string): void {
  if (!(limit > 0)) throw new Error(`Error in ${where}: token limit must be > 0, got ${limit}.`);
}

/** `v_eff = C / limit` (seed L752). @throws Error when the limit is not > 0 or C is not finite and ≥ 0. */
export function effectiveVelocity(complexity: number, limit: number): number {
  checkLimit(limit, "effectiveVelocity");
  if (!(Number.isFinite(complexity) && complexity >= 0)) throw new Error(`Error in effectiveVelocity: complexity must be finite and >= 0, got ${complexity}.`);
  return complexity / limit;
}

/**
 * γ(C) with hard clipping at the limit (seed L756, L967).
 *
 * @example
 * ```ts
 * barrierGamma(0, 10);      // 1
 * barrierGamma(8, 10);      // 1/sqrt(0.36) ≈ 1.667
 * barrierGamma(12, 10);     // 100 = 1/sqrt(1e-4): clipped
 * ```
 */
export function barrierGamma(complexity: number, limit: number, options: BarrierOptions = {}): number {
  const { scale, epsilon } = shape(options, "barrierGamma");
  const v = Math.min(effectiveVelocity(complexity, limit), 1);
  return 1 / (scale * Math.sqrt(Math.max(1 - v * v, epsilon)));
}

/** γ of a scalar complexity tensor, differentiable in C below the limit (0 gradient once clipped). */
export function barrierGammaTensor(complexity: Scalar, limit: number, options: BarrierOptions = {}): Scalar {
  const { scale, epsilon } = shape(options, "barrierGammaTensor");
  checkLimit(limit, "barrierGammaTensor");
  return tf.tidy(() => {
    const v = tf.div(tf.minimum(complexity, limit), limit);
    return tf.div(1 / scale, tf.sqrt(tf.maximum(tf.sub(1, tf.square(v)), epsilon)));
  });
}

/** A scalar task loss known to be ≥ 0 (D-12): only {@link nonNegativeLoss} makes one. */
export type NonNegativeLoss = Scalar & { readonly nonNegativeLoss: true };

/**
 * Check that a task loss is ≥ 0 and finite, reading its value (once per step).
 *
 * @throws Error naming the value when the loss is negative or not finite: the multiplicative barrier
 *   `L_task · γ` would reward complexity for a negative loss (D-12).
 */
export function nonNegativeLoss(loss: Scalar): NonNegativeLoss {
  if (loss.rank !== 0) throw new Error(`Error in nonNegativeLoss: the task loss must be a scalar, got shape [${loss.shape.join(",")}].`);
  const value = loss.dataSync()[0] as number;
  checkTaskLoss(value, "nonNegativeLoss");
  return loss as NonNegativeLoss;
}

function checkTaskLoss(value: number, where: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`Error in ${where}: the task loss must be finite and >= 0 for the multiplicative LC objective L_task·γ(C) (D-12), got ${value}. Shift or offset a signed loss first.`);
  }
}

/** `L_total = L_task · γ` as a tensor (seed L760); gradients reach both factors. */
export function lcObjective(taskLoss: NonNegativeLoss, gamma: Scalar): Scalar {
  return tf.mul(taskLoss, gamma);
}

/** `L_task · γ(C)` on numbers. @throws Error naming the value when the task loss is negative. */
export function lcObjectiveValue(taskLoss: number, complexity: number, limit: number, options: BarrierOptions = {}): number {
  checkTaskLoss(taskLoss, "lcObjectiveValue");
  return taskLoss * barrierGamma(complexity, limit, options);
}

/**
 * The γ damping factor `1 / (scale·γ)` in (0, 1] (·scale): 1 far from the limit, `√ε` at it. Used on step
 * sizes (seed L746 "smoothly compresses step sizes") and on routing gates (L822).
 */
export function barrierDamping(gamma: number, options: BarrierOptions = {}): number {
  const { scale } = shape(options, "barrierDamping");
  if (!(gamma > 0)) throw new Error(`Error in barrierDamping: gamma must be > 0, got ${gamma}.`);
  return Math.min(1, 1 / (scale * gamma));
}
