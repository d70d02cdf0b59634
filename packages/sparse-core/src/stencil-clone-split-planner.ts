/**
 * The evidence cycle of stencil clone-and-halve (seed 002 L1560, L1314-1324; SEED-INVENTORY §3.9, §3.13;
 * ADR 0332), the same cycle as `CloneSplitPlanner` on a {@link StencilNet}:
 * 1. nominate: toggle-mask gradients of the stencil layer on m fresh batches; a unit is overloaded when the
 *    gradients over its `S` stencil cells disagree across batches (large refined variance `s²`);
 * 2. probe (Warm): split the most overloaded unit ({@link cloneStencilUnit}: same stencil and tie, readout
 *    halved, antithetic noise); the clone's cells count in `C_struct` at once and a split over `structCap` is
 *    refused; the caller trains the split net for a window of steps (the stencil planner may grow the twins'
 *    rings and arms apart meanwhile);
 * 3. decide: mean ΔLoss `= L(re-merged) − L(split)` on fresh batches; keep (Hot) when it beats both `minGain`
 *    and `minRelativeGain · L(re-merged)` with win-rate ≥ `minWinRate`, else re-merge (Cold) and reclaim the
 *    tokens. A re-merged unit is not nominated again for `retryAfter` trials.
 */
import { parseConfig, type Rng } from "@tam/tensor-backend";
import { z } from "zod";

import { cloneSplitTrialShape, maxAbsDifference, splitVerdict } from "./clone-split-planner.js";
import { disposeBatch, type Batch } from "./loss.js";
import type { BatchSource } from "./planner-model.js";
import { regionSnr } from "./snr.js";
import { cloneStencilUnit, remergeStencilUnit, STENCIL_CLONE_SHARE, type StencilCloneRecord } from "./stencil-clone-split.js";
import type { StencilEvent } from "./stencil-events.js";
import type { StencilNet } from "./stencil-net.js";

/**
 * Default gain a kept stencil split must reach, as a fraction of the re-merged net's loss (ADR 0332: one unit
 * of tens, so a tenth of `CLONE_SPLIT_MIN_RELATIVE_GAIN` (5 %) for a small stack).
 */
export const STENCIL_CLONE_MIN_RELATIVE_GAIN = 0.005;
/** Default trials before a re-merged unit may be nominated again (ADR 0332). */
export const STENCIL_CLONE_RETRY_AFTER = 4;

/**
 * Configuration of {@link StencilCloneSplitPlanner} (zod; every field defaulted): the fields of
 * `cloneSplitTrialShape` with the stencil defaults for `share` and `minRelativeGain`, plus `retryAfter`.
 */
export const stencilCloneSplitConfigSchema = z
  .object({
    ...cloneSplitTrialShape,
    /** The original's downstream share (½ = halving). */
    share: z.number().gt(0).lt(1).default(STENCIL_CLONE_SHARE),
    /** Keep only when the mean ΔLoss exceeds this fraction of the re-merged net's mean loss. */
    minRelativeGain: z.number().min(0).default(STENCIL_CLONE_MIN_RELATIVE_GAIN),
    /** Trials before a re-merged unit may be nominated again. */
    retryAfter: z.number().int().min(0).default(STENCIL_CLONE_RETRY_AFTER),
  })
  .strict();

/** Stencil clone-split configuration as accepted. */
export type StencilCloneSplitConfigInput = z.input<typeof stencilCloneSplitConfigSchema>;
/** Stencil clone-split configuration with defaults. */
export type StencilCloneSplitConfig = z.output<typeof stencilCloneSplitConfigSchema>;

/** A stencil unit nominated for a split. */
export interface StencilSplitNomination {
  readonly unit: number;
  /** `s²` of the unit's stencil toggle-mask gradients over m batches. */
  readonly overload: number;
  /** SNR of the same gradients. */
  readonly snr: number;
}

