/**
 * Stencil dynamics: gravity, velocity, curvature, soft-tying and escape (seed 002 v3 L1791-1832;
 * SEED-INVENTORY §3.14; ADR 0330). Per call of {@link StencilDynamics.step}:
 *
 * - Similarity is the cosine of two stencils over their Hot coordinates (zeros off the masks; a centre is
 *   seen through the unit's mask, `M_u ⊙ c`, what the unit would compute if tied), distance `d = 1 − sim`; pairs with `d > R_flat` are ignored (flat space, L1827).
 *   With `similarity: "per-ring"` (L1805 "optionally per ring"; ADR 0334) it is the smallest per-ring cosine over
 *   the rings either stencil uses, so a shared dominant centre cannot hide disagreeing outer rings.
 * - Escape first (L1825): a tied unit whose residual `‖r_u‖ / ‖M_u ⊙ c‖ > τ_escape` and whose held-out loss
 *   is lower than with the residual dropped by more than the tolerance is untied (function unchanged).
 * - For every untied eligible unit (at least `minHotCells` Hot cells), the nearest eligible centre `ĉ` is the
 *   most similar live centre or other untied eligible stencil with `sim ≥ τ_attach`:
 *   - `sim ≥ τ_merge` (and a free centre slot when the partner is a stencil): the held-out check snaps the unit (and a partner stencil) to the centre; when the loss
 *     does not rise by more than the tolerance, the units are soft-tied (`w_u = c + r_u`, function
 *     preserved; a partner stencil founds a new centre from the members' mean). A failed check inside
 *     `d_min` applies a small repulsion (L1815);
 *   - otherwise the velocity step `v ← μv + (1−μ)·clip(ĉ − w, max_norm)`, `v ← (1 − κ_u)v`,
 *     `w ← w + η_g·v` on the unit's Hot cells (projected onto its mask), with `κ_u = v̄_u / (v̄_u + v̄_median)`
 *     from Adam's second moment (the diagonal-moment curvature proxy, L1808).
 * Centres then update from their members by training (they are shared parameters); tied units' residuals
 * shrink under the λ_res soft-threshold of {@link StencilNet}.
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";

import { disposeBatch, type Batch } from "./loss.js";
import type { BatchSource } from "./planner-model.js";
import type { StencilEvent } from "./stencil-events.js";
import type { StencilNet } from "./stencil-net.js";

/** η_g: gravity strength (ADR 0330). */
export const STENCIL_GRAVITY_STRENGTH = 1;
/** τ_attach: pull starts above this cosine similarity (ADR 0330). */
export const STENCIL_ATTACH_THRESHOLD = 0.8;
/** τ_merge: the event horizon for soft-tying (ADR 0330). */
export const STENCIL_MERGE_THRESHOLD = 0.95;
/** τ_escape: a tied unit may escape when `‖r_u‖ / ‖M_u ⊙ c‖` exceeds this (ADR 0330). */
export const STENCIL_ESCAPE_THRESHOLD = 0.5;
/** R_flat: pairs farther apart than this distance `1 − sim` do not interact (ADR 0330). */
export const STENCIL_FLAT_RADIUS = 0.3;
/** μ: velocity momentum (ADR 0330). */
export const STENCIL_MOMENTUM = 0.9;
/** max_norm: clip of `ĉ − w` per step (ADR 0330). */
export const STENCIL_MAX_NORM = 0.2;
/** d_min: inside this distance a failed merge check repels (ADR 0330). */
export const STENCIL_MIN_DISTANCE = 0.02;
/** Strength of the repulsive term (ADR 0330). */
export const STENCIL_REPULSION = 0.1;
/** Held-out relative loss tolerance of the merge and escape checks (ADR 0330). */
export const STENCIL_MERGE_TOLERANCE = 0.002;
/** A stencil takes part once it has this many Hot cells (grown beyond a one-cell seed; ADR 0330). */
export const STENCIL_MIN_HOT_CELLS = 3;

