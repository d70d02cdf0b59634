/**
 * The evidence cycle of clone-and-split (seed 002 L1314-1324; SEED-INVENTORY §3.9, §3.19 "clone events:
 * keep vs re-merge"; ADR 0320), the same Warm → Hot cycle as the growth planner:
 * 1. shortlist: toggle-mask gradients of each hidden layer on m fresh batches; a unit is "overloaded" when
 *    the gradients of its fan-in disagree across batches (large refined variance `s²` of the column, the SNR
 *    statistic's spread term: the unit is pulled in different directions by different data);
 * 2. probe (Warm): split the most overloaded unit ({@link cloneSplit}, downstream halving plus antithetic
 *    incoming noise); its tokens count in the layers' `C_struct` at once and the split is refused over
 *    `structCap`; the caller trains the split stack for a window of steps (the growth planner may grow the
 *    twins' frontiers apart meanwhile);
 * 3. decide: mean ΔLoss `= L(re-merged) − L(split)` on fresh batches; keep (Hot) when it exceeds both
 *    `minGain` and `minRelativeGain · L(re-merged)` and the gain is stable (win-rate ≥ `minWinRate`), else
 *    re-merge (Cold) and reclaim the tokens.
 */
import { parseConfig, type Rng, type Tensor2D } from "@tam/tensor-backend";
import { z } from "zod";

import { cloneSplit, remerge, CLONE_SPLIT_SHARE, type CloneSplitRecord } from "./clone-split.js";
import { EVAL_BATCHES, SNR_BATCHES } from "./constants.js";
import { baseMatrix } from "./layer-base.js";
import { disposeBatch, type Batch } from "./loss.js";
import { gainStatistics } from "./micro-rollout.js";
import type { BatchSource } from "./planner-model.js";
import { regionSnr } from "./snr.js";
import type { SparseMaskedStack } from "./sparse-masked-stack.js";

/** Default std of the antithetic incoming noise that lets the twins diverge (ADR 0320). */
export const CLONE_SPLIT_NOISE_STD = 0.01;
/** Default training steps between a split and its keep/re-merge decision (ADR 0320). */
export const CLONE_SPLIT_WINDOW_STEPS = 50;
/** Default gain a kept split must reach, as a fraction of the re-merged stack's loss (ADR 0320). */
export const CLONE_SPLIT_MIN_RELATIVE_GAIN = 0.05;
/** Default win-rate a kept split's gain must reach across fresh batches (the stability condition, ADR 0320). */
export const CLONE_SPLIT_MIN_WIN_RATE = 0.75;

/**
 * The fields every clone-and-split evidence cycle shares (this planner's and the stencil one's): batches,
 * window, share, noise and the keep rule, with this planner's defaults.
 */
export const cloneSplitTrialShape = {
  /** m: batches behind the overload score (seed L1251). */
  snrBatches: z.number().int().min(2).default(SNR_BATCHES),
  /** Fresh batches behind the keep/re-merge ΔLoss (ADR 0302). */
  evalBatches: z.number().int().min(1).default(EVAL_BATCHES),
  /** Training steps of the split model before the decision may run. */
  windowSteps: z.number().int().min(1).default(CLONE_SPLIT_WINDOW_STEPS),
  /** The original's downstream share (½ = halving). */
  share: z.number().gt(0).lt(1).default(CLONE_SPLIT_SHARE),
  /** Std of the antithetic incoming noise (0 = exact twins). */
  incomingNoiseStd: z.number().min(0).finite().default(CLONE_SPLIT_NOISE_STD),
  /** Keep only when the mean ΔLoss exceeds this. */
  minGain: z.number().min(0).default(0),
  /** Keep only when the mean ΔLoss exceeds this fraction of the re-merged model's mean loss (the clone must earn its tokens). */
  minRelativeGain: z.number().min(0).default(CLONE_SPLIT_MIN_RELATIVE_GAIN),
  /** Keep only when at least this fraction of fresh batches show a gain. */
  minWinRate: z.number().min(0).max(1).default(CLONE_SPLIT_MIN_WIN_RATE),
};

