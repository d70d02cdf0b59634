/**
 * Warm probes (seed 002 L1631-1636; Progress Update L1154-1167; SEED-INVENTORY §3.4): the shadow-Δ
 * micro-rollout. `K` tiny Adam steps on `Δ_R` only (Frozen: the base is never written, it is read through
 * the shadow), with the training prox-L1 post-step when training uses one, then mean ΔLoss
 * `= L_before - L_after` (D-14) over fresh evaluation batches, its std, the win-rate and `a_R`.
 *
 * Relaxed regime (flagged, L1163): a shadow `Δ_H` on the object's Hot values moves too, under the
 * trust-region term `ρ‖Δ_H‖²`; the base is still never written.
 */
import { softThreshold, tf, type Rank, type Scalar, type Tensor1D } from "@tam/tensor-backend";

import { ACTIVE_EPSILON, PROBE_LEARNING_RATE } from "./constants.js";
import type { Batch } from "./loss.js";
import type { PlannerModel } from "./planner-model.js";
import type { Region } from "./region.js";
import { connected } from "./sparse-masked-stack.js";
import { disposeShadow, makeShadow, withDelta } from "./shadow-delta.js";

/** Options of {@link microRollout}. */
export interface MicroRolloutOptions {
  /** One batch per tiny step (K = its length). */
  readonly stepBatches: readonly Batch[];
  /** Fresh evaluation batches. */
  readonly evalBatches: readonly Batch[];
  /** `L_before` on each evaluation batch (the base model's loss). */
  readonly baseEvalLosses: readonly number[];
  /** Tiny-step size (default {@link PROBE_LEARNING_RATE}). */
  readonly learningRate?: number;
  /** ε of `a_R = count(|Δ_R| > ε)` (default {@link ACTIVE_EPSILON}). */
  readonly epsilon?: number;
  /** Relaxed regime: trust-region weight ρ on `‖Δ_H‖²` (absent = Frozen). */
  readonly relaxedTrustWeight?: number;
}