/** Config of {@link StencilDynamics} (zod; every field defaulted). */
export const stencilDynamicsConfigSchema = z
  .object({
    gravityStrength: z.number().min(0).default(STENCIL_GRAVITY_STRENGTH),
    attachThreshold: z.number().min(-1).max(1).default(STENCIL_ATTACH_THRESHOLD),
    mergeThreshold: z.number().min(-1).max(1).default(STENCIL_MERGE_THRESHOLD),
    escapeThreshold: z.number().positive().default(STENCIL_ESCAPE_THRESHOLD),
    flatRadius: z.number().min(0).max(2).default(STENCIL_FLAT_RADIUS),
    momentum: z.number().min(0).lt(1).default(STENCIL_MOMENTUM),
    maxNorm: z.number().positive().default(STENCIL_MAX_NORM),
    minDistance: z.number().min(0).default(STENCIL_MIN_DISTANCE),
    repulsion: z.number().min(0).default(STENCIL_REPULSION),
    mergeTolerance: z.number().min(0).default(STENCIL_MERGE_TOLERANCE),
    minHotCells: z.number().int().min(1).default(STENCIL_MIN_HOT_CELLS),
    evalBatches: z.number().int().min(1).default(2),
    maxMergesPerStep: z.number().int().min(0).default(4),
    /** `cosine` over the whole stencil (default) or `per-ring`: the smallest cosine of any used ring (ADR 0334). */
    similarity: z.enum(["cosine", "per-ring"]).default("cosine"),
  })
  .strict()
  .refine((c) => c.attachThreshold <= c.mergeThreshold, { message: "attachThreshold must be <= mergeThreshold", path: ["attachThreshold"] });

/** Config as written. */
export type StencilDynamicsConfigInput = z.input<typeof stencilDynamicsConfigSchema>;
/** Config with defaults. */
export type StencilDynamicsConfig = z.output<typeof stencilDynamicsConfigSchema>;

/** What one dynamics step did. */
export interface StencilDynamicsReport {
  readonly step: number;
  /** Units pulled by gravity this step. */
  readonly attracted: number;
  /** Units repelled after a failed merge check inside `d_min`. */
  readonly repelled: number;
  /** Tie and escape events. */
  readonly events: readonly StencilEvent[];
  /** Pairs within `R_flat` (the interactions computed). */
  readonly interactingPairs: number;
}

/** Cosine similarity of two equal-length vectors (0 when either is zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Per-ring similarity of two stencils (seed L1805 "optionally per ring"; ADR 0334): the cosine on each ring
 * `r` (offsets `[(2r−1)², (2r+1)²)`, ordered as in `StencilGeometry`) that either stencil uses, and the
 * smallest of them (0 when a ring is used by one stencil only; 0 when neither uses any). Rings are compared
 * separately, so agreement on a large centre weight cannot mask opposite outer rings.
 *
 * @throws Error naming `perRingSimilarity` when the lengths differ or are not `(2R+1)²`.
 */
export function perRingSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const side = Math.round(Math.sqrt(a.length));
  if (a.length !== b.length || side * side !== a.length || side % 2 !== 1) {
    throw new Error(`Error in perRingSimilarity: both stencils must have (2R+1)² entries, got ${a.length} and ${b.length}.`);
  }
  let worst = Infinity;
  for (let r = 0; r <= (side - 1) / 2; r += 1) {
    const lo = r === 0 ? 0 : (2 * r - 1) ** 2;
    const hi = (2 * r + 1) ** 2;
    let used = false;
    for (let o = lo; o < hi && !used; o += 1) used = (a[o] as number) !== 0 || (b[o] as number) !== 0;
    if (!used) continue;
    const ring = (v: ArrayLike<number>): number[] => Array.from({ length: hi - lo }, (_, i) => v[lo + i] as number);
    worst = Math.min(worst, cosineSimilarity(ring(a), ring(b)));
  }
  return worst === Infinity ? 0 : worst;
}

/**
 * The stencil dynamics. Keeps one velocity per unit.
 *
 * @example
 * ```ts
 * const dynamics = new StencilDynamics({}, { onEvent: (e) => log.push(e) });
 * if (step % 10 === 0) dynamics.step(net, source);     // gravity, ties, escapes
 * ```
 */
export class StencilDynamics {
  readonly config: StencilDynamicsConfig;
  private readonly velocities = new Map<number, Float64Array>();
  private stepCount = 0;
  private readonly listener: ((event: StencilEvent) => void) | undefined;

  /** @throws Error naming the config field when it is invalid. */
  constructor(config: StencilDynamicsConfigInput = {}, options: { readonly onEvent?: (event: StencilEvent) => void } = {}) {
    this.config = parseConfig(stencilDynamicsConfigSchema, config, "StencilDynamics");
    this.listener = options.onEvent;
  }