/** Configuration of {@link CloneSplitPlanner} (zod; every field defaulted). */
export const cloneSplitConfigSchema = z
  .object({
    ...cloneSplitTrialShape,
    /** Hidden layers to consider (default: every layer that has a next layer). */
    layers: z.array(z.string()).optional(),
  })
  .strict();

/** Clone-split configuration as accepted. */
export type CloneSplitConfigInput = z.input<typeof cloneSplitConfigSchema>;
/** Clone-split configuration with defaults. */
export type CloneSplitConfig = z.output<typeof cloneSplitConfigSchema>;

/** A unit nominated for a split. */
export interface SplitNomination {
  readonly layerId: string;
  readonly unit: number;
  /** `s²` of the unit's fan-in toggle-mask gradients over m batches. */
  readonly overload: number;
  /** SNR of the same gradients (low with a large `s²`: conflicting demands). */
  readonly snr: number;
}

/** A split under evaluation (its clone is Warm). */
export interface CloneSplitTrial {
  /** The split stack: train this one during the window. */
  readonly stack: SparseMaskedStack;
  readonly record: CloneSplitRecord;
  readonly nomination: SplitNomination;
  /** `stack.steps` when the split was made. */
  readonly startStep: number;
}

/** The keep/re-merge decision. */
export interface CloneSplitDecision {
  /** True: the clone is kept (Hot); false: re-merged (Cold). */
  readonly kept: boolean;
  /** The stack to continue with (the split stack, or a new re-merged one; the other is disposed). */
  readonly stack: SparseMaskedStack;
  /** Mean ΔLoss `L(re-merged) − L(split)` on fresh batches. */
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  /** Hot cells given back by the re-merge (0 when kept). */
  readonly reclaimedCells: number;
}

/** Typed clone-split events (seed §3.19 "clone events: keep vs re-merge"). */
export type CloneSplitEvent =
  | {
      readonly type: "clone-split";
      readonly layerId: string;
      readonly unit: number;
      readonly cloneUnit: number;
      readonly overload: number;
      readonly addedCells: number;
      /** max |y_split − y_parent| over one fresh batch at the split (function preservation). */
      readonly preservationError: number;
    }
  | { readonly type: "clone-skip"; readonly layerId: string; readonly unit: number; readonly reason: "budget" | "no-candidate" }
  | {
      readonly type: "clone-keep" | "clone-remerge";
      readonly layerId: string;
      readonly unit: number;
      readonly cloneUnit: number;
      readonly meanGain: number;
      readonly stdGain: number;
      readonly winRate: number;
      readonly reclaimedCells: number;
    };

/**
 * Runs clone-and-split trials on a {@link SparseMaskedStack}.
 *
 * @example
 * ```ts
 * const splitter = new CloneSplitPlanner({ windowSteps: 50 });
 * const trial = splitter.begin(net, source, rng.fork("split"));
 * if (trial !== undefined) {
 *   net.dispose(); net = trial.stack;
 *   for (let s = 0; s < 50; s += 1) net.trainStep(source.next("rollout")).dispose();   // dispose batches too
 *   net = splitter.decide(trial, source).stack;
 * }
 * ```
 */
export class CloneSplitPlanner {
  readonly config: CloneSplitConfig;
  private readonly listener: ((event: CloneSplitEvent) => void) | undefined;

  /** @throws Error naming the config field when it is invalid. */
  constructor(config: CloneSplitConfigInput = {}, options: { readonly onEvent?: (event: CloneSplitEvent) => void } = {}) {
    this.config = parseConfig(cloneSplitConfigSchema, config, "CloneSplitPlanner");
    this.listener = options.onEvent;
  }