/** A split under evaluation (its clone is Warm). */
export interface StencilCloneTrial {
  /** The split net: train this one during the window. */
  readonly net: StencilNet;
  readonly record: StencilCloneRecord;
  readonly nomination: StencilSplitNomination;
  /** `net.steps` when the split was made. */
  readonly startStep: number;
}

/** The keep/re-merge decision. */
export interface StencilCloneDecision {
  /** True: the clone is kept (Hot); false: re-merged (Cold). */
  readonly kept: boolean;
  /** The net to continue with (the split net, or a new re-merged one; the other is disposed). */
  readonly net: StencilNet;
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  readonly reclaimedCells: number;
}

/**
 * Runs clone-and-halve trials on a {@link StencilNet}.
 *
 * @example
 * ```ts
 * const splitter = new StencilCloneSplitPlanner({ windowSteps: 50 });
 * const trial = splitter.begin(net, source, rng.fork("split"));
 * if (trial !== undefined) {
 *   net.dispose(); net = trial.net;
 *   // ... train net for 50 steps (the stencil planner and dynamics may run on it) ...
 *   net = splitter.decide(trial, source).net;
 * }
 * ```
 */
export class StencilCloneSplitPlanner {
  readonly config: StencilCloneSplitConfig;
  private readonly listener: ((event: StencilEvent) => void) | undefined;
  private trials = 0;
  /** Grid unit → trial number of its last re-merge. */
  private readonly remerged = new Map<number, number>();

  /** @throws Error naming the config field when it is invalid. */
  constructor(config: StencilCloneSplitConfigInput = {}, options: { readonly onEvent?: (event: StencilEvent) => void } = {}) {
    this.config = parseConfig(stencilCloneSplitConfigSchema, config, "StencilCloneSplitPlanner");
    this.listener = options.onEvent;
  }

  /**
   * Units ranked by overload (largest first). Units with no Hot cell or a zero readout row (dead units) and units
   * re-merged within the last `retryAfter` trials are left out.
   */
  nominate(net: StencilNet, source: BatchSource): StencilSplitNomination[] {
    const layer = net.stencil;
    const g = layer.geometry;
    const [units, S] = layer.shape;
    const batches: Batch[] = [];
    try {
      for (let i = 0; i < this.config.snrBatches; i += 1) batches.push(source.next("snr"));
      const perBatch = batches.map((b) => net.toggleMaskGradient(b, layer.id));
      const hotPerUnit = new Int32Array(units);
      for (const key of layer.hotKeys()) hotPerUnit[Math.floor(key / S)] = (hotPerUnit[Math.floor(key / S)] as number) + 1;
      const readout = net.readout.dataSync();
      const outputs = net.readout.shape[1] as number;
      const out: StencilSplitNomination[] = [];
      for (let u = 0; u < units; u += 1) {
        if (hotPerUnit[u] === 0) continue;
        let feeds = false;
        for (let c = 0; c < outputs && !feeds; c += 1) feeds = readout[u * outputs + c] !== 0;
        if (!feeds) continue;
        const last = this.remerged.get(g.gridUnitOf(u));
        if (last !== undefined && this.trials - last <= this.config.retryAfter) continue;
        const cells = Array.from({ length: S }, (_, o) => o).filter((o) => g.pixelOf(u, o) >= 0);
        const { variance, snr } = regionSnr(perBatch.map((grad) => Float32Array.from(cells, (o) => grad[u * S + o] as number)));
        out.push({ unit: u, overload: variance, snr });
      }
      return out.sort((a, b) => b.overload - a.overload || a.unit - b.unit);
    } finally {
      batches.forEach(disposeBatch);
    }
  }

