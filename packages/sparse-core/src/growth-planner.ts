/**
 * The growth planner: one cycle per call, per object (seed 002 Progress Update L1248-1253, Save State
 * L1334-1341; SEED-INVENTORY §3.5-§3.8):
 * 1. enforce budgets (prune only when over: zero by Taylor for `C_active`, remove for `C_struct` and
 *    per-depth caps);
 * 2. shortlist: toggle-mask gradients on m fresh batches → frontier regions → SNR → NMS;
 * 3. probe: shadow-Δ micro-rollouts (K tiny steps, Frozen by default) → mean ΔLoss on fresh batches;
 * 4. commit ≤ 2 regions by mean ΔLoss (ties: win-rate, then variance), warm-started from Δ; at the cap a
 *    region may displace the weakest Hot cells only when its gain exceeds their Taylor scores;
 * 5. help a struggling object (stall or large help_ratio) with ≤ 1 consistent helper commit;
 * 6. optional LOO calibration of the Taylor score; optional Relaxed probes switched on by the measured gap
 *    between predicted and realised gains.
 * With `unitRegions` (ADR 0308), step 2 also proposes two-layer regions that revive dead hidden units
 * between an object and the next one; they are probed, ranked and committed with the object's own
 * candidates, and a commit counts for both objects.
 * The cycle is generic over {@link GrowthObject}s and {@link Region}s through {@link PlannerModel}.
 */
import { parseConfig, type Rng } from "@tam/tensor-backend";
import { z } from "zod";

import {
  ACTIVE_EPSILON,
  BLOCK_SIDE,
  EVAL_BATCHES,
  HELP_RATIO_THRESHOLD,
  LOO_SUBSET,
  MAX_COMMITS_PER_OBJECT,
  MAX_HELPER_COMMITS,
  NMS_MAX_IOU,
  PROBE_LEARNING_RATE,
  RELAXED_GAP_FRACTION,
  RELAXED_GAP_WINDOW,
  RELAXED_TRUST_WEIGHT,
  ROLLOUT_STEPS,
  SHORTLIST_SIZE,
  SLICE_MAX_CELLS,
  SNR_BATCHES,
  STALL_TOLERANCE,
  STALL_WINDOW,
  UNIT_CANDIDATES,
  UNIT_DIRECTIONS,
} from "./constants.js";
import { rankByEvidence } from "./decision.js";
import { nonMaximumSuppression } from "./diversity.js";
import { budgetRegionCells, generateFrontier, regionGradients, type FrontierGradients, type FrontierOptions } from "./frontier.js";
import type { GrowthObject } from "./growth-object.js";
import { helpRatio, isStalled } from "./help-signals.js";
import { calibrateTaylor } from "./loo-calibration.js";
import { scalarOf, takeBatches, withBatches } from "./batch-draws.js";
import { disposeBatch, type Batch } from "./loss.js";
import { microRollout, microRolloutShadows, type RolloutResult } from "./micro-rollout.js";
import type { PlannerEvent, RegionRecord, UnitRegionRecord } from "./planner-events.js";
import type { HiddenUnitStatistics } from "./hidden-unit-statistics.js";
import type { BatchSource, PlannerModel } from "./planner-model.js";
import { REGION_KINDS, sharedKeys, sortedUnique, type Region } from "./region.js";
import { regionSnr } from "./snr.js";
import { binarySearch } from "./warm-cells.js";
import { magnitudeRanking, pruneRanking } from "./taylor-prune.js";
import { activationOf, generateUnitRegions, unitRegionCells, type UnitRegion } from "./unit-region.js";

const budgetSchema = z.object({ structCap: z.number().int().min(0), activeCap: z.number().int().min(0) }).strict();