  /**
   * Units of the hidden layers ranked by overload (largest first). Units with no incoming or no downstream
   * weight (dead units) are left out.
   *
   * @throws Error naming the layer id when `config.layers` names a layer without a next layer.
   */
  nominate(stack: SparseMaskedStack, source: BatchSource): SplitNomination[] {
    const hidden = stack.layers.slice(0, -1).map((l) => l.id);
    const ids = this.config.layers ?? hidden;
    for (const id of ids) if (!hidden.includes(id)) throw new Error(`Error in CloneSplitPlanner: config.layers: "${id}" is not a hidden layer (have ${hidden.join(", ")}).`);
    const batches: Batch[] = [];
    try {
      for (let i = 0; i < this.config.snrBatches; i += 1) batches.push(source.next("snr"));
      const out: SplitNomination[] = [];
      for (const id of ids) {
        const index = stack.layers.findIndex((l) => l.id === id);
        const layer = stack.layers[index] as SparseMaskedStack["layers"][number];
        const next = stack.layers[index + 1] as SparseMaskedStack["layers"][number];
        const [rows, width] = layer.shape;
        const perBatch = batches.map((b) => stack.toggleMaskGradient(b, id));
        const incoming = effectiveLayer(layer);
        const downstream = effectiveLayer(next);
        const outDown = next.shape[1];
        for (let unit = 0; unit < width; unit += 1) {
          let alive = false;
          for (let r = 0; r < rows && !alive; r += 1) alive = incoming[r * width + unit] !== 0;
          let feeds = false;
          for (let c = 0; c < outDown && !feeds; c += 1) feeds = downstream[unit * outDown + c] !== 0;
          if (!alive || !feeds) continue;
          const columns = perBatch.map((g) => Float32Array.from({ length: rows }, (_, r) => g[r * width + unit] as number));
          const { variance, snr } = regionSnr(columns);
          out.push({ layerId: id, unit, overload: variance, snr });
        }
      }
      return out.sort((a, b) => b.overload - a.overload || a.layerId.localeCompare(b.layerId) || a.unit - b.unit);
    } finally {
      batches.forEach(disposeBatch);
    }
  }

  /**
   * Split the most overloaded unit that fits the budgets (Warm). Returns undefined when no unit can be split.
   * The input stack is not modified or disposed; the trial's stack is new.
   */
  begin(stack: SparseMaskedStack, source: BatchSource, rng: Rng): CloneSplitTrial | undefined {
    const nominations = this.nominate(stack, source);
    if (nominations.length === 0) {
      this.listener?.({ type: "clone-skip", layerId: "", unit: -1, reason: "no-candidate" });
      return undefined;
    }
    for (const nomination of nominations) {
      let split: ReturnType<typeof cloneSplit>;
      try {
        split = cloneSplit(stack, {
          layerId: nomination.layerId,
          unit: nomination.unit,
          share: this.config.share,
          ...(this.config.incomingNoiseStd > 0 ? { asymmetry: { incomingNoiseStd: this.config.incomingNoiseStd, rng: rng.fork(`${nomination.layerId}/${nomination.unit}`) } } : {}),
        });
      } catch (error) {
        if (error instanceof Error && error.message.includes("budget.structCap")) {
          this.listener?.({ type: "clone-skip", layerId: nomination.layerId, unit: nomination.unit, reason: "budget" });
          continue;
        }
        throw error;
      }
      const batch = source.next("eval");
      let preservationError: number;
      try {
        preservationError = maxAbsDifference(stack.forward(batch.x), split.stack.forward(batch.x));
      } finally {
        disposeBatch(batch);
      }
      this.listener?.({
        type: "clone-split",
        layerId: nomination.layerId,
        unit: nomination.unit,
        cloneUnit: split.record.cloneUnit,
        overload: nomination.overload,
        addedCells: split.record.addedCells,
        preservationError,
      });
      return { stack: split.stack, record: split.record, nomination, startStep: split.stack.steps };
    }
    return undefined;
  }

  /** Whether the trial's stack has trained for the window. */
  ready(trial: CloneSplitTrial): boolean {
    return trial.stack.steps - trial.startStep >= this.config.windowSteps;
  }

