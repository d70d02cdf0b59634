/**
 * The stencil planner: the Warm → Hot evidence cycle for perceptron-local stencils (seed 002 L1556-1560
 * planner hooks, L1528 localised growth, L1830 diversity, L1832 accounting; SEED-INVENTORY §3.13-§3.14;
 * ADR 0330). Per cycle, per stencil layer:
 * 1. cool: over a budget, drop cells outermost ring first (residuals first for `C_active`); a quiet stencil
 *    (low gradient norm and low Δ-state) loses its outermost ring when held-out loss allows it;
 * 2. shortlist: toggle-mask gradients on m fresh batches → per unit, the next ring and the arms along 8
 *    rays → SNR (RMS-preconditioned) → non-maximum suppression across neighbouring units of one map;
 * 3. probe: shadow-Δ micro-rollouts (K tiny steps, Frozen) on shared fresh batches;
 * 4. commit by mean ΔLoss (ties: win-rate, then variance), at most 2 regions per unit stencil and
 *    `maxCommitsPerCycle` per layer, inside `structCap` / `activeCap`, warm-started from Δ.
 */
import { parseConfig, tf } from "@tam/tensor-backend";
import { z } from "zod";

import { ACTIVE_EPSILON, EVAL_BATCHES, MAX_COMMITS_PER_OBJECT, PROBE_LEARNING_RATE, ROLLOUT_STEPS, SNR_BATCHES } from "./constants.js";
import { rankByEvidence } from "./decision.js";
import { regionGradients } from "./frontier.js";
import { scalarOf, takeBatches, withBatches } from "./batch-draws.js";
import { disposeBatch, type Batch } from "./loss.js";
import { microRollout, type RolloutResult } from "./micro-rollout.js";
import type { BatchSource, PlannerModel } from "./planner-model.js";
import { sharedKeys, type Region } from "./region.js";
import { regionSnr } from "./snr.js";
import { binarySearch } from "./warm-cells.js";
import type { StencilCoolReason, StencilEvent, StencilGrowthShape } from "./stencil-events.js";
import { ARM_DIRECTIONS } from "./stencil-geometry.js";
import { StencilLayer } from "./stencil-layer.js";

/** Candidates probed per layer per cycle (ADR 0330). */
export const STENCIL_SHORTLIST_SIZE = 8;
/** Regions committed per layer per cycle, over all units (ADR 0330). */
export const STENCIL_COMMITS_PER_CYCLE = 4;
/** Longest arm, in cells (ADR 0330). */
export const STENCIL_ARM_LENGTH = 2;
/** NMS neighbourhood: same-shape candidates of units at most this many strides apart in one map are near-duplicates (ADR 0330). */
export const STENCIL_NMS_RADIUS = 1;
/** A stencil is quiet when its gradient RMS and its Δ-state are both below this fraction of the layer's medians (ADR 0330). */
export const STENCIL_QUIET_FRACTION = 0.1;
/** Quiet cooling is allowed when it raises the held-out loss by at most this fraction (ADR 0330). */
export const STENCIL_COOL_TOLERANCE = 0.001;

/** Config of {@link StencilPlanner} (zod; every field defaulted). */
export const stencilPlannerConfigSchema = z
  .object({
    snrBatches: z.number().int().min(2).default(SNR_BATCHES),
    rolloutSteps: z.number().int().min(1).max(3).default(ROLLOUT_STEPS),
    evalBatches: z.number().int().min(1).default(EVAL_BATCHES),
    shortlistSize: z.number().int().min(1).default(STENCIL_SHORTLIST_SIZE),
    /** The seed's hard rule, per unit stencil: ≤ 2 regions per cycle (L1607). */
    maxCommitsPerUnit: z.number().int().min(0).max(MAX_COMMITS_PER_OBJECT).default(MAX_COMMITS_PER_OBJECT),
    maxCommitsPerCycle: z.number().int().min(0).default(STENCIL_COMMITS_PER_CYCLE),
    shapes: z.array(z.enum(["ring", "arm"])).min(1).default(["ring", "arm"]),
    armLength: z.number().int().min(1).default(STENCIL_ARM_LENGTH),
    nmsRadius: z.number().min(0).default(STENCIL_NMS_RADIUS),
    snrThreshold: z.number().min(0).default(0),
    minGain: z.number().min(0).default(0),
    tieTolerance: z.number().min(0).default(0),
    probeLearningRate: z.number().positive().default(PROBE_LEARNING_RATE),
    epsilon: z.number().min(0).default(ACTIVE_EPSILON),
    cooling: z
      .object({
        enabled: z.boolean().default(true),
        quietFraction: z.number().min(0).max(1).default(STENCIL_QUIET_FRACTION),
        tolerance: z.number().min(0).default(STENCIL_COOL_TOLERANCE),
        maxUnitsPerCycle: z.number().int().min(0).default(2),
      })
      .strict()
      .default({ enabled: true, quietFraction: STENCIL_QUIET_FRACTION, tolerance: STENCIL_COOL_TOLERANCE, maxUnitsPerCycle: 2 }),
  })
  .strict();