/** The planner's configuration (zod; every field has a default). */
export const plannerConfigSchema = z
  .object({
    /** m: SNR batches (seed L1251). */
    snrBatches: z.number().int().min(2).default(SNR_BATCHES),
    /** K: micro-rollout tiny steps (seed L1251). */
    rolloutSteps: z.number().int().min(1).max(3).default(ROLLOUT_STEPS),
    /** Fresh evaluation batches per cycle (ADR 0302). */
    evalBatches: z.number().int().min(1).default(EVAL_BATCHES),
    /** Commits per object per cycle; the seed's hard rule caps it at 2 (L1607). */
    maxCommitsPerObject: z.number().int().min(0).max(MAX_COMMITS_PER_OBJECT).default(MAX_COMMITS_PER_OBJECT),
    /** Candidates probed per object per cycle (ADR 0301). */
    shortlistSize: z.number().int().min(1).default(SHORTLIST_SIZE),
    /** τ_snr: candidates below it are not shortlisted (seed L1651). */
    snrThreshold: z.number().min(0).default(0),
    /** A region is committed only when its mean ΔLoss exceeds this (D-14 sign: positive = better). */
    minGain: z.number().min(0).default(0),
    /** Means within the same bucket of this width tie (then win-rate, then variance). */
    tieTolerance: z.number().min(0).default(0),
    /** Tiny-step size of probes (ADR 0302). */
    probeLearningRate: z.number().positive().default(PROBE_LEARNING_RATE),
    /** ε of C_active, a_R and the Taylor exclusion (ADR 0302). */
    epsilon: z.number().min(0).default(ACTIVE_EPSILON),
    /** SNR preconditioning of Cold gradients (ADR 0301). */
    precondition: z.enum(["rms", "none"]).default("rms"),
    /** Frontier options (ADR 0301). */
    frontier: z
      .object({
        kinds: z.array(z.enum(REGION_KINDS)).min(1).default([...REGION_KINDS]),
        gradientSeeds: z.number().int().min(0).optional(),
        randomSeeds: z.number().int().min(0).optional(),
        sliceMaxCells: z.number().int().min(1).optional(),
        keepFraction: z.number().min(0).max(1).optional(),
        blockSide: z.number().int().min(1).optional(),
        /**
         * Size slices and blocks to the object's budget: at most `round(capFraction × structCap)` cells (at
         * least 1, at most `sliceMaxCells` / `blockSide²`), so a fixed-size region cannot churn a small budget
         * (ADR 0309); unset = the fixed sizes.
         */
        capFraction: z.number().positive().max(1).optional(),
      })
      .strict()
      .default({ kinds: [...REGION_KINDS] }),
    /** NMS IoU above which a candidate is cooled (ADR 0301). */
    nmsMaxIou: z.number().min(0).max(1).default(NMS_MAX_IOU),
    /** Caps on the sum over objects at one depth, keyed by depth (seed L1272, L1349). */
    depthBudgets: z.record(z.string().regex(/^\d+$/), budgetSchema).default({}),
    /** At the struct cap, let a region displace the weakest Hot cells when μ_R beats their Taylor sum. */
    allowDisplacement: z.boolean().default(true),
    /** Which Hot cells a displacement removes first (after unlit ones): lowest Taylor score or lowest |w| (ADR 0306). */
    displacementRanking: z.enum(["taylor", "magnitude"]).default("taylor"),
    /**
     * At the cap, displace idle Hot cells (toggle-mask gradient exactly 0 on all m SNR batches: no signal
     * reaches them, e.g. the fan-in of a unit with no fan-out) right after the unlit ones (ADR 0307).
     */
    displaceIdleFirst: z.boolean().default(false),
    /**
     * Two-layer unit regions (ADR 0308): revive dead hidden units between an object and the next one (fan-in
     * and fan-out chosen together, GradMax-style). Off by default; needs a model with `hiddenUnitStatistics`.
     */
    unitRegions: z
      .object({
        enabled: z.boolean().default(false),
        /** Unit regions probed per lower object per cycle. */
        candidates: z.number().int().min(1).default(UNIT_CANDIDATES),
        /** Top singular directions of `E[x δᵀ]` tried (each with both signs). */
        directions: z.number().int().min(1).default(UNIT_DIRECTIONS),
        /** Fan-in cells (lower object) per unit region. */
        fanIn: z.number().int().min(1).default(SLICE_MAX_CELLS),
        /** Fan-out cells (upper object) per unit region. */
        fanOut: z.number().int().min(1).default(SLICE_MAX_CELLS),
        /**
         * Size each side to its object's budget: `capShare` × the object's struct cap / the hidden units,
         * rounded, between 1 and `fanIn` (`fanOut`) (`unitRegionCells`); unset = always `fanIn` / `fanOut`.
         */
        capShare: z.number().positive().finite().optional(),
      })
      .strict()
      .default({ enabled: false, candidates: UNIT_CANDIDATES, directions: UNIT_DIRECTIONS, fanIn: SLICE_MAX_CELLS, fanOut: SLICE_MAX_CELLS }),
    /** Relaxed probe regime (seed L1163): allowed by the flag, switched on only by the measured gap. */
    relaxed: z
      .object({
        enabled: z.boolean().default(false),
        trustWeight: z.number().min(0).default(RELAXED_TRUST_WEIGHT),
        gapFraction: z.number().min(0).default(RELAXED_GAP_FRACTION),
        window: z.number().int().min(1).default(RELAXED_GAP_WINDOW),
      })
      .strict()
      .default({ enabled: false, trustWeight: RELAXED_TRUST_WEIGHT, gapFraction: RELAXED_GAP_FRACTION, window: RELAXED_GAP_WINDOW }),
    /** Helping struggling objects (seed L1306-1310). */
    help: z
      .object({
        enabled: z.boolean().default(true),
        ratioThreshold: z.number().positive().default(HELP_RATIO_THRESHOLD),
        stallWindow: z.number().int().min(1).default(STALL_WINDOW),
        stallTolerance: z.number().min(0).default(STALL_TOLERANCE),
      })
      .strict()
      .default({ enabled: true, ratioThreshold: HELP_RATIO_THRESHOLD, stallWindow: STALL_WINDOW, stallTolerance: STALL_TOLERANCE }),
    /** Run the LOO calibration of the Taylor score every this many cycles (0 = never). */
    looEveryCycles: z.number().int().min(0).default(0),
    /** Hot cells in the LOO subset (ADR 0302). */
    looSubset: z.number().int().min(2).default(LOO_SUBSET),
  })
  .strict();

