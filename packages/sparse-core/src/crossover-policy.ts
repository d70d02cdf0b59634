/**
 * The dense crossover policy (seed 002 L1532-1554, v3 L1759-1783, [DEC] L1569, note L1836-1838;
 * SEED-INVENTORY §3.15, TB-8): per layer (or any object with two compute paths), switch between the sparse
 * kernel and a dense matMul when the other is cheaper on this device.
 *
 * Signals (L1538-1540): density, batch size and path count. The device cost model (α per path and batch
 * row, β per multiply-add of `m·k·n`, measured by {@link deviceCostModel}) decides; the seed's density
 * bands (< 0.05 sparse, 0.05..0.2 compare, > 0.2 dense) break ties, i.e. when the two predicted costs are
 * within `tieMargin` of each other (ADR 0303). A switch needs `confirmChecks` consecutive checks that
 * agree ("several consecutive checks", L1549) and is followed by `cooldownChecks` checks without a
 * switch ("keep a cooldown to avoid thrash", L1554). A third path, packed dense tiles (ADR 0331), competes when
 * the cost model predicts tile seconds and the target reports its `tileCells`: it is preferred when cheaper
 * than both others by more than `tieMargin`, and kept on a tie. Checks read no tensor; a switch reads the counters
 * before and after (L1554) and emits a typed `switch` event.
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";

import { ACTIVE_EPSILON } from "./constants.js";
import type { CostModel, CostQuery } from "./device-cost-model.js";
import type { ObjectCounters } from "./growth-object.js";
import type { DensityBand, SwitchEvent } from "./planner-events.js";
import type { ComputePath, LayerPath } from "./sparse-masked-linear.js";

/** Below this density the seed's rule stays sparse (seed L1544 "If density < 0.05 → stay sparse"). */
export const SEED_SPARSE_BELOW_DENSITY = 0.05;
/** Above this density the seed's rule prefers dense (seed L1545, L1550 "If density > 0.2 → prefer dense"). */
export const SEED_DENSE_ABOVE_DENSITY = 0.2;
/** Training steps between checks, the seed's "once per N steps" (L1545; N chosen in ADR 0303). */
export const CROSSOVER_CHECK_EVERY_STEPS = 50;
/** Consecutive agreeing checks before a switch, the seed's "several consecutive checks" (L1549; ADR 0303). */
export const CROSSOVER_CONFIRM_CHECKS = 3;
/** Checks after a switch during which no switch happens (L1554 cooldown; ADR 0303). */
export const CROSSOVER_COOLDOWN_CHECKS = 5;
/** Predicted costs within this relative gap are a tie, broken by the density bands (ADR 0303). */
export const CROSSOVER_TIE_MARGIN = 0.02;

/** Config of {@link CrossoverPolicy} (zod; every field defaulted). */
export const crossoverConfigSchema = z
  .object({
    sparseBelowDensity: z.number().min(0).max(1).default(SEED_SPARSE_BELOW_DENSITY),
    denseAboveDensity: z.number().min(0).max(1).default(SEED_DENSE_ABOVE_DENSITY),
    checkEverySteps: z.number().int().positive().default(CROSSOVER_CHECK_EVERY_STEPS),
    confirmChecks: z.number().int().positive().default(CROSSOVER_CONFIRM_CHECKS),
    cooldownChecks: z.number().int().min(0).default(CROSSOVER_COOLDOWN_CHECKS),
    tieMargin: z.number().min(0).finite().default(CROSSOVER_TIE_MARGIN),
    /** ε of the `C_active` counter read on a switch. */
    epsilon: z.number().min(0).finite().default(ACTIVE_EPSILON),
  })
  .refine((c) => c.sparseBelowDensity <= c.denseAboveDensity, { message: "sparseBelowDensity must be <= denseAboveDensity", path: ["sparseBelowDensity"] });

/** Parsed config. */
export type CrossoverConfig = z.output<typeof crossoverConfigSchema>;
/** Config as written (every field optional). */
export type CrossoverConfigInput = z.input<typeof crossoverConfigSchema>;

/** What the policy needs from a layer or block: its size, Hot count, compute path and counters. `SparseMaskedLinear` is one. */
export interface CrossoverTarget {
  readonly id: string;
  readonly depth: number;
  /** `[in, out]`. */
  readonly shape: readonly [number, number];
  /** Stored paths (Hot cells). */
  readonly nnz: number;
  /** Cells of its packed dense tiles (ADR 0331); a target without it never takes the tile path. */
  readonly tileCells?: number;
  /** `"mixed"` for a layer whose crossover blocks differ; a check that switches it unifies them. */
  readonly path: LayerPath;
  /** Change the compute path; true when it changed. */
  setPath(path: ComputePath): boolean;
  /** `C_struct`, `C_active` (|w| > ε) and `computeCells` of the target, read before and after a switch. */
  counters(epsilon: number): ObjectCounters;
}