  /**
   * Keep or re-merge (Hot or Cold): ΔLoss of the split against its own re-merge on fresh batches.
   * Disposes the stack that is not returned.
   *
   * @throws Error naming `windowSteps` when the trial has not trained for the window yet.
   */
  decide(trial: CloneSplitTrial, source: BatchSource): CloneSplitDecision {
    if (!this.ready(trial)) {
      throw new Error(`Error in CloneSplitPlanner.decide: the split stack trained ${trial.stack.steps - trial.startStep} steps, fewer than windowSteps (${this.config.windowSteps}).`);
    }
    const merged = remerge(trial.stack, trial.record);
    const { meanGain, stdGain, winRate, kept } = splitVerdict(merged, trial.stack, source, this.config);
    const cells = (s: SparseMaskedStack): number => s.layers.reduce((n, l) => n + l.nnz, 0);
    const reclaimedCells = kept ? 0 : cells(trial.stack) - cells(merged);
    const { layerId, unit } = trial.nomination;
    this.listener?.({ type: kept ? "clone-keep" : "clone-remerge", layerId, unit, cloneUnit: trial.record.cloneUnit, meanGain, stdGain, winRate, reclaimedCells });
    if (kept) {
      merged.dispose();
      return { kept, stack: trial.stack, meanGain, stdGain, winRate, reclaimedCells };
    }
    trial.stack.dispose();
    return { kept, stack: merged, meanGain, stdGain, winRate, reclaimedCells };
  }
}

/** The keep-or-re-merge evidence of a clone-and-split trial, from {@link splitVerdict}. */
export interface SplitVerdict {
  /** Mean, sample std and win-rate of ΔLoss = L(re-merged) − L(split) over the eval batches. */
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  /** Mean loss of the re-merged model over the same batches. */
  readonly mergedLoss: number;
  /** The keep rule: mean gain above `max(minGain, minRelativeGain × mergedLoss)` and win-rate at least `minWinRate`. */
  readonly kept: boolean;
}

/**
 * Score a split model against its re-merged twin on `evalBatches` fresh batches (the same batch for both,
 * disposed after) and apply the keep rule of {@link cloneSplitTrialShape}.
 */
export function splitVerdict(
  merged: { lossValue(batch: Batch): number },
  split: { lossValue(batch: Batch): number },
  source: BatchSource,
  rule: Pick<CloneSplitConfig, "evalBatches" | "minGain" | "minRelativeGain" | "minWinRate">,
): SplitVerdict {
  const deltaLosses: number[] = [];
  let mergedLoss = 0;
  for (let i = 0; i < rule.evalBatches; i += 1) {
    const batch = source.next("eval");
    try {
      const before = merged.lossValue(batch);
      mergedLoss += before / rule.evalBatches;
      deltaLosses.push(before - split.lossValue(batch));
    } finally {
      disposeBatch(batch);
    }
  }
  const { meanGain, stdGain, winRate } = gainStatistics(deltaLosses);
  const kept = meanGain > Math.max(rule.minGain, rule.minRelativeGain * mergedLoss) && winRate >= rule.minWinRate;
  return { meanGain, stdGain, winRate, mergedLoss, kept };
}

/** `base + W` of a layer, dense row-major. */
function effectiveLayer(layer: SparseMaskedStack["layers"][number]): Float32Array {
  const out = baseMatrix(layer.base, layer.shape[0], layer.shape[1]);
  const values = layer.hotValues();
  layer.hotKeys().forEach((key, i) => {
    out[key] = (out[key] as number) + (values[i] as number);
  });
  return out;
}

/** Largest |a − b| over two outputs of the same shape, read on the host; disposes both (the split's function-preservation error). */
export function maxAbsDifference(a: Tensor2D, b: Tensor2D): number {
  const x = a.dataSync();
  const y = b.dataSync();
  a.dispose();
  b.dispose();
  let worst = 0;
  for (let i = 0; i < x.length; i += 1) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  return worst;
}