/** Planner configuration as accepted (fields optional). */
export type PlannerConfigInput = z.input<typeof plannerConfigSchema>;
/** Planner configuration with defaults filled in. */
export type PlannerConfig = z.output<typeof plannerConfigSchema>;

/** What one cycle did. */
export interface CycleReport {
  readonly cycle: number;
  readonly events: readonly PlannerEvent[];
  /** Regions committed per object this cycle. */
  readonly commits: Readonly<Record<string, number>>;
  /** Whether the Relaxed regime is on after this cycle. */
  readonly relaxedActive: boolean;
}

interface ProbedCandidate extends RolloutResult {
  readonly region: Region;
  readonly snr: number;
  readonly size: number;
}

/** A probed two-layer unit region (ADR 0308). */
interface ProbedUnit {
  readonly unit: UnitRegion;
  readonly fanInDelta: Float32Array;
  readonly fanOutDelta: Float32Array;
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  readonly size: number;
  readonly activeCount: number;
}

/** Keys committed to each object so far in a cycle (a unit region commits into two objects). */
type TakenKeys = Map<string, Int32Array[]>;

/** Where a commit's cells come from when the object is at its cap. */
interface Room {
  readonly displaced: { readonly keys: Int32Array; readonly scores: number[] } | undefined;
  readonly cost: number;
}

/**
 * The planner. Keeps per-object loss histories (stall flag), predicted/realised gains (Relaxed trigger)
 * and a cycle counter; everything else lives in the model.
 *
 * @example
 * ```ts
 * const planner = new GrowthPlanner({ maxCommitsPerObject: 2 });
 * for (let step = 1; step <= 1000; step += 1) {
 *   stack.trainStep(source.next("train")).dispose();
 *   if (step % 50 === 0) planner.runCycle(stack, source, rng.fork(`cycle${step}`));
 * }
 * ```
 */
export class GrowthPlanner {
  readonly config: PlannerConfig;
  private cycleCount = 0;
  private relaxedOn = false;
  private readonly lossHistory = new Map<string, number[]>();
  private readonly gaps: { predicted: number; realised: number }[] = [];
  private readonly listener: ((event: PlannerEvent) => void) | undefined;
  private readonly budgetPeers: () => readonly GrowthObject[];

  /**
   * @param options - `onEvent`; `budgetPeers`: objects outside the model whose Hot cells count in the
   *   per-depth budgets too (e.g. Distribution Heads, ADR 0324).
   * @throws Error naming the config field when it is invalid.
   */
  constructor(config: PlannerConfigInput = {}, options: { readonly onEvent?: (event: PlannerEvent) => void; readonly budgetPeers?: () => readonly GrowthObject[] } = {}) {
    this.config = parseConfig(plannerConfigSchema, config, "GrowthPlanner");
    this.listener = options.onEvent;
    this.budgetPeers = options.budgetPeers ?? (() => []);
  }

  /** Cycles run so far. */
  get cycles(): number {
    return this.cycleCount;
  }

  /** Whether probes currently run in the Relaxed regime. */
  get relaxedActive(): boolean {
    return this.relaxedOn;
  }

  /** Predicted vs realised gains of commits measured so far (when Relaxed is enabled). */
  get gainGaps(): readonly { readonly predicted: number; readonly realised: number }[] {
    return this.gaps;
  }

  /**
   * Run one planner cycle over every object of the model. Batches from `source` are disposed here.
   *
   * @param rng - randomness for exploration seeds; fork it per cycle for reproducibility.
   */
  runCycle(model: PlannerModel, source: BatchSource, rng: Rng): CycleReport {
    const cycle = this.cycleCount;
    const events: PlannerEvent[] = [];
    const emit = (event: PlannerEvent): void => {
      events.push(event);
      this.listener?.(event);
    };
    const commits: Record<string, number> = {};
    const taken: TakenKeys = new Map();
    for (const object of model.objects) {
      commits[object.id] ??= 0;
      this.cycleObject(model, object, source, rng.fork(object.id), cycle, emit, commits, taken);
    }
    this.cycleCount += 1;
    return { cycle, events, commits, relaxedActive: this.relaxedOn };
  }