/** Config as written. */
export type StencilPlannerConfigInput = z.input<typeof stencilPlannerConfigSchema>;
/** Config with defaults. */
export type StencilPlannerConfig = z.output<typeof stencilPlannerConfigSchema>;

/** A growth candidate of one unit's stencil. */
export interface StencilCandidate {
  /** The cells, as a `row` region of the `[units, S]` index space (a row is one unit's stencil). */
  readonly region: Region;
  readonly unit: number;
  readonly shape: StencilGrowthShape;
  /** Ring index (ring) or direction index 0..7 (arm). */
  readonly index: number;
}

/** What one cycle did. */
export interface StencilCycleReport {
  readonly cycle: number;
  readonly events: readonly StencilEvent[];
  readonly commits: number;
  readonly cooled: number;
}

/**
 * Ring and arm candidates of every unit: the Cold in-grid cells of the smallest ring that is not full, and
 * per ray the first `armLength` Cold cells beyond the stencil's Hot cells on it (connected to the stencil).
 */
export function stencilFrontier(layer: StencilLayer, options: { readonly shapes?: readonly StencilGrowthShape[]; readonly armLength?: number } = {}): StencilCandidate[] {
  const g = layer.geometry;
  const shapes = options.shapes ?? ["ring", "arm"];
  const armLength = options.armLength ?? STENCIL_ARM_LENGTH;
  const hot = layer.hotKeys();
  const isHot = (key: number): boolean => binarySearch(hot, key) >= 0;
  const out: StencilCandidate[] = [];
  const make = (unit: number, shape: StencilGrowthShape, index: number, keys: number[]): void => {
    if (keys.length > 0) out.push({ region: { objectId: layer.id, kind: "row", keys: Int32Array.from(keys).sort() }, unit, shape, index });
  };
  for (let u = 0; u < g.units; u += 1) {
    if (shapes.includes("ring")) {
      for (let r = 0; r <= g.radius; r += 1) {
        const cold = g.ringKeys(u, r).filter((k) => !isHot(k));
        if (cold.length > 0) {
          make(u, "ring", r, cold);
          break;
        }
      }
    }
    if (shapes.includes("arm") && isHot(u * g.offsets)) {
      ARM_DIRECTIONS.forEach((direction, d) => {
        const ray = g.rayKeys(u, direction);
        const first = ray.findIndex((k) => !isHot(k));
        if (first < 0) return;
        const arm: number[] = [];
        for (let i = first; i < ray.length && arm.length < armLength && !isHot(ray[i] as number); i += 1) arm.push(ray[i] as number);
        make(u, "arm", d, arm);
      });
    }
  }
  return out;
}

interface Probed extends RolloutResult {
  readonly candidate: StencilCandidate;
  readonly snr: number;
  readonly size: number;
}

/**
 * The stencil planner. Keeps the last cycle's stencils (for Δ-state) and a cycle counter.
 *
 * @example
 * ```ts
 * const planner = new StencilPlanner({ maxCommitsPerCycle: 4 }, { onEvent: (e) => log.push(e) });
 * for (let step = 1; step <= 400; step += 1) {
 *   net.trainStep(source.next("rollout")).dispose();
 *   if (step % 10 === 0) planner.runCycle(net, source);
 * }
 * ```
 */