/** The policy's view of one query: predicted costs, band and the path it prefers now (before hysteresis). */
export interface CrossoverPreference {
  readonly density: number;
  readonly band: DensityBand;
  readonly sparseSeconds: number;
  readonly denseSeconds: number;
  /** Predicted tile-path seconds, when the cost model and the query have them (ADR 0331). */
  readonly tileSeconds?: number;
  /** How the preference was reached: the cost model, or the band on a tie. */
  readonly decidedBy: "cost" | "band";
  readonly preferred: ComputePath;
}

/** The record of one check of one object. */
export interface CrossoverCheck extends CrossoverPreference {
  readonly objectId: string;
  /** The object's check number (0-based). */
  readonly check: number;
  readonly batchSize: number;
  readonly pathCount: number;
  /** Consecutive checks (this one included) preferring the same other path; 0 when the current path is preferred or in cooldown. */
  readonly agreeingChecks: number;
  /** Checks of cooldown left after this one. */
  readonly cooldownLeft: number;
  readonly switched: boolean;
  /** The compute path after the check. */
  readonly path: LayerPath;
}

/** Per-object state of the policy. */
export interface CrossoverState {
  readonly checks: number;
  readonly agreeingChecks: number;
  readonly cooldownLeft: number;
  readonly switches: number;
}

interface MutableState {
  checks: number;
  agreeing: number;
  /** The path the current streak prefers: with three paths a streak counts only checks preferring the same one. */
  candidate: ComputePath | undefined;
  cooldownLeft: number;
  switches: number;
}

/**
 * The dense crossover policy. Call {@link CrossoverPolicy.step} once per training step (it checks every
 * `checkEverySteps`), or {@link CrossoverPolicy.check} directly.
 *
 * @example
 * ```ts
 * const policy = new CrossoverPolicy(deviceCostModel(), {}, { onEvent: (e) => console.log(e.objectId, e.from, "->", e.to) });
 * for (let step = 0; step < 1000; step += 1) {
 *   net.trainStep(batch).dispose();
 *   policy.step(net.layers, batchSize);     // every 50 steps: check, switch after 3 agreeing checks
 * }
 * ```
 */
export class CrossoverPolicy {
  readonly config: CrossoverConfig;
  private readonly costModel: CostModel;
  private readonly listener: ((event: SwitchEvent) => void) | undefined;
  private readonly states = new Map<string, MutableState>();
  private stepCount = 0;

  /** @throws Error naming the field when the config is invalid. */
  constructor(costModel: CostModel, config: CrossoverConfigInput = {}, options: { readonly onEvent?: (event: SwitchEvent) => void } = {}) {
    this.config = parseConfig(crossoverConfigSchema, config, "CrossoverPolicy");
    this.costModel = costModel;
    this.listener = options.onEvent;
  }

  /** Training steps seen by {@link CrossoverPolicy.step}. */
  get steps(): number {
    return this.stepCount;
  }

  /**
   * The path the policy prefers for a query while on `current` (pure: no state, no switch). The cost
   * model decides; within `tieMargin` the band decides (sparse band → sparse, dense band → dense,
   * compare band → stay on `current`, or the cheaper predicted path when `current` is `"mixed"`). With no stored path the layer computes nothing: sparse.
   * With a predicted tile cost (ADR 0331) the tile path wins when it is cheaper than both others by more
   * than `tieMargin`, and stays when on it and within `tieMargin` of the cheaper other; otherwise the
   * two-path rule above decides (from the tile path, as from `"mixed"`, its tie goes to the cheaper path).
   *
   * @throws Error naming the field when the query is not a valid size.
   */
  preference(query: CostQuery, current: LayerPath): CrossoverPreference {
    const two = this.twoPathPreference(query, current);
    if (query.paths === 0 || query.tileCells === undefined || this.costModel.tileSeconds === undefined) return two;
    const tileSeconds = this.costModel.tileSeconds(query);
    if (tileSeconds === undefined) return two;
    if (!(Number.isFinite(tileSeconds) && tileSeconds > 0)) throw new Error(`Error in CrossoverPolicy.preference: the cost model must predict finite positive seconds, got tile ${tileSeconds}.`);
    const other = Math.min(two.sparseSeconds, two.denseSeconds);
    const gap = (other - tileSeconds) / Math.min(other, tileSeconds);
    if (gap > this.config.tieMargin) return { ...two, tileSeconds, decidedBy: "cost", preferred: "tile" };
    if (current === "tile" && gap >= -this.config.tieMargin) return { ...two, tileSeconds, decidedBy: "band", preferred: "tile" };
    return { ...two, tileSeconds };
  }