  /**
   * Prune only when over budget (seed L1662, L1253): zero the weakest lit cells (Taylor) while
   * `C_active` exceeds the object's `activeCap` or what its depth's `activeCap` leaves it, then remove
   * cells (unlit first, then Taylor) while `C_struct` exceeds the object's cap or its depth's cap.
   */
  enforceBudget(model: PlannerModel, object: GrowthObject, cycle: number, emit: (event: PlannerEvent) => void): void {
    const eps = this.config.epsilon;
    const base = { cycle, objectId: object.id, depth: object.depth };
    const depthBudget = this.config.depthBudgets[String(object.depth)];
    const others = depthBudget === undefined ? [] : this.atDepth(model, object.depth).filter((o) => o !== object).map((o) => o.counters(eps));
    /** The object's cap, or what the depth's cap leaves after the other objects at that depth. */
    const capOf = (own: number, depthCap: number | undefined, othersUse: number): number =>
      Math.min(own, depthCap === undefined ? Number.POSITIVE_INFINITY : Math.max(0, depthCap - othersUse));
    let counters = object.counters(eps);
    const activeCap = capOf(object.budget.activeCap, depthBudget?.activeCap, others.reduce((s, c) => s + c.cActive, 0));
    if (counters.cActive > activeCap) {
      const ranking = pruneRanking(object.hotValues(), model.secondMoment(object.id), object.hotKeys(), eps);
      const victims = ranking.slice(0, counters.cActive - activeCap);
      model.zeroCells(object.id, Int32Array.from(victims, (v) => v.key));
      counters = object.counters(eps);
      const reason = activeCap < object.budget.activeCap ? "depth-active-cap" : "active-cap";
      emit({ ...base, type: "prune", action: "zero", reason, keys: victims.map((v) => v.key), taylorScores: victims.map((v) => v.score), ...after(counters) });
    }
    const cap = capOf(object.budget.structCap, depthBudget?.structCap, others.reduce((s, c) => s + c.cStruct, 0));
    if (counters.cStruct > cap) {
      const excess = counters.cStruct - cap;
      const { keys, scores } = this.weakest(model, object, excess, new Int32Array(0));
      model.removeCells(object.id, keys);
      counters = object.counters(eps);
      emit({ ...base, type: "prune", action: "remove", reason: cap < object.budget.structCap ? "depth-cap" : "struct-cap", keys: Array.from(keys), taylorScores: scores, ...after(counters) });
    }
  }