/** What a micro-rollout measured. */
export interface RolloutResult {
  /** `Δ_R` after K steps, aligned with the region's keys (the warm start on commit). */
  readonly delta: Float32Array;
  /** `L_before - L_after` per evaluation batch. */
  readonly deltaLosses: readonly number[];
  /** `μ_R`: mean ΔLoss. */
  readonly meanGain: number;
  /** `σ_R`: sample standard deviation of ΔLoss (0 with one batch). */
  readonly stdGain: number;
  /** Fraction of evaluation batches with ΔLoss > 0. */
  readonly winRate: number;
  /** `a_R = count(|Δ_R| > ε)`. */
  readonly activeCount: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;

/**
 * Run a shadow-Δ micro-rollout of one region. The model's parameters are only read.
 *
 * @example
 * ```ts
 * const r = microRollout(stack, region, { stepBatches: [b1, b2], evalBatches: [e1, e2], baseEvalLosses: [l1, l2] });
 * r.meanGain;   // > 0 when the region helps on fresh batches
 * ```
 * @throws Error naming the option when batches and base losses disagree in number or K = 0.
 */
export function microRollout(model: PlannerModel, region: Region, options: MicroRolloutOptions): RolloutResult {
  const { stepBatches, evalBatches, baseEvalLosses } = options;
  if (stepBatches.length === 0) throw new Error("Error in microRollout: stepBatches is empty (K must be >= 1).");
  if (evalBatches.length === 0 || evalBatches.length !== baseEvalLosses.length) {
    throw new Error(`Error in microRollout: need one baseEvalLosses entry per eval batch, got ${baseEvalLosses.length} for ${evalBatches.length}.`);
  }
  const object = model.objects.find((o) => o.id === region.objectId);
  if (object === undefined) throw new Error(`Error in microRollout: the model has no object "${region.objectId}".`);
  const lr = options.learningRate ?? PROBE_LEARNING_RATE;
  const epsilon = options.epsilon ?? ACTIVE_EPSILON;
  const relaxed = options.relaxedTrustWeight;
  const prox = model.proxL1;
  const hotCount = object.hotKeys().length;
  const useRelaxed = relaxed !== undefined && hotCount > 0;
  const hotBase = useRelaxed ? tf.tensor1d(object.hotValues()) : undefined;

  const shadow = makeShadow(region.objectId, region.keys, object.shape[1], tf.zeros<Rank.R1>([region.keys.length]));
  let delta = shadow.delta;
  let deltaH: Tensor1D | undefined = useRelaxed ? tf.zeros<Rank.R1>([hotCount]) : undefined;
  const moments = { m: tf.zeros([region.keys.length]), v: tf.zeros([region.keys.length]), mH: tf.zeros([hotCount]), vH: tf.zeros([hotCount]) };
  try {
    stepBatches.forEach((batch, t) => {
      const step = t + 1;
      const next = tf.tidy(() => {
        const lossOf = (d: Tensor1D, dH: Tensor1D | undefined): Scalar => {
          const hotValues = dH !== undefined && hotBase !== undefined ? new Map([[region.objectId, tf.add<Tensor1D>(hotBase, dH)]]) : undefined;
          const base = connected(model.loss(batch, { shadows: [withDelta(shadow, d)], ...(hotValues === undefined ? {} : { hotValues }) }), dH === undefined ? d : tf.concat([d, dH]));
          return dH === undefined ? base : tf.add<Scalar>(base, tf.mul(relaxed ?? 0, tf.sum(tf.square(dH))));
        };
        const grads = deltaH === undefined ? [tf.grad((d) => lossOf(d as Tensor1D, undefined))(delta)] : tf.grads((d, dH) => lossOf(d as Tensor1D, dH as Tensor1D))([delta, deltaH]);
        const [nd, m, v] = adamStep(delta, grads[0] as Tensor1D, moments.m, moments.v, step, lr, prox);
        const out: { d: Tensor1D; m: Tensor1D; v: Tensor1D; dH?: Tensor1D; mH?: Tensor1D; vH?: Tensor1D } = { d: nd, m, v };
        if (deltaH !== undefined) {
          const [ndH, mH, vH] = adamStep(deltaH, grads[1] as Tensor1D, moments.mH, moments.vH, step, lr, undefined);
          Object.assign(out, { dH: ndH, mH, vH });
        }
        return out;
      });
      tf.dispose([delta, moments.m, moments.v]);
      delta = next.d;
      moments.m = next.m;
      moments.v = next.v;
      if (next.dH !== undefined && deltaH !== undefined) {
        tf.dispose([deltaH, moments.mH, moments.vH]);
        deltaH = next.dH;
        moments.mH = next.mH as Tensor1D;
        moments.vH = next.vH as Tensor1D;
      }
    });
    const after = tf.tidy(() => {
      const hotValues = deltaH !== undefined && hotBase !== undefined ? new Map([[region.objectId, tf.add<Tensor1D>(hotBase, deltaH)]]) : undefined;
      return tf.stack(evalBatches.map((batch) => model.loss(batch, { shadows: [withDelta(shadow, delta)], ...(hotValues === undefined ? {} : { hotValues }) })));
    });
    const afterLosses = after.dataSync();
    after.dispose();
    const deltaLosses = baseEvalLosses.map((before, i) => before - (afterLosses[i] as number));
    const deltaValues = Float32Array.from(delta.dataSync());
    const stats = gainStatistics(deltaLosses);
    let activeCount = 0;
    for (const d of deltaValues) if (Math.abs(d) > epsilon) activeCount += 1;
    return { delta: deltaValues, deltaLosses, ...stats, activeCount };
  } finally {
    disposeShadow(shadow);
    tf.dispose([delta, moments.m, moments.v, moments.mH, moments.vH]);
    if (deltaH !== undefined) deltaH.dispose();
    hotBase?.dispose();
  }
}

/** Mean, sample std and win-rate of ΔLoss values. */
export function gainStatistics(deltaLosses: readonly number[]): { meanGain: number; stdGain: number; winRate: number } {
  const n = deltaLosses.length;
  if (n === 0) throw new Error("Error in gainStatistics: no ΔLoss values.");
  const meanGain = deltaLosses.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? deltaLosses.reduce((a, b) => a + (b - meanGain) ** 2, 0) / (n - 1) : 0;
  return { meanGain, stdGain: Math.sqrt(variance), winRate: deltaLosses.filter((d) => d > 0).length / n };
}

function adamStep(
  w: Tensor1D,
  g: Tensor1D,
  m0: Tensor1D | ReturnType<typeof tf.zeros>,
  v0: Tensor1D | ReturnType<typeof tf.zeros>,
  step: number,
  lr: number,
  prox: number | undefined,
): [Tensor1D, Tensor1D, Tensor1D] {
  const m = tf.add<Tensor1D>(tf.mul(m0, BETA1), tf.mul(g, 1 - BETA1));
  const v = tf.add<Tensor1D>(tf.mul(v0, BETA2), tf.mul(tf.square(g), 1 - BETA2));
  const update = tf.div(tf.div(m, 1 - BETA1 ** step), tf.add(tf.sqrt(tf.div(v, 1 - BETA2 ** step)), ADAM_EPS));
  let next = tf.sub<Tensor1D>(w, tf.mul(update, lr));
  if (prox !== undefined) next = softThreshold(next, lr * prox);
  return [next, m, v];
}