  /** The seed's two-path rule (sparse vs dense) of {@link CrossoverPolicy.preference}. */
  private twoPathPreference(query: CostQuery, current: LayerPath): CrossoverPreference {
    const sparseSeconds = this.costModel.sparseSeconds(query);
    const denseSeconds = this.costModel.denseSeconds(query);
    const density = query.paths / (query.inFeatures * query.outFeatures);
    const band: DensityBand = density < this.config.sparseBelowDensity ? "sparse" : density > this.config.denseAboveDensity ? "dense" : "compare";
    if (query.paths === 0) return { density, band, sparseSeconds, denseSeconds, decidedBy: "band", preferred: "sparse" };
    if (!(Number.isFinite(sparseSeconds) && Number.isFinite(denseSeconds) && sparseSeconds > 0 && denseSeconds > 0)) {
      throw new Error(`Error in CrossoverPolicy.preference: the cost model must predict finite positive seconds, got sparse ${sparseSeconds} and dense ${denseSeconds}.`);
    }
    const gap = (sparseSeconds - denseSeconds) / Math.min(sparseSeconds, denseSeconds);
    if (gap > this.config.tieMargin) return { density, band, sparseSeconds, denseSeconds, decidedBy: "cost", preferred: "dense" };
    if (gap < -this.config.tieMargin) return { density, band, sparseSeconds, denseSeconds, decidedBy: "cost", preferred: "sparse" };
    const stay: ComputePath = current === "mixed" || current === "tile" ? (sparseSeconds <= denseSeconds ? "sparse" : "dense") : current;
    const preferred: ComputePath = band === "sparse" ? "sparse" : band === "dense" ? "dense" : stay;
    return { density, band, sparseSeconds, denseSeconds, decidedBy: "band", preferred };
  }

  /**
   * One check of one object: hysteresis (switch after `confirmChecks` consecutive checks preferring the same
   * other path), then cooldown (`cooldownChecks` checks with no streak). On a switch, reads the counters
   * before and after and emits a `switch` event.
   *
   * @throws Error naming `batchSize` when it is not a positive integer.
   */
  check(target: CrossoverTarget, batchSize: number): CrossoverCheck {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`Error in CrossoverPolicy.check: batchSize must be a positive integer, got ${batchSize}.`);
    const state = this.stateOf(target.id);
    const current = target.path;
    const tileCells = target.tileCells;
    const query: CostQuery = { batch: batchSize, inFeatures: target.shape[0], outFeatures: target.shape[1], paths: target.nnz, ...(tileCells === undefined ? {} : { tileCells }) };
    const pref = this.preference(query, current);
    const check = state.checks;
    state.checks += 1;
    let switched = false;
    if (state.cooldownLeft > 0) {
      state.cooldownLeft -= 1;
      state.agreeing = 0;
    } else if (pref.preferred === current) {
      state.agreeing = 0;
    } else {
      state.agreeing = state.candidate === pref.preferred ? state.agreeing + 1 : 1;
      state.candidate = pref.preferred;
      if (state.agreeing >= this.config.confirmChecks) {
        const agreeingChecks = state.agreeing;
        const countersBefore = target.counters(this.config.epsilon);
        target.setPath(pref.preferred);
        const countersAfter = target.counters(this.config.epsilon);
        switched = true;
        state.switches += 1;
        state.agreeing = 0;
        state.cooldownLeft = this.config.cooldownChecks;
        this.listener?.({
          type: "switch",
          cycle: check,
          objectId: target.id,
          depth: target.depth,
          from: current,
          to: pref.preferred,
          density: pref.density,
          band: pref.band,
          batchSize,
          pathCount: query.paths,
          sparseSeconds: pref.sparseSeconds,
          denseSeconds: pref.denseSeconds,
          ...(pref.tileSeconds === undefined ? {} : { tileSeconds: pref.tileSeconds }),
          agreeingChecks,
          countersBefore,
          countersAfter,
        });
        return { ...pref, objectId: target.id, check, batchSize, pathCount: query.paths, agreeingChecks, cooldownLeft: state.cooldownLeft, switched, path: target.path };
      }
    }
    return { ...pref, objectId: target.id, check, batchSize, pathCount: query.paths, agreeingChecks: state.agreeing, cooldownLeft: state.cooldownLeft, switched, path: target.path };
  }

  /**
   * Count one training step; every `checkEverySteps` steps, check every target. Returns the checks made
   * (empty between checks).
   */
  step(targets: readonly CrossoverTarget[], batchSize: number): CrossoverCheck[] {
    this.stepCount += 1;
    if (this.stepCount % this.config.checkEverySteps !== 0) return [];
    return targets.map((t) => this.check(t, batchSize));
  }

  /** The policy's state for an object (zeros before its first check). */
  stateFor(objectId: string): CrossoverState {
    const s = this.states.get(objectId);
    return { checks: s?.checks ?? 0, agreeingChecks: s?.agreeing ?? 0, cooldownLeft: s?.cooldownLeft ?? 0, switches: s?.switches ?? 0 };
  }

  private stateOf(objectId: string): MutableState {
    let s = this.states.get(objectId);
    if (s === undefined) {
      s = { checks: 0, agreeing: 0, candidate: undefined, cooldownLeft: 0, switches: 0 };
      this.states.set(objectId, s);
    }
    return s;
  }
}