  private cycleObject(
    model: PlannerModel,
    object: GrowthObject,
    source: BatchSource,
    rng: Rng,
    cycle: number,
    emit: (event: PlannerEvent) => void,
    commits: Record<string, number>,
    takenKeys: TakenKeys,
  ): void {
    const cfg = this.config;
    const base = { cycle, objectId: object.id, depth: object.depth };
    this.enforceBudget(model, object, cycle, emit);
    const countOf = (id: string): number => commits[id] ?? 0;
    const count = (id: string): void => {
      commits[id] = countOf(id) + 1;
    };
    const takenOf = (id: string): Int32Array[] => {
      const list = takenKeys.get(id) ?? [];
      takenKeys.set(id, list);
      return list;
    };
    const taken = takenOf(object.id);

    // Shortlist: toggle-mask gradients on m fresh batches (and, for unit regions, the hidden units' statistics).
    const wantUnits = cfg.unitRegions.enabled && model.hiddenUnitStatistics !== undefined;
    const { perBatch, unitStats } = withBatches(source, "snr", cfg.snrBatches, (batches) => ({
      perBatch: batches.map((b) => model.toggleMaskGradient(b, object.id)),
      unitStats: wantUnits ? batches.map((b) => model.hiddenUnitStatistics?.(b, object.id)) : [],
    }));
    const gradients: FrontierGradients = { shape: object.shape, perBatch };
    const hotKeys = object.hotKeys();
    const idleKeys = cfg.displaceIdleFirst ? hotKeys.filter((key) => perBatch.every((g) => g[key] === 0)) : new Int32Array(0);
    const regions = generateFrontier(object.id, gradients, hotKeys, rng.fork("frontier"), {
      kinds: cfg.frontier.kinds,
      ...optional("gradientSeeds", cfg.frontier.gradientSeeds),
      ...optional("randomSeeds", cfg.frontier.randomSeeds),
      ...frontierSizes(cfg.frontier, object.budget.structCap),
      ...optional("keepFraction", cfg.frontier.keepFraction),
    });
    const scored = regions.map((region) => ({ region, score: regionSnr(regionGradients(region, gradients, cfg.precondition)).snr }));
    const shortlist = nonMaximumSuppression(
      scored.filter((c) => c.score >= cfg.snrThreshold),
      { limit: cfg.shortlistSize, maxIou: cfg.nmsMaxIou },
    );
    const units = this.unitCandidates(model, object, unitStats, rng.fork("units"));
    const upper = units[0] === undefined ? undefined : model.objects.find((o) => o.id === units[0]?.upperId);
    const coldCells = sortedUnique(Int32Array.from(regions.flatMap((r) => Array.from(r.keys))));
    const ratio = helpRatio(meanAt(perBatch, coldCells), meanAt(perBatch, hotKeys));
    emit({
      ...base,
      type: "shortlist",
      candidates: regions.length + units.length,
      shortlisted: [...shortlist.map((c) => ({ region: record(c.region), snr: c.score })), ...units.map((u) => ({ region: unitRecord(u, "fan-in"), snr: u.snr }))],
      helpRatio: ratio,
    });
    if ((shortlist.length === 0 && units.length === 0) || cfg.maxCommitsPerObject === 0) return;

    // Probe: shadow-Δ micro-rollouts on shared fresh batches (paired comparison).
    const stepBatches = takeBatches(source, "rollout", cfg.rolloutSteps);
    const evalBatches = takeBatches(source, "eval", cfg.evalBatches);
    try {
      const baseEvalLosses = evalBatches.map((b) => scalarOf(model.loss(b)));
      this.recordLoss(object.id, baseEvalLosses);
      for (const c of shortlist) object.markWarm(c.region.keys);
      for (const u of units) {
        object.markWarm(u.fanIn);
        upper?.markWarm(u.fanOut);
      }
      const snapshot = object.hotValues();
      const upperSnapshot = upper?.hotValues();
      const untouched = (): boolean => bitIdentical(snapshot, object.hotValues()) && (upper === undefined || bitIdentical(upperSnapshot ?? new Float32Array(0), upper.hotValues()));
      const regime = this.relaxedOn ? "relaxed" : "frozen";
      const rolloutOptions = {
        stepBatches,
        evalBatches,
        baseEvalLosses,
        learningRate: cfg.probeLearningRate,
        epsilon: cfg.epsilon,
        ...(this.relaxedOn ? { relaxedTrustWeight: cfg.relaxed.trustWeight } : {}),
      };
      const probed: ProbedCandidate[] = shortlist.map((c) => {
        const result = microRollout(model, c.region, rolloutOptions);
        emit({ ...base, type: "probe", region: record(c.region), regime, snr: c.score, meanGain: result.meanGain, stdGain: result.stdGain, winRate: result.winRate, activeCount: result.activeCount, baseUntouched: untouched() });
        return { ...result, region: c.region, snr: c.score, size: c.region.keys.length };
      });
      const probedUnits: ProbedUnit[] = units.map((unit) => {
        const { deltas, ...result } = microRolloutShadows(
          model,
          [
            { objectId: unit.lowerId, keys: unit.fanIn, init: unit.fanInInit },
            { objectId: unit.upperId, keys: unit.fanOut },
          ],
          rolloutOptions,
        );
        emit({ ...base, type: "probe", region: unitRecord(unit, "fan-in"), regime, snr: unit.snr, meanGain: result.meanGain, stdGain: result.stdGain, winRate: result.winRate, activeCount: result.activeCount, baseUntouched: untouched() });
        return { ...result, unit, fanInDelta: deltas[0] as Float32Array, fanOutDelta: deltas[1] as Float32Array, size: unit.fanIn.length + unit.fanOut.length };
      });

      // Decide and commit: single-object and unit regions ranked together by mean ΔLoss.
      const ranked = rankByEvidence<ProbedCandidate | ProbedUnit>([...probed, ...probedUnits], { tieTolerance: cfg.tieTolerance });
      for (const candidate of ranked) {
        const unit = "unit" in candidate ? candidate : undefined;
        const skip = (reason: "no-gain" | "overlap" | "budget" | "cap"): void => {
          emit({ ...base, type: "skip", region: unit === undefined ? record((candidate as ProbedCandidate).region) : unitRecord(unit.unit, "fan-in"), reason, meanGain: candidate.meanGain });
        };
        if (countOf(object.id) >= cfg.maxCommitsPerObject || (unit !== undefined && countOf(unit.unit.upperId) >= cfg.maxCommitsPerObject)) {
          skip("cap");
          continue;
        }
        if (!(candidate.meanGain > cfg.minGain)) {
          skip("no-gain");
          continue;
        }
        const lowerKeys = unit === undefined ? (candidate as ProbedCandidate).region.keys : unit.unit.fanIn;
        const overlaps = taken.some((t) => sharedKeys(t, lowerKeys) > 0) || (unit !== undefined && takenOf(unit.unit.upperId).some((t) => sharedKeys(t, unit.unit.fanOut) > 0));
        if (overlaps) {
          skip("overlap");
          continue;
        }
        const ok =
          unit === undefined
            ? this.commitWithRoom(model, object, candidate as ProbedCandidate, taken, cycle, emit, stepBatches, evalBatches, baseEvalLosses, false, idleKeys)
            : upper !== undefined && this.commitUnit(model, object, upper, unit, taken, takenOf(upper.id), cycle, emit, idleKeys, unitStats);
        if (!ok) {
          skip("budget");
          continue;
        }
        taken.push(lowerKeys);
        count(object.id);
        if (unit !== undefined) {
          takenOf(unit.unit.upperId).push(unit.unit.fanOut);
          count(unit.unit.upperId);
        }
      }

      // Help a struggling object: ≤ 1 helper, top-SNR probed candidate with a consistent gain.
      if (cfg.help.enabled) {
        const history = this.lossHistory.get(object.id) ?? [];
        const stalled = isStalled(history, { window: cfg.help.stallWindow, tolerance: cfg.help.stallTolerance });
        const flagged = stalled || ratio > cfg.help.ratioThreshold;
        let helped = false;
        if (flagged && countOf(object.id) < cfg.maxCommitsPerObject) {
          const helper = [...probed]
            .sort((a, b) => b.snr - a.snr)
            .slice(0, MAX_HELPER_COMMITS)
            .find((c) => c.winRate === 1 && c.meanGain > 0 && !taken.some((t) => sharedKeys(t, c.region.keys) > 0));
          if (helper !== undefined && this.commitWithRoom(model, object, helper, taken, cycle, emit, stepBatches, evalBatches, baseEvalLosses, true, idleKeys)) {
            taken.push(helper.region.keys);
            count(object.id);
            helped = true;
          }
        }
        if (flagged) emit({ ...base, type: "help", helpRatio: ratio, stalled, committed: helped });
      }
    } finally {
      object.clearWarm();
      upper?.clearWarm();
      for (const b of [...stepBatches, ...evalBatches]) disposeBatch(b);
    }

    if (cfg.looEveryCycles > 0 && (cycle + 1) % cfg.looEveryCycles === 0 && object.hotKeys().length >= 2) {
      const cal = withBatches(source, "loo", cfg.snrBatches, (batches) => calibrateTaylor(model, object.id, batches, cfg.looSubset, cfg.epsilon));
      emit({ ...base, type: "calibration", cells: cal.keys.length, spearman: cal.spearman });
    }
  }