export class StencilPlanner {
  readonly config: StencilPlannerConfig;
  private cycleCount = 0;
  private readonly previous = new Map<string, Float32Array>();
  private readonly listener: ((event: StencilEvent) => void) | undefined;

  /** @throws Error naming the config field when it is invalid. */
  constructor(config: StencilPlannerConfigInput = {}, options: { readonly onEvent?: (event: StencilEvent) => void } = {}) {
    this.config = parseConfig(stencilPlannerConfigSchema, config, "StencilPlanner");
    this.listener = options.onEvent;
  }

  /** Cycles run so far. */
  get cycles(): number {
    return this.cycleCount;
  }

  /**
   * One cycle over every {@link StencilLayer} of the model. Batches from `source` are disposed here.
   *
   * @throws Error naming `model` when it has no stencil layer.
   */
  runCycle(model: PlannerModel, source: BatchSource): StencilCycleReport {
    const layers = model.objects.filter((o): o is StencilLayer => o instanceof StencilLayer);
    if (layers.length === 0) throw new Error("Error in StencilPlanner.runCycle: model has no StencilLayer among its objects.");
    const cycle = this.cycleCount;
    const events: StencilEvent[] = [];
    const emit = (event: StencilEvent): void => {
      events.push(event);
      this.listener?.(event);
    };
    let commits = 0;
    let cooled = 0;
    for (const layer of layers) {
      const perBatch = withBatches(source, "snr", this.config.snrBatches, (batches) => batches.map((b) => model.toggleMaskGradient(b, layer.id)));
      cooled += this.cool(model, layer, perBatch, source, cycle, emit);
      commits += this.grow(model, layer, perBatch, source, cycle, emit);
      this.previous.set(layer.id, layer.stencilMatrix());
    }
    this.cycleCount += 1;
    return { cycle, events, commits, cooled };
  }

  /** Cooling (seed L1559, L1832): budgets first (residuals first for `C_active`), then quiet stencils outer ring first. */
  private cool(model: PlannerModel, layer: StencilLayer, perBatch: readonly Float32Array[], source: BatchSource, cycle: number, emit: (e: StencilEvent) => void): number {
    const cfg = this.config;
    const g = layer.geometry;
    const S = g.offsets;
    const base = { cycle, objectId: layer.id };
    let cooled = 0;
    const event = (unit: number, ring: number, keys: number[], reason: StencilCoolReason, relativeLossIncrease: number): void => {
      cooled += keys.length;
      emit({ ...base, type: "stencil-cool", unit, ring, keys, reason, relativeLossIncrease, cStructAfter: layer.nnz });
    };
    // C_active over its cap: zero the smallest residuals first, then the smallest untied weights of outer rings.
    let counters = layer.counters(cfg.epsilon);
    if (counters.cActive > layer.budget.activeCap) {
      const keys = layer.hotKeys();
      const values = layer.state().own;
      const order = Array.from(keys, (key, i) => ({ key, i, tied: layer.tieOf(Math.floor(key / S)) >= 0, ring: g.ringOf(key % S), size: Math.abs(values[i] as number) }))
        .filter((c) => c.size > cfg.epsilon)
        .sort((a, b) => Number(b.tied) - Number(a.tied) || b.ring - a.ring || a.size - b.size || a.key - b.key);
      const victims = order.slice(0, counters.cActive - layer.budget.activeCap);
      model.zeroCells(layer.id, Int32Array.from(victims.map((v) => v.key)).sort());
      for (const v of victims) event(Math.floor(v.key / S), g.ringOf(v.key % S), [v.key], "active-cap", 0);
      counters = layer.counters(cfg.epsilon);
    }
    // C_struct over its cap: remove outermost-ring cells, quietest units first.
    const quietness = unitGradientRms(layer, perBatch);
    if (counters.cStruct > layer.budget.structCap) {
      const keys = Array.from(layer.hotKeys()).sort((a, b) => g.ringOf(b % S) - g.ringOf(a % S) || (quietness[Math.floor(a / S)] as number) - (quietness[Math.floor(b / S)] as number) || a - b);
      const victims = keys.slice(0, counters.cStruct - layer.budget.structCap);
      model.removeCells(layer.id, Int32Array.from(victims).sort());
      for (const key of victims) event(Math.floor(key / S), g.ringOf(key % S), [key], "struct-cap", 0);
    }
    if (!cfg.cooling.enabled || cfg.cooling.maxUnitsPerCycle === 0) return cooled;
    // Quiet stencils: low gradient RMS and low Δ-state against the layer's medians.
    const previous = this.previous.get(layer.id);
    const current = layer.stencilMatrix();
    // No Δ-state yet, or the units changed since the last cycle (a clone was added or re-merged).
    if (previous?.length !== current.length) return cooled;
    const hot = layer.hotKeys();
    const grown = Array.from({ length: g.units }, (_, u) => Array.from(hot).filter((k) => Math.floor(k / S) === u && g.ringOf(k % S) > 0));
    const units = grown.flatMap((cells, u) => (cells.length > 0 ? [u] : []));
    if (units.length === 0) return cooled;
    const deltaState = Float64Array.from({ length: g.units }, (_, u) => {
      let sum = 0;
      for (let o = 0; o < S; o += 1) sum += ((current[u * S + o] as number) - (previous[u * S + o] as number)) ** 2;
      return Math.sqrt(sum);
    });
    const gradMedian = median(units.map((u) => quietness[u] as number));
    const deltaMedian = median(units.map((u) => deltaState[u] as number));
    const quiet = units
      .filter((u) => (quietness[u] as number) < cfg.cooling.quietFraction * gradMedian && (deltaState[u] as number) <= cfg.cooling.quietFraction * deltaMedian)
      .sort((a, b) => (quietness[a] as number) - (quietness[b] as number) || a - b)
      .slice(0, cfg.cooling.maxUnitsPerCycle);
    if (quiet.length === 0) return cooled;
    withBatches(source, "eval", cfg.evalBatches, (batches) => {
      for (const u of quiet) {
        const cells = layer.hotKeys().filter((k) => Math.floor(k / S) === u);
        const outer = Math.max(...Array.from(cells, (k) => g.ringOf(k % S)));
        const ring = Array.from(cells).filter((k) => g.ringOf(k % S) === outer);
        const increase = relativeIncreaseWithout(model, layer, Int32Array.from(ring), batches);
        if (increase <= cfg.cooling.tolerance) {
          model.removeCells(layer.id, Int32Array.from(ring));
          event(u, outer, ring, "quiet", increase);
        }
      }
    });
    return cooled;
  }