  /**
   * Split the most overloaded unit whose clone fits `structCap` (Warm). Returns undefined when no unit can be
   * split. The input net is not modified or disposed; the trial's net is new.
   */
  begin(net: StencilNet, source: BatchSource, rng: Rng): StencilCloneTrial | undefined {
    const base = { cycle: this.trials, objectId: net.stencil.id };
    const nominations = this.nominate(net, source);
    const free = net.stencil.budget.structCap - net.stencil.nnz;
    const S = net.stencil.shape[1];
    const size = (u: number): number => Array.from(net.stencil.hotKeys()).filter((key) => Math.floor(key / S) === u).length;
    const nomination = nominations.find((n) => size(n.unit) <= free);
    if (nomination === undefined) {
      this.listener?.({ ...base, type: "stencil-clone-skip", reason: nominations.length === 0 ? "no-candidate" : "budget" });
      return undefined;
    }
    const split = cloneStencilUnit(net, {
      unit: nomination.unit,
      share: this.config.share,
      ...(this.config.incomingNoiseStd > 0 ? { asymmetry: { incomingNoiseStd: this.config.incomingNoiseStd, rng: rng.fork(`stencil-split/${nomination.unit}`) } } : {}),
    });
    const batch = source.next("eval");
    let preservationError: number;
    let exactPreservationError: number;
    try {
      const reference = net.forward(batch.x);
      if (this.config.incomingNoiseStd > 0) {
        preservationError = maxAbsDifference(reference.clone(), split.net.forward(batch.x));
        // The same split without the noise: what the function-preservation claim is about.
        const exact = cloneStencilUnit(net, { unit: nomination.unit, share: this.config.share });
        exactPreservationError = maxAbsDifference(reference, exact.net.forward(batch.x));
        exact.net.dispose();
      } else {
        preservationError = maxAbsDifference(reference, split.net.forward(batch.x));
        exactPreservationError = preservationError;
      }
    } finally {
      disposeBatch(batch);
    }
    this.listener?.({
      ...base,
      type: "stencil-clone-split",
      unit: nomination.unit,
      cloneUnit: split.record.cloneUnit,
      overload: nomination.overload,
      addedCells: split.record.addedCells,
      preservationError,
      exactPreservationError,
    });
    return { net: split.net, record: split.record, nomination, startStep: split.net.steps };
  }

  /** Whether the trial's net has trained for the window. */
  ready(trial: StencilCloneTrial): boolean {
    return trial.net.steps - trial.startStep >= this.config.windowSteps;
  }

  /**
   * Keep or re-merge (Hot or Cold): ΔLoss of the split against its own re-merge on fresh batches. Disposes the
   * net that is not returned.
   *
   * @throws Error naming `windowSteps` when the trial has not trained for the window yet.
   */
  decide(trial: StencilCloneTrial, source: BatchSource): StencilCloneDecision {
    if (!this.ready(trial)) {
      throw new Error(`Error in StencilCloneSplitPlanner.decide: the split net trained ${trial.net.steps - trial.startStep} steps, fewer than windowSteps (${this.config.windowSteps}).`);
    }
    const base = { cycle: this.trials, objectId: trial.net.stencil.id };
    const merged = remergeStencilUnit(trial.net, trial.record);
    const { meanGain, stdGain, winRate, mergedLoss, kept } = splitVerdict(merged, trial.net, source, this.config);
    const reclaimedCells = kept ? 0 : trial.net.stencil.nnz - merged.stencil.nnz;
    const { unit, cloneUnit } = trial.record;
    if (!kept) this.remerged.set(trial.net.stencil.geometry.gridUnitOf(unit), this.trials);
    this.trials += 1;
    this.listener?.({ ...base, type: kept ? "stencil-clone-keep" : "stencil-clone-remerge", unit, cloneUnit, meanGain, stdGain, winRate, mergedLoss, reclaimedCells });
    if (kept) {
      merged.dispose();
      return { kept, net: trial.net, meanGain, stdGain, winRate, reclaimedCells };
    }
    trial.net.dispose();
    return { kept, net: merged, meanGain, stdGain, winRate, reclaimedCells };
  }
}