  /** This cycle's two-layer unit regions between `object` and the object above it (ADR 0308); [] when off or none. */
  private unitCandidates(model: PlannerModel, object: GrowthObject, stats: readonly (HiddenUnitStatistics | undefined)[], rng: Rng): UnitRegion[] {
    const first = stats[0];
    if (first === undefined || stats.some((s) => s === undefined)) return [];
    const upper = model.objects.find((o) => o.id === first.upperId);
    if (upper === undefined) return [];
    const u = this.config.unitRegions;
    return generateUnitRegions(
      stats as HiddenUnitStatistics[],
      { lowerId: object.id, lowerShape: object.shape, lowerHotKeys: object.hotKeys(), upperShape: upper.shape, upperHotKeys: upper.hotKeys() },
      rng,
      {
        candidates: u.candidates,
        directions: u.directions,
        fanIn: unitRegionCells(u.fanIn, object.budget.structCap, object.shape[1], u.capShare),
        fanOut: unitRegionCells(u.fanOut, upper.budget.structCap, upper.shape[0], u.capShare),
      },
    );
  }

  /**
   * Room for `size` new cells in an object: its free budget (own cap and depth cap), else displaced cells
   * (unlit, then idle, then by the configured ranking; never `taken`), charged their scores. Undefined
   * when there is no room.
   */
  private makeRoom(model: PlannerModel, object: GrowthObject, size: number, taken: readonly Int32Array[], idleKeys: Int32Array): Room | undefined {
    const cfg = this.config;
    const eps = cfg.epsilon;
    const depthCap = cfg.depthBudgets[String(object.depth)]?.structCap;
    const depthUsed = this.atDepth(model, object.depth).reduce((s, o) => s + o.counters(eps).cStruct, 0);
    const cStruct = object.counters(eps).cStruct;
    const room = Math.min(object.budget.structCap - cStruct, depthCap === undefined ? Number.POSITIVE_INFINITY : depthCap - depthUsed);
    if (size <= room) return { displaced: undefined, cost: 0 };
    const needed = size - Math.max(0, room);
    if (!cfg.allowDisplacement || size > object.budget.structCap) return undefined;
    const protectedKeys = sortedUnique(Int32Array.from(taken.flatMap((t) => Array.from(t))));
    const displaced = this.weakest(model, object, needed, protectedKeys, cfg.displacementRanking, idleKeys);
    if (displaced.keys.length < needed) return undefined;
    return { displaced, cost: displaced.scores.reduce((a, b) => a + b, 0) };
  }

  /** Remove a room's displaced cells (if any) and emit their prune event. */
  private clearRoom(model: PlannerModel, object: GrowthObject, room: Room, cycle: number, emit: (event: PlannerEvent) => void): void {
    if (room.displaced === undefined) return;
    model.removeCells(object.id, room.displaced.keys);
    emit({ cycle, objectId: object.id, depth: object.depth, type: "prune", action: "remove", reason: "displaced", keys: Array.from(room.displaced.keys), taylorScores: room.displaced.scores, ...after(object.counters(this.config.epsilon)) });
  }