  /** Shortlist, probe and commit rings and arms. */
  private grow(model: PlannerModel, layer: StencilLayer, perBatch: readonly Float32Array[], source: BatchSource, cycle: number, emit: (e: StencilEvent) => void): number {
    const cfg = this.config;
    const g = layer.geometry;
    const base = { cycle, objectId: layer.id };
    const gradients = { shape: layer.shape, perBatch };
    const scored = stencilFrontier(layer, { shapes: cfg.shapes, armLength: cfg.armLength })
      .map((candidate) => ({ candidate, snr: regionSnr(regionGradients(candidate.region, gradients, "rms")).snr }))
      .filter((c) => c.snr >= cfg.snrThreshold)
      .sort((a, b) => b.snr - a.snr || a.candidate.unit - b.candidate.unit || a.candidate.index - b.candidate.index);
    // Non-maximum suppression (L1830): one candidate per neighbourhood and shape; overlapping ones of a unit too.
    const kept: typeof scored = [];
    let suppressed = 0;
    for (const c of scored) {
      if (kept.length >= cfg.shortlistSize) break;
      const duplicate = kept.some(
        (k) =>
          (k.candidate.unit === c.candidate.unit && sharedKeys(k.candidate.region.keys, c.candidate.region.keys) > 0) ||
          (k.candidate.unit !== c.candidate.unit &&
            k.candidate.shape === c.candidate.shape &&
            k.candidate.index === c.candidate.index &&
            g.mapOf(k.candidate.unit) === g.mapOf(c.candidate.unit) &&
            g.unitDistance(k.candidate.unit, c.candidate.unit) <= cfg.nmsRadius),
      );
      if (duplicate) suppressed += 1;
      else kept.push(c);
    }
    emit({ ...base, type: "stencil-shortlist", candidates: scored.length, suppressed, shortlisted: kept.map((c) => ({ unit: c.candidate.unit, shape: c.candidate.shape, keys: Array.from(c.candidate.region.keys), snr: c.snr })) });
    if (kept.length === 0 || cfg.maxCommitsPerCycle === 0 || cfg.maxCommitsPerUnit === 0) return 0;

    const stepBatches = takeBatches(source, "rollout", cfg.rolloutSteps);
    const evalBatches = takeBatches(source, "eval", cfg.evalBatches);
    let committed = 0;
    try {
      const baseEvalLosses = evalBatches.map((b) => scalarOf(model.loss(b)));
      for (const c of kept) layer.markWarm(c.candidate.region.keys);
      const probed: Probed[] = kept.map((c) => ({
        ...microRollout(model, c.candidate.region, { stepBatches, evalBatches, baseEvalLosses, learningRate: cfg.probeLearningRate, epsilon: cfg.epsilon }),
        candidate: c.candidate,
        snr: c.snr,
        size: c.candidate.region.keys.length,
      }));
      const perUnit = new Map<number, number>();
      const taken: Region[] = [];
      for (const p of rankByEvidence(probed, { tieTolerance: cfg.tieTolerance })) {
        const { unit, shape, index, region } = p.candidate;
        const skip = (reason: "no-gain" | "overlap" | "budget" | "unit-cap" | "cycle-cap"): void => {
          emit({ ...base, type: "stencil-skip", unit, shape, reason, meanGain: p.meanGain });
        };
        if (committed >= cfg.maxCommitsPerCycle) skip("cycle-cap");
        else if (!(p.meanGain > cfg.minGain)) skip("no-gain");
        else if ((perUnit.get(unit) ?? 0) >= cfg.maxCommitsPerUnit) skip("unit-cap");
        else if (taken.some((t) => sharedKeys(t.keys, region.keys) > 0)) skip("overlap");
        else {
          const counters = layer.counters(cfg.epsilon);
          if (counters.cStruct + region.keys.length > layer.budget.structCap || counters.cActive + p.activeCount > layer.budget.activeCap) {
            skip("budget");
            continue;
          }
          model.commitCells(layer.id, region.keys, p.delta);
          taken.push(region);
          perUnit.set(unit, (perUnit.get(unit) ?? 0) + 1);
          committed += 1;
          emit({ ...base, type: "stencil-commit", unit, shape, index, keys: Array.from(region.keys), meanGain: p.meanGain, winRate: p.winRate, cStructAfter: layer.nnz });
        }
      }
    } finally {
      layer.clearWarm();
      for (const b of [...stepBatches, ...evalBatches]) disposeBatch(b);
    }
    return committed;
  }
}

