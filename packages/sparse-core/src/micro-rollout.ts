/**
 * Warm probes (seed 002 L1631-1636; Progress Update L1154-1167; SEED-INVENTORY §3.4): the shadow-Δ
 * micro-rollout. `K` tiny Adam steps on `Δ_R` only (Frozen: the base is never written, it is read through
 * the shadow), with the training prox-L1 post-step when training uses one, then mean ΔLoss
 * `= L_before - L_after` (D-14) over fresh evaluation batches, its std, the win-rate and `a_R`.
 *
 * Relaxed regime (flagged, L1163): a shadow `Δ_H` on the object's Hot values moves too, under the
 * trust-region term `ρ‖Δ_H‖²`; the base is still never written.
 *
 * A probe may span several objects (a two-layer unit region, ADR 0308): one shadow per object, stepped
 * jointly, each from its own starting Δ.
 */
import { softThreshold, tf, type Rank, type Scalar, type Tensor1D } from "@tam/tensor-backend";

import { ACTIVE_EPSILON, PROBE_LEARNING_RATE } from "./constants.js";
import type { Batch } from "./loss.js";
import type { GrowthObject } from "./growth-object.js";
import type { PlannerModel, ProbeForwardOptions } from "./planner-model.js";
import type { Region } from "./region.js";
import { connected } from "./probe-gradients.js";
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

/** One object's share of a (possibly multi-object) shadow probe. */
export interface ShadowPart {
  /** The growth object. */
  readonly objectId: string;
  /** Sorted unique cell keys of the shadow. */
  readonly keys: Int32Array;
  /** Starting Δ aligned with `keys` (default zeros: a toggle-mask start). */
  readonly init?: Float32Array;
}

/** What a multi-object micro-rollout measured: one Δ per part plus the shared gain statistics. */
export interface MultiRolloutResult extends Omit<RolloutResult, "delta"> {
  /** `Δ` of each part after K steps, aligned with its keys (the warm start on commit). */
  readonly deltas: readonly Float32Array[];
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
  const { deltas, ...rest } = microRolloutShadows(model, [{ objectId: region.objectId, keys: region.keys }], options);
  return { ...rest, delta: deltas[0] as Float32Array };
}

/**
 * A micro-rollout of shadows on several objects at once (a two-layer unit region, ADR 0308): K tiny Adam
 * steps on every part's Δ jointly, starting from each part's `init`, then mean ΔLoss on the evaluation
 * batches. The model's parameters are only read. Relaxed: each part's object gets its own `Δ_H`.
 *
 * @throws Error naming the option when batches and base losses disagree in number, K = 0, a part is empty,
 *   two parts share an object, or an `init` has the wrong length.
 */
export function microRolloutShadows(model: PlannerModel, parts: readonly ShadowPart[], options: MicroRolloutOptions): MultiRolloutResult {
  const { stepBatches, evalBatches, baseEvalLosses } = options;
  if (stepBatches.length === 0) throw new Error("Error in microRollout: stepBatches is empty (K must be >= 1).");
  if (evalBatches.length === 0 || evalBatches.length !== baseEvalLosses.length) {
    throw new Error(`Error in microRollout: need one baseEvalLosses entry per eval batch, got ${baseEvalLosses.length} for ${evalBatches.length}.`);
  }
  if (parts.length === 0) throw new Error("Error in microRollout: parts is empty.");
  const objects = parts.map((part, i) => {
    const object = model.objects.find((o) => o.id === part.objectId);
    if (object === undefined) throw new Error(`Error in microRollout: the model has no object "${part.objectId}".`);
    if (parts.findIndex((p) => p.objectId === part.objectId) !== i) throw new Error(`Error in microRollout: two parts on object "${part.objectId}".`);
    if (part.init !== undefined && part.init.length !== part.keys.length) throw new Error(`Error in microRollout: parts.${i}.init must have ${part.keys.length} entries, got ${part.init.length}.`);
    return object;
  });
  const lr = options.learningRate ?? PROBE_LEARNING_RATE;
  const epsilon = options.epsilon ?? ACTIVE_EPSILON;
  const relaxed = options.relaxedTrustWeight;
  const prox = model.proxL1;
  const n = parts.length;
  // Relaxed: a Δ_H on the Hot values of each part's object that has Hot cells.
  const relaxedAt = relaxed === undefined ? [] : objects.flatMap((o, i) => (o.hotKeys().length > 0 ? [i] : []));
  const hotBases = relaxedAt.map((i) => tf.tensor1d((objects[i] as GrowthObject).hotValues()));
  const shadows = parts.map((part, i) => makeShadow(part.objectId, part.keys, (objects[i] as GrowthObject).shape[1], part.init === undefined ? tf.zeros<Rank.R1>([part.keys.length]) : tf.tensor1d(part.init)));
  // Trainable state: the parts' Δs, then the Δ_Hs; Adam moments alike.
  let params: Tensor1D[] = [...shadows.map((s) => s.delta), ...hotBases.map((h) => tf.zerosLike(h))];
  let firsts: Tensor1D[] = params.map((p) => tf.zerosLike(p));
  let seconds: Tensor1D[] = params.map((p) => tf.zerosLike(p));
  const forwardOptions = (state: readonly Tensor1D[]): ProbeForwardOptions => {
    const hotValues = new Map(relaxedAt.map((i, h) => [parts[i]?.objectId as string, tf.add<Tensor1D>(hotBases[h] as Tensor1D, state[n + h] as Tensor1D)]));
    return { shadows: shadows.map((s, i) => withDelta(s, state[i] as Tensor1D)), ...(hotValues.size === 0 ? {} : { hotValues }) };
  };
  try {
    stepBatches.forEach((batch, t) => {
      const step = t + 1;
      const next = tf.tidy(() => {
        const lossOf = (...state: Tensor1D[]): Scalar => {
          const base = connected(model.loss(batch, forwardOptions(state)), tf.concat(state));
          return relaxedAt.length === 0 ? base : tf.add<Scalar>(base, tf.mul(relaxed ?? 0, tf.sum(tf.square(tf.concat(state.slice(n))))));
        };
        const grads = tf.grads((...state) => lossOf(...(state as Tensor1D[])))(params);
        const updated = params.map((p, i) => adamStep(p, grads[i] as Tensor1D, firsts[i] as Tensor1D, seconds[i] as Tensor1D, step, lr, i < n ? prox : undefined));
        return updated;
      });
      tf.dispose([...params, ...firsts, ...seconds]);
      params = next.map((u) => u[0]);
      firsts = next.map((u) => u[1]);
      seconds = next.map((u) => u[2]);
    });
    const after = tf.tidy(() => tf.stack(evalBatches.map((batch) => model.loss(batch, forwardOptions(params)))));
    const afterLosses = after.dataSync();
    after.dispose();
    const deltaLosses = baseEvalLosses.map((before, i) => before - (afterLosses[i] as number));
    const deltas = params.slice(0, n).map((d) => Float32Array.from(d.dataSync()));
    const stats = gainStatistics(deltaLosses);
    let activeCount = 0;
    for (const delta of deltas) for (const d of delta) if (Math.abs(d) > epsilon) activeCount += 1;
    return { deltas, deltaLosses, ...stats, activeCount };
  } finally {
    for (const s of shadows) disposeShadow(s);
    tf.dispose([...params, ...firsts, ...seconds, ...hotBases]);
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