  /** Commit a candidate if the budget allows (displacing weaker cells when permitted); emits events. */
  private commitWithRoom(
    model: PlannerModel,
    object: GrowthObject,
    candidate: ProbedCandidate,
    taken: readonly Int32Array[],
    cycle: number,
    emit: (event: PlannerEvent) => void,
    stepBatches: readonly Batch[],
    evalBatches: readonly Batch[],
    baseEvalLosses: readonly number[],
    helper: boolean,
    idleKeys: Int32Array,
  ): boolean {
    const cfg = this.config;
    const base = { cycle, objectId: object.id, depth: object.depth };
    const eps = cfg.epsilon;
    const room = this.makeRoom(model, object, candidate.region.keys.length, taken, idleKeys);
    if (room === undefined || (room.displaced !== undefined && !(candidate.meanGain > room.cost))) return false;
    this.clearRoom(model, object, room, cycle, emit);
    model.commitCells(object.id, candidate.region.keys, candidate.delta);
    let realised: number | null = null;
    if (cfg.relaxed.enabled) {
      // Gain once the Hot set co-adapts (no trust region), against the same pre-commit losses.
      realised = microRollout(model, candidate.region, { stepBatches, evalBatches, baseEvalLosses, learningRate: cfg.probeLearningRate, relaxedTrustWeight: 0 }).meanGain;
      this.recordGap(candidate.meanGain, realised, base, emit);
    }
    emit({
      ...base,
      type: "commit",
      region: record(candidate.region),
      meanGain: candidate.meanGain,
      winRate: candidate.winRate,
      stdGain: candidate.stdGain,
      helper,
      predictedGain: candidate.meanGain,
      realisedGain: realised,
      cStructAfter: object.counters(eps).cStruct,
    });
    return true;
  }

  /**
   * Commit a unit region into both objects if both budgets allow (ADR 0308): each side gets room in its own
   * object (own and depth caps, displacement as for any region; the upper object's idle cells are those the
   * statistics show no gradient reaching), and the gain must beat the summed displacement cost. Both sides
   * are warm-started from the probe's Δs; one commit event per object.
   */
  private commitUnit(
    model: PlannerModel,
    lower: GrowthObject,
    upper: GrowthObject,
    candidate: ProbedUnit,
    takenLower: readonly Int32Array[],
    takenUpper: readonly Int32Array[],
    cycle: number,
    emit: (event: PlannerEvent) => void,
    idleLower: Int32Array,
    stats: readonly (HiddenUnitStatistics | undefined)[],
  ): boolean {
    const { unit } = candidate;
    const idleUpper = this.config.displaceIdleFirst ? idleUpperKeys(upper, stats) : new Int32Array(0);
    const lowerRoom = this.makeRoom(model, lower, unit.fanIn.length, takenLower, idleLower);
    const upperRoom = this.makeRoom(model, upper, unit.fanOut.length, takenUpper, idleUpper);
    if (lowerRoom === undefined || upperRoom === undefined) return false;
    const displacing = lowerRoom.displaced !== undefined || upperRoom.displaced !== undefined;
    if (displacing && !(candidate.meanGain > lowerRoom.cost + upperRoom.cost)) return false;
    this.clearRoom(model, lower, lowerRoom, cycle, emit);
    this.clearRoom(model, upper, upperRoom, cycle, emit);
    model.commitCells(lower.id, unit.fanIn, candidate.fanInDelta);
    model.commitCells(upper.id, unit.fanOut, candidate.fanOutDelta);
    for (const [object, side] of [
      [lower, "fan-in"],
      [upper, "fan-out"],
    ] as const) {
      emit({
        cycle,
        objectId: object.id,
        depth: object.depth,
        type: "commit",
        region: unitRecord(unit, side),
        meanGain: candidate.meanGain,
        winRate: candidate.winRate,
        stdGain: candidate.stdGain,
        helper: false,
        predictedGain: candidate.meanGain,
        realisedGain: null,
        cStructAfter: object.counters(this.config.epsilon).cStruct,
      });
    }
    return true;
  }

  private recordGap(predicted: number, realised: number, base: { cycle: number; objectId: string; depth: number }, emit: (event: PlannerEvent) => void): void {
    this.gaps.push({ predicted, realised });
    const window = this.gaps.slice(-this.config.relaxed.window);
    if (this.relaxedOn || window.length < this.config.relaxed.window) return;
    const meanPredicted = window.reduce((s, g) => s + g.predicted, 0) / window.length;
    const meanRealised = window.reduce((s, g) => s + g.realised, 0) / window.length;
    if (meanRealised - meanPredicted > this.config.relaxed.gapFraction * Math.abs(meanPredicted)) {
      this.relaxedOn = true;
      emit({ ...base, type: "relaxed-switch", meanPredicted, meanRealised });
    }
  }

