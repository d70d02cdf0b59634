/**
 * LOO ΔLoss, the gold-standard prune score on a subset (seed 002 L1645): temporarily zero one Hot cell
 * (a shadow Δ = -w on it, so the base is never written) and measure the mean loss increase across m
 * batches. Used to calibrate the Taylor score: their Spearman rank correlation is reported.
 */
import { tf } from "@tam/tensor-backend";

import type { Batch } from "./loss.js";
import type { PlannerModel } from "./planner-model.js";
import { disposeShadow, makeShadow } from "./shadow-delta.js";
import { pruneRanking } from "./taylor-prune.js";

/** LOO ΔLoss of each given Hot cell: mean over batches of `L(without c) - L(with c)`. */
export function looDeltaLoss(model: PlannerModel, objectId: string, keys: Int32Array, batches: readonly Batch[]): Float64Array {
  const object = model.objects.find((o) => o.id === objectId);
  if (object === undefined) throw new Error(`Error in looDeltaLoss: the model has no object "${objectId}".`);
  if (batches.length === 0) throw new Error("Error in looDeltaLoss: batches is empty.");
  const hot = object.hotKeys();
  const values = object.hotValues();
  const base = tf.tidy(() => tf.stack(batches.map((b) => model.loss(b))));
  const baseLosses = base.dataSync();
  base.dispose();
  return Float64Array.from(keys, (key) => {
    const at = hot.indexOf(key);
    if (at < 0) throw new Error(`Error in looDeltaLoss: cell ${key} of "${objectId}" is not Hot.`);
    const shadow = makeShadow(objectId, Int32Array.of(key), object.shape[1], tf.tensor1d([-(values[at] as number)]));
    try {
      const losses = tf.tidy(() => tf.stack(batches.map((b) => model.loss(b, { shadows: [shadow] }))));
      const data = losses.dataSync();
      losses.dispose();
      let sum = 0;
      data.forEach((l, i) => {
        sum += l - (baseLosses[i] as number);
      });
      return sum / batches.length;
    } finally {
      disposeShadow(shadow, { delta: true });
    }
  });
}

/** Spearman rank correlation (average ranks for ties); NaN with fewer than 2 points or a constant input. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Error in spearman: lengths differ (${a.length} vs ${b.length}).`);
  if (a.length < 2) return Number.NaN;
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i += 1) {
    const da = (ra[i] as number) - mean;
    const db = (rb[i] as number) - mean;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va === 0 || vb === 0 ? Number.NaN : cov / Math.sqrt(va * vb);
}

/** The result of {@link calibrateTaylor}. */
export interface TaylorCalibration {
  readonly objectId: string;
  readonly keys: Int32Array;
  readonly taylor: Float64Array;
  readonly loo: Float64Array;
  /** Spearman rank correlation between the Taylor score and LOO ΔLoss on the subset. */
  readonly spearman: number;
}

/**
 * Compare Taylor scores with LOO ΔLoss on a subset of Hot cells spread over the Taylor ranking
 * (evenly spaced ranks, so both weak and strong cells are measured).
 *
 * @example
 * ```ts
 * const cal = calibrateTaylor(stack, "layer0", batches, 16);
 * cal.spearman;   // near 1 when the Taylor score orders cells like LOO does
 * ```
 */
export function calibrateTaylor(model: PlannerModel, objectId: string, batches: readonly Batch[], subset: number, epsilon = 0): TaylorCalibration {
  const object = model.objects.find((o) => o.id === objectId);
  if (object === undefined) throw new Error(`Error in calibrateTaylor: the model has no object "${objectId}".`);
  if (!Number.isSafeInteger(subset) || subset < 2) throw new Error(`Error in calibrateTaylor: subset must be an integer >= 2, got ${subset}.`);
  const ranking = pruneRanking(object.hotValues(), model.secondMoment(objectId), object.hotKeys(), epsilon);
  const n = Math.min(subset, ranking.length);
  const picked = Array.from({ length: n }, (_, i) => ranking[Math.round((i * (ranking.length - 1)) / Math.max(1, n - 1))]).filter(
    (e, i, all): e is NonNullable<typeof e> => e !== undefined && all.findIndex((x) => x?.key === e.key) === i,
  );
  const keys = Int32Array.from(picked, (e) => e.key).sort();
  const taylor = Float64Array.from(keys, (key) => picked.find((e) => e.key === key)?.score ?? Number.NaN);
  const loo = looDeltaLoss(model, objectId, keys, batches);
  return { objectId, keys, taylor, loo, spearman: spearman(taylor, loo) };
}

function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const out = new Float64Array(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) out[order[k] as number] = rank;
    i = j + 1;
  }
  return out;
}