/** Per unit, the RMS over m batches of the toggle-mask gradient on its Hot cells (0 for an empty stencil). */
function unitGradientRms(layer: StencilLayer, perBatch: readonly Float32Array[]): Float64Array {
  const S = layer.shape[1];
  const sums = new Float64Array(layer.shape[0]);
  const counts = new Float64Array(layer.shape[0]);
  for (const key of layer.hotKeys()) {
    const u = Math.floor(key / S);
    for (const g of perBatch) sums[u] = (sums[u] as number) + (g[key] as number) ** 2;
    counts[u] = (counts[u] as number) + perBatch.length;
  }
  return sums.map((s, u) => ((counts[u] as number) > 0 ? Math.sqrt(s / (counts[u] as number)) : 0));
}

/** Held-out relative loss increase when `keys` are zeroed (the LOO check before cooling). */
function relativeIncreaseWithout(model: PlannerModel, layer: StencilLayer, keys: Int32Array, batches: readonly Batch[]): number {
  const hot = layer.hotKeys();
  const values = layer.hotValues();
  for (const key of keys) values[binarySearch(hot, key)] = 0;
  let before = 0;
  let after = 0;
  for (const b of batches) {
    before += scalarOf(model.loss(b));
    after += withOverride(model, layer, values, b);
  }
  return (after - before) / Math.max(before, Number.MIN_VALUE);
}

function withOverride(model: PlannerModel, layer: StencilLayer, values: Float32Array, batch: Batch): number {
  const tensor = tf.tensor1d(values);
  try {
    return scalarOf(model.loss(batch, { hotValues: new Map([[layer.id, tensor]]) }));
  } finally {
    tensor.dispose();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