  /**
   * The `count` weakest Hot cells: unlit first (by key), then `idleKeys` (sorted; by key), then ascending
   * Taylor (or |w|); never `protectedKeys`. Unlit and idle cells are charged a score of 0.
   */
  private weakest(model: PlannerModel, object: GrowthObject, count: number, protectedKeys: Int32Array, ranking: "taylor" | "magnitude" = "taylor", idleKeys: Int32Array = new Int32Array(0)): { keys: Int32Array; scores: number[] } {
    const keys = object.hotKeys();
    const values = object.hotValues();
    const eps = this.config.epsilon;
    const free = (key: number): boolean => binarySearch(protectedKeys, key) < 0;
    const unlit = Array.from(keys).filter((key, i) => Math.abs(values[i] as number) <= eps && free(key));
    const idle = (key: number): boolean => binarySearch(idleKeys, key) >= 0;
    const idleLit = Array.from(keys).filter((key, i) => Math.abs(values[i] as number) > eps && idle(key) && free(key));
    const lit = (ranking === "taylor" ? pruneRanking : magnitudeRanking)(values, model.secondMoment(object.id), keys, eps).filter((e) => free(e.key) && !idle(e.key));
    const chosen = [...[...unlit, ...idleLit].map((key) => ({ key, score: 0 })), ...lit].slice(0, count);
    const order = chosen.map((c) => c.key);
    return { keys: sortedUnique(Int32Array.from(order)), scores: chosen.map((c) => c.score) };
  }

  /** The objects whose Hot cells count in a depth's budget: the model's and the budget peers (ADR 0324). */
  private atDepth(model: PlannerModel, depth: number): GrowthObject[] {
    return [...model.objects, ...this.budgetPeers()].filter((o) => o.depth === depth);
  }

  private recordLoss(objectId: string, losses: readonly number[]): void {
    const history = this.lossHistory.get(objectId) ?? [];
    history.push(losses.reduce((a, b) => a + b, 0) / losses.length);
    this.lossHistory.set(objectId, history.slice(-64));
  }
}

function after(counters: { cStruct: number; cActive: number }): { cStructAfter: number; cActiveAfter: number } {
  return { cStructAfter: counters.cStruct, cActiveAfter: counters.cActive };
}

function record(region: Region): RegionRecord {
  return { kind: region.kind, keys: Array.from(region.keys) };
}

function unitRecord(unit: UnitRegion, side: "fan-in" | "fan-out"): UnitRegionRecord {
  const lower = { objectId: unit.lowerId, keys: Array.from(unit.fanIn) };
  const upper = { objectId: unit.upperId, keys: Array.from(unit.fanOut) };
  const [own, partner] = side === "fan-in" ? [lower, upper] : [upper, lower];
  return { kind: "unit", keys: own.keys, unit: unit.unit, side, partner };
}

/** Hot cells of the upper object whose gradient `Σ_b act(pre_bj) δ_bo` is exactly 0 on every SNR batch (ADR 0307's idle test). */
function idleUpperKeys(upper: GrowthObject, stats: readonly (HiddenUnitStatistics | undefined)[]): Int32Array {
  const [units, cols] = upper.shape;
  const perBatch = stats.flatMap((s) => {
    if (s === undefined) return [];
    const act = activationOf(s.activation);
    const g = new Float64Array(units * cols);
    for (let b = 0; b < s.batchSize; b += 1) {
      for (let j = 0; j < units; j += 1) {
        const h = act(s.preActivations[b * units + j] as number);
        if (h === 0) continue;
        for (let o = 0; o < cols; o += 1) g[j * cols + o] = (g[j * cols + o] as number) + h * (s.errors[b * cols + o] as number);
      }
    }
    return [g];
  });
  if (perBatch.length === 0) return new Int32Array(0);
  return upper.hotKeys().filter((key) => perBatch.every((g) => g[key] === 0));
}

/** The frontier's slice, block side and block-size options for one object (ADR 0301, ADR 0309). */
function frontierSizes(frontier: PlannerConfig["frontier"], structCap: number): Pick<FrontierOptions, "sliceMaxCells" | "blockSide" | "blockMaxCells"> {
  const sliceMax = frontier.sliceMaxCells ?? SLICE_MAX_CELLS;
  const side = frontier.blockSide ?? BLOCK_SIDE;
  if (frontier.capFraction === undefined) return { ...optional("sliceMaxCells", frontier.sliceMaxCells), ...optional("blockSide", frontier.blockSide) };
  return {
    sliceMaxCells: budgetRegionCells(sliceMax, structCap, frontier.capFraction),
    blockSide: side,
    blockMaxCells: budgetRegionCells(side * side, structCap, frontier.capFraction),
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function meanAt(perBatch: readonly Float32Array[], keys: Int32Array): Float32Array {
  return Float32Array.from(keys, (key) => perBatch.reduce((s, g) => s + (g[key] as number), 0) / perBatch.length);
}

function bitIdentical(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}