  /** Steps run so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** One dynamics step on `net`; held-out batches come from `source` (purpose `eval`) and are disposed here. */
  step(net: StencilNet, source: BatchSource): StencilDynamicsReport {
    const cfg = this.config;
    const layer = net.stencil;
    const [units, S] = layer.shape;
    const step = this.stepCount;
    const base = { cycle: step, objectId: layer.id };
    const similarity = cfg.similarity === "per-ring" ? perRingSimilarity : cosineSimilarity;
    // Units removed since the last step (a re-merged clone) take their velocities with them.
    for (const u of [...this.velocities.keys()]) if (u >= units) this.velocities.delete(u);
    const events: StencilEvent[] = [];
    const emit = (event: StencilEvent): void => {
      events.push(event);
      this.listener?.(event);
    };
    const batches: Batch[] = [];
    try {
      for (let i = 0; i < cfg.evalBatches; i += 1) batches.push(source.next("eval"));
      const heldOut = (override?: (eff: Float32Array, keys: Int32Array) => void): number => {
        const keys = layer.hotKeys();
        const eff = layer.hotValues();
        override?.(eff, keys);
        return heldOutLoss(net, batches, override === undefined ? undefined : eff);
      };
      let current = heldOut();

      // Escape (L1825).
      for (const k of layer.liveCentres()) {
        for (const u of layer.members(k)) {
          const state = layer.state();
          let rr = 0;
          let cc = 0;
          state.keys.forEach((key, i) => {
            if (Math.floor(key / S) !== u) return;
            rr += (state.own[i] as number) ** 2;
            cc += (state.centres[k * S + (key % S)] as number) ** 2;
          });
          const ratio = Math.sqrt(rr) / Math.max(Math.sqrt(cc), Number.MIN_VALUE);
          if (!(ratio > cfg.escapeThreshold)) continue;
          const snapped = heldOut((eff, keys) => {
            keys.forEach((key, i) => {
              if (Math.floor(key / S) === u) eff[i] = state.centres[k * S + (key % S)] as number;
            });
          });
          const gain = (snapped - current) / Math.max(current, Number.MIN_VALUE);
          if (gain > cfg.mergeTolerance) {
            net.untie(u);
            this.velocities.delete(u);
            emit({ ...base, type: "stencil-escape", unit: u, centre: k, residualRatio: ratio, relativeGain: gain });
          }
        }
      }

      // Attraction, merging, repulsion.
      const matrix = layer.stencilMatrix();
      const hot = layer.hotKeys();
      const counts = new Int32Array(units);
      for (const key of hot) counts[Math.floor(key / S)] = (counts[Math.floor(key / S)] as number) + 1;
      const rowOf = (u: number): Float32Array => matrix.subarray(u * S, (u + 1) * S);
      const hotSet = new Set(hot);
      const isHot = (u: number, o: number): boolean => hotSet.has(u * S + o);
      const centreRows = new Map(layer.liveCentres().map((k) => [k, centreOnMembers(layer.state(), k, S)] as const));
      const eligible = Array.from({ length: units }, (_, u) => u).filter((u) => layer.tieOf(u) < 0 && (counts[u] as number) >= cfg.minHotCells);
      const moments = net.secondMoment(layer.id);
      const unitMoment = new Float64Array(units);
      hot.forEach((key, i) => {
        const u = Math.floor(key / S);
        unitMoment[u] = (unitMoment[u] as number) + (moments[i] as number) / (counts[u] as number);
      });
      const medianMoment = median(eligible.map((u) => unitMoment[u] as number));
      const moved = new Map<number, Float64Array>();
      const done = new Set<number>();
      let attracted = 0;
      let repelled = 0;
      let merges = 0;
      let interactingPairs = 0;
      for (const u of eligible) {
        if (done.has(u)) continue;
        const w = rowOf(u);
        let best: { sim: number; target: Float32Array; centre?: number; partner?: number } | undefined;
        for (const [k, c] of centreRows) {
          // A centre is seen through the unit's own mask: what the unit would compute if it were tied.
          const seen = c.map((value, o) => ((w[o] as number) !== 0 || isHot(u, o) ? value : 0));
          const sim = similarity(w, seen);
          if (1 - sim > cfg.flatRadius) continue;
          interactingPairs += 1;
          if (best === undefined || sim > best.sim) best = { sim, target: seen, centre: k };
        }
        for (const v of eligible) {
          if (v === u || done.has(v)) continue;
          const sim = similarity(w, rowOf(v));
          if (1 - sim > cfg.flatRadius) continue;
          interactingPairs += 1;
          if (best === undefined || sim > best.sim) best = { sim, target: rowOf(v), partner: v };
        }
        const velocity = this.velocities.get(u) ?? new Float64Array(S);
        if (best === undefined || best.sim < cfg.attachThreshold) {
          velocity.forEach((x, o) => (velocity[o] = cfg.momentum * x));
          this.velocities.set(u, velocity);
          continue;
        }
        const target = best.target;
        const slotFree = best.centre !== undefined || layer.liveCentres().length < layer.maxCentres;
        if (best.sim >= cfg.mergeThreshold && merges < cfg.maxMergesPerStep && slotFree) {
          const group = best.partner === undefined ? [u] : [u, best.partner];
          const centreValues = best.centre === undefined ? meanOnMasks(matrix, hot, group, S) : target;
          const snapped = heldOut((eff, keys) => {
            keys.forEach((key, i) => {
              if (group.includes(Math.floor(key / S))) eff[i] = centreValues[key % S] as number;
            });
          });
          const gain = (current - snapped) / Math.max(current, Number.MIN_VALUE);
          if (gain >= -cfg.mergeTolerance) {
            const k = best.centre === undefined ? net.tie(group, undefined, Float32Array.from(centreValues)) : net.tie(group, best.centre);
            for (const m of group) {
              done.add(m);
              this.velocities.delete(m);
              moved.delete(m);
            }
            merges += 1;
            emit({ ...base, type: "stencil-tie", units: group, centre: k, newCentre: best.centre === undefined, similarity: best.sim, relativeGain: gain });
            current = heldOut();
            continue;
          }
          if (1 - best.sim < cfg.minDistance) {
            velocity.forEach((x, o) => (velocity[o] = x - cfg.repulsion * ((target[o] as number) - (w[o] as number))));
            this.velocities.set(u, velocity);
            moved.set(u, velocity);
            repelled += 1;
            continue;
          }
        }
        const pull = new Float64Array(S);
        let norm = 0;
        for (let o = 0; o < S; o += 1) {
          pull[o] = (target[o] as number) - (w[o] as number);
          norm += (pull[o] as number) ** 2;
        }
        const scale = Math.min(1, cfg.maxNorm / Math.max(Math.sqrt(norm), Number.MIN_VALUE));
        const kappa = (unitMoment[u] as number) / ((unitMoment[u] as number) + medianMoment || 1);
        for (let o = 0; o < S; o += 1) velocity[o] = (1 - kappa) * (cfg.momentum * (velocity[o] as number) + (1 - cfg.momentum) * scale * (pull[o] as number));
        this.velocities.set(u, velocity);
        moved.set(u, velocity);
        attracted += 1;
      }
      if (moved.size > 0) {
        const state = layer.state();
        const own = Float32Array.from(state.own);
        let changed = false;
        state.keys.forEach((key, i) => {
          const u = Math.floor(key / S);
          const velocity = moved.get(u);
          if (velocity === undefined || layer.tieOf(u) >= 0) return;
          own[i] = (own[i] as number) + cfg.gravityStrength * (velocity[key % S] as number);
          changed = true;
        });
        if (changed) net.setOwnValues(own);
      }
      this.stepCount += 1;
      return { step, attracted, repelled, events, interactingPairs };
    } finally {
      batches.forEach(disposeBatch);
    }
  }
}

/** Centre `k` on the union of its members' masks (zeros elsewhere), as a `[S]` row. */
function centreOnMembers(state: { readonly keys: Int32Array; readonly tieOf: Int32Array; readonly centres: Float32Array }, k: number, S: number): Float32Array {
  const out = new Float32Array(S);
  for (const key of state.keys) {
    if (state.tieOf[Math.floor(key / S)] === k) out[key % S] = state.centres[k * S + (key % S)] as number;
  }
  return out;
}

/** Mean of `group`'s stencils per offset over the members whose mask holds it. */
function meanOnMasks(matrix: Float32Array, hot: Int32Array, group: readonly number[], S: number): Float32Array {
  const sum = new Float64Array(S);
  const n = new Float64Array(S);
  for (const key of hot) {
    const u = Math.floor(key / S);
    if (!group.includes(u)) continue;
    sum[key % S] = (sum[key % S] as number) + (matrix[key] as number);
    n[key % S] = (n[key % S] as number) + 1;
  }
  return Float32Array.from(sum, (s, o) => ((n[o] as number) > 0 ? s / (n[o] as number) : 0));
}

function heldOutLoss(net: StencilNet, batches: readonly Batch[], eff: Float32Array | undefined): number {
  let total = 0;
  for (const b of batches) {
    if (eff === undefined) total += net.lossValue(b);
    else total += net.lossWithValues(b, eff);
  }
  return total / batches.length;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
