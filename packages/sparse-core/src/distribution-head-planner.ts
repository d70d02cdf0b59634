/**
 * The Warm → Hot evidence cycle of Distribution Heads (seed 002 L1198-1219, L1296-1302, L1340;
 * SEED-INVENTORY §3.7, §3.11, C-7; ADR 0323, ADR 0324), one call per cycle over every head:
 * 1. buffer: fresh cases join each head's ambiguity buffer (held out from training);
 * 2. calibration, offline: KS on PIT values (continuous) or the χ² frequency check (discrete); a failed
 *    check emits `dh-calibration` with the miss and nominates refinement there;
 * 3. nominate: the ambiguity detector's largest unexplained, ambiguous neighbourhood (or the calibration
 *    miss) nominates ONE Cold cell (one component / bucket at a time, C-7), initialised from the local model;
 * 4. prune when weak: a Hot cell whose LOO ΔNLL on fresh batches is not positive goes back to Cold; and only
 *    when over a budget, cells over the head's `structCap` / `activeCap` or its depth's shared budget
 *    (weakest first; the depth's tokens are shared with the masked layers there, ADR 0324);
 * 5. probe: a shadow micro-rollout of the Warm cell (K tiny Adam steps on its parameters only; every Hot
 *    parameter and θ0 are only read, checked bit for bit) → ΔNLL = NLL(head) − NLL(head + cell) on fresh
 *    held-out batches;
 * 6. commit at most ONE cell per depth per cycle (L1301 ii): the best probed candidate of each depth by
 *    mean ΔNLL (ties: win-rate, then variance), when its gain is positive and consistent and the head and
 *    its depth have room; warm-started from the probe (L1202).
 */
import { parseConfig, tf, type Scalar, type Tensor1D } from "@tam/tensor-backend";
import { z } from "zod";

import {
  AMBIGUITY_ANCHORS,
  AMBIGUITY_BUFFER_SIZE,
  AMBIGUITY_MIN_GAP_NATS,
  AMBIGUITY_MIN_MODE_WEIGHT,
  AMBIGUITY_MIN_SEPARATION,
  AMBIGUITY_NEIGHBOURS,
  AmbiguityDetector,
  type AmbiguityFinding,
} from "./ambiguity-detector.js";
import { CALIBRATION_ALPHA, checkCalibration, type CalibrationReport } from "./calibration-monitor.js";
import { ACTIVE_EPSILON, EVAL_BATCHES, ROLLOUT_STEPS } from "./constants.js";
import { rankByEvidence } from "./decision.js";
import type { DistributionBatch, DistributionHead } from "./distribution-head.js";
import type { GrowthObject, ObjectBudget } from "./growth-object.js";
import { gainStatistics } from "./micro-rollout.js";

/** Default step size of the probe's tiny Adam steps on a Warm cell (ADR 0323). */
export const DH_PROBE_LEARNING_RATE = 0.05;
/** Default fresh batches appended to a head's ambiguity buffer per cycle (ADR 0323). */
export const DH_BUFFER_BATCHES = 4;
/** Default least mean ΔNLL of a committed cell, nats per case (ADR 0323). */
export const DH_MIN_GAIN_NATS = 0.01;
/** Default least win-rate of a committed cell's ΔNLL across held-out batches (ADR 0323). */
export const DH_MIN_WIN_RATE = 0.75;
/** At most this many Distribution Head adds per depth per cycle (seed L1301 "≤1 DH add per depth per cycle", L1340). */
export const DH_MAX_ADDS_PER_DEPTH = 1;

/** Configuration of {@link DistributionHeadPlanner} (zod; every field defaulted). */
export const distributionHeadPlannerConfigSchema = z
  .object({
    /** Cases each head's ambiguity buffer keeps. */
    bufferSize: z.number().int().min(16).default(AMBIGUITY_BUFFER_SIZE),
    /** Fresh batches added to the buffer per cycle. */
    bufferBatches: z.number().int().min(1).default(DH_BUFFER_BATCHES),
    /** k of a neighbourhood of similar states. */
    neighbours: z.number().int().min(8).default(AMBIGUITY_NEIGHBOURS),
    /** Anchors examined per cycle. */
    anchors: z.number().int().min(1).default(AMBIGUITY_ANCHORS),
    minSeparation: z.number().min(0).default(AMBIGUITY_MIN_SEPARATION),
    minModeWeight: z.number().gt(0).lt(0.5).default(AMBIGUITY_MIN_MODE_WEIGHT),
    /** Unexplained NLL gap (nats per case) before a region is nominated. */
    minGapNats: z.number().min(0).default(AMBIGUITY_MIN_GAP_NATS),
    /** Significance level of the offline calibration check. */
    calibrationAlpha: z.number().gt(0).lt(1).default(CALIBRATION_ALPHA),
    /** K: tiny steps of a probe (seed L1251). */
    rolloutSteps: z.number().int().min(1).default(ROLLOUT_STEPS),
    probeLearningRate: z.number().positive().default(DH_PROBE_LEARNING_RATE),
    /** Fresh held-out batches behind the ΔNLL (ADR 0302). */
    evalBatches: z.number().int().min(1).default(EVAL_BATCHES),
    /** Commit only above this mean ΔNLL (nats per case): a cell must earn its token. */
    minGain: z.number().min(0).default(DH_MIN_GAIN_NATS),
    minWinRate: z.number().min(0).max(1).default(DH_MIN_WIN_RATE),
    /** Prune a Hot cell whose LOO ΔNLL is at most this (prune when weak); null = only over budget. */
    pruneBelowGain: z.number().nullable().default(0),
  })
  .strict();

/** Planner configuration as accepted. */
export type DistributionHeadPlannerConfigInput = z.input<typeof distributionHeadPlannerConfigSchema>;
/** Planner configuration with defaults. */
export type DistributionHeadPlannerConfig = z.output<typeof distributionHeadPlannerConfigSchema>;

/** Where a head's batches come from: `buffer` cases, probe `rollout` steps, held-out `eval` batches. The planner disposes them. */
export interface DistributionBatchSource {
  next(purpose: "buffer" | "rollout" | "eval"): DistributionBatch;
}

/**
 * Per-depth budgets shared with other growth objects (ADR 0324): a head's Hot cells count as tokens in
 * the same `C_struct` / `C_active` caps per depth as the masked layers at its depth. Give the
 * `GrowthPlanner` the heads as `budgetPeers` and this planner the same `depthBudgets` and the other objects.
 */
export interface SharedDepthBudget {
  /** Caps on the sum over every object at one depth, keyed by depth (the `GrowthPlanner`'s `depthBudgets`). */
  readonly depthBudgets: Readonly<Record<string, ObjectBudget>>;
  /** The other growth objects whose Hot cells count at their depth (e.g. `() => stack.objects`). */
  readonly objects: () => readonly GrowthObject[];
  /** ε of `C_active` (default: the `GrowthPlanner`'s, `ACTIVE_EPSILON`). */
  readonly epsilon?: number;
}

/** A head and its data. */
export interface DistributionHeadEntry {
  readonly head: DistributionHead;
  readonly source: DistributionBatchSource;
}

/** Fields every Distribution Head planner event carries: the cycle, the head's id and its depth. */
export interface DistributionHeadEventBase {
  readonly cycle: number;
  readonly objectId: string;
  readonly depth: number;
}

/** Typed Distribution Head planner events. */
export type DistributionHeadEvent =
  | (DistributionHeadEventBase & { readonly type: "dh-calibration"; readonly test: "ks" | "frequency"; readonly statistic: number; readonly pValue: number; readonly n: number; readonly pass: boolean; readonly missAnchor: readonly number[] | null })
  | (DistributionHeadEventBase & {
      readonly type: "dh-nominate";
      readonly key: number;
      readonly reason: "ambiguity" | "calibration";
      readonly anchor: readonly number[];
      readonly radius: number;
      readonly gapNats: number;
      readonly statistics: Readonly<Record<string, number>>;
    })
  | (DistributionHeadEventBase & { readonly type: "dh-probe"; readonly key: number; readonly meanGain: number; readonly stdGain: number; readonly winRate: number; readonly baseUntouched: boolean })
  | (DistributionHeadEventBase & { readonly type: "dh-commit"; readonly key: number; readonly anchor: readonly number[]; readonly meanGain: number; readonly winRate: number; readonly hotAfter: number })
  | (DistributionHeadEventBase & { readonly type: "dh-skip"; readonly key: number; readonly reason: "no-gain" | "depth-cap" | "budget" | "depth-budget"; readonly meanGain: number })
  | (DistributionHeadEventBase & { readonly type: "dh-prune"; readonly key: number; readonly reason: DistributionPruneReason; readonly looGain: number; readonly hotAfter: number });

/** Why a Hot cell was pruned: weak (LOO ΔNLL ≤ threshold) or over a cap (the head's own, or its depth's shared budget). */
export type DistributionPruneReason = "weak" | "struct-cap" | "active-cap" | "depth-budget";

/** What one cycle did. */
export interface DistributionCycleReport {
  readonly cycle: number;
  readonly events: readonly DistributionHeadEvent[];
  /** Cells committed per head id. */
  readonly commits: Readonly<Record<string, number>>;
  /** Calibration per head id. */
  readonly calibration: Readonly<Record<string, CalibrationReport>>;
}

interface Probed {
  readonly head: DistributionHead;
  readonly key: number;
  readonly anchor: Float32Array;
  readonly params: Float32Array;
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  readonly size: number;
  readonly activeCount: number;
}

/**
 * Grows Distribution Heads by evidence.
 *
 * @example
 * ```ts
 * const planner = new DistributionHeadPlanner({}, { onEvent: (e) => console.log(e.type) });
 * for (let step = 1; step <= 2000; step += 1) {
 *   head.trainStep(batch).dispose();
 *   if (step % 100 === 0) planner.runCycle([{ head, source }]);
 * }
 * ```
 */
export class DistributionHeadPlanner {
  readonly config: DistributionHeadPlannerConfig;
  private readonly listener: ((event: DistributionHeadEvent) => void) | undefined;
  private readonly detectors = new Map<string, AmbiguityDetector>();
  private readonly shared: SharedDepthBudget | undefined;
  private cycleCount = 0;

  /**
   * @param options - `onEvent`; `sharedBudget`: per-depth budgets shared with other objects (ADR 0324).
   * @throws Error naming the config field when it is invalid.
   */
  constructor(config: DistributionHeadPlannerConfigInput = {}, options: { readonly onEvent?: (event: DistributionHeadEvent) => void; readonly sharedBudget?: SharedDepthBudget } = {}) {
    this.config = parseConfig(distributionHeadPlannerConfigSchema, config, "DistributionHeadPlanner");
    this.listener = options.onEvent;
    this.shared = options.sharedBudget;
  }

  /** Cycles run so far. */
  get cycles(): number {
    return this.cycleCount;
  }

  /** The ambiguity buffer of a head (created on its first cycle). */
  detector(headId: string): AmbiguityDetector | undefined {
    return this.detectors.get(headId);
  }

  /**
   * Run one cycle over the heads (ids must be unique). Every batch taken from a source is disposed here.
   *
   * @throws Error naming the head when two entries share an id.
   */
  runCycle(entries: readonly DistributionHeadEntry[]): DistributionCycleReport {
    const ids = entries.map((e) => e.head.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) throw new Error(`Error in DistributionHeadPlanner.runCycle: two entries share the head id "${dup}".`);
    const cycle = this.cycleCount;
    const events: DistributionHeadEvent[] = [];
    const emit = (event: DistributionHeadEvent): void => {
      events.push(event);
      this.listener?.(event);
    };
    const calibration: Record<string, CalibrationReport> = {};
    const probed: Probed[] = [];
    const heads = entries.map((e) => e.head);
    for (const { head, source } of entries) {
      const result = this.cycleHead(head, source, cycle, emit, () => this.depthExcess(head.depth, heads));
      calibration[head.id] = result.calibration;
      if (result.probed !== undefined) probed.push(result.probed);
    }
    const commits: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
    for (const depth of [...new Set(probed.map((p) => p.head.depth))].sort((a, b) => a - b)) {
      let adds = 0;
      for (const candidate of rankByEvidence(probed.filter((p) => p.head.depth === depth))) {
        const { head } = candidate;
        const base = { cycle, objectId: head.id, depth };
        const skip = (reason: "no-gain" | "depth-cap" | "budget" | "depth-budget"): void => emit({ ...base, type: "dh-skip", key: candidate.key, reason, meanGain: candidate.meanGain });
        if (!(candidate.meanGain > this.config.minGain && candidate.winRate >= this.config.minWinRate)) skip("no-gain");
        else if (adds >= DH_MAX_ADDS_PER_DEPTH) skip("depth-cap");
        else if (head.nnz >= head.budget.structCap || head.counters(this.epsilon).cActive >= head.budget.activeCap) skip("budget");
        else if (this.depthExcess(depth, heads, 1) > 0) skip("depth-budget");
        else {
          head.commitCell(candidate.key, candidate.anchor, candidate.params);
          adds += 1;
          commits[head.id] = (commits[head.id] ?? 0) + 1;
          emit({ ...base, type: "dh-commit", key: candidate.key, anchor: Array.from(candidate.anchor), meanGain: candidate.meanGain, winRate: candidate.winRate, hotAfter: head.nnz });
        }
      }
    }
    this.cycleCount += 1;
    return { cycle, events, commits, calibration };
  }

  /** ε of the heads' `C_active`. */
  private get epsilon(): number {
    return this.shared?.epsilon ?? ACTIVE_EPSILON;
  }

  /**
   * How far a depth is over its shared budget (ADR 0324) after `adding` more Hot cells: the larger of the
   * `C_struct` and `C_active` excesses summed over the shared objects and the heads at that depth (0 when no
   * budget is shared or the depth has none).
   */
  private depthExcess(depth: number, heads: readonly DistributionHead[], adding = 0): number {
    const cap = this.shared?.depthBudgets[String(depth)];
    if (this.shared === undefined || cap === undefined) return 0;
    const atDepth = [...new Set<GrowthObject>([...this.shared.objects(), ...heads])].filter((o) => o.depth === depth).map((o) => o.counters(this.epsilon));
    const struct = atDepth.reduce((s, c) => s + c.cStruct, 0) + adding;
    const active = atDepth.reduce((s, c) => s + c.cActive, 0) + adding;
    return Math.max(0, struct - cap.structCap, active - cap.activeCap);
  }

  private cycleHead(
    head: DistributionHead,
    source: DistributionBatchSource,
    cycle: number,
    emit: (event: DistributionHeadEvent) => void,
    depthExcess: () => number,
  ): { calibration: CalibrationReport; probed?: Probed } {
    const cfg = this.config;
    const base = { cycle, objectId: head.id, depth: head.depth };
    const outcomeDim = head.kind === "gaussian-mixture" ? 1 : head.shape[1];
    let detector = this.detectors.get(head.id);
    if (detector === undefined) {
      detector = new AmbiguityDetector({ stateDim: head.stateDim, outcomeDim, capacity: cfg.bufferSize });
      this.detectors.set(head.id, detector);
    }
    for (let i = 0; i < cfg.bufferBatches; i += 1) {
      const b = source.next("buffer");
      try {
        detector.observe(b);
      } finally {
        disposeDistributionBatch(b);
      }
    }

    // Calibration, offline, on the buffer.
    const report = checkCalibration(head, detector, { alpha: cfg.calibrationAlpha, neighbours: cfg.neighbours, anchors: cfg.anchors });
    emit({ ...base, type: "dh-calibration", test: report.test, statistic: report.statistic, pValue: report.pValue, n: report.n, pass: report.pass, missAnchor: report.missAnchor === null ? null : Array.from(report.missAnchor) });

    // Nominate one Cold cell.
    const evaluation = this.evaluateBuffer(head, detector);
    const thresholds = { neighbours: cfg.neighbours, anchors: cfg.anchors, minSeparation: cfg.minSeparation, minModeWeight: cfg.minModeWeight, minGapNats: cfg.minGapNats };
    const findings = detector.detect(evaluation.nll, thresholds, evaluation.probabilities);
    let reason: "ambiguity" | "calibration" = "ambiguity";
    let finding: AmbiguityFinding | undefined = findings[0];
    if (finding === undefined && report.missRow !== null) {
      const miss = detector.inspect(report.missRow, evaluation.nll, thresholds, evaluation.probabilities);
      if (miss.ambiguous && miss.gapNats > cfg.minGapNats) {
        finding = miss;
        reason = "calibration";
      }
    }

    const stepBatches: DistributionBatch[] = [];
    const evalBatches: DistributionBatch[] = [];
    try {
      const needBatches = finding !== undefined || head.nnz > 0;
      if (!needBatches) return { calibration: report };
      for (let i = 0; i < cfg.evalBatches; i += 1) evalBatches.push(source.next("eval"));
      this.pruneWeak(head, evalBatches, base, emit, depthExcess);
      const proposal = finding === undefined ? undefined : this.propose(head, finding);
      if (finding === undefined || proposal === undefined) return { calibration: report };
      emit({
        ...base,
        type: "dh-nominate",
        key: proposal.key,
        reason,
        anchor: Array.from(finding.anchor),
        radius: finding.radius,
        gapNats: finding.gapNats,
        statistics: statisticsOf(finding),
      });
      for (let i = 0; i < cfg.rolloutSteps; i += 1) stepBatches.push(source.next("rollout"));
      head.markWarm(Int32Array.of(proposal.key));
      const before = { params: head.hotParams(), theta0: head.baseParameter() };
      const result = this.probe(head, proposal.key, finding.anchor, proposal.init, stepBatches, evalBatches);
      const after = { params: head.hotParams(), theta0: head.baseParameter() };
      const baseUntouched = bitEqual(before.params, after.params) && Object.is(before.theta0, after.theta0);
      emit({ ...base, type: "dh-probe", key: proposal.key, meanGain: result.meanGain, stdGain: result.stdGain, winRate: result.winRate, baseUntouched });
      return { calibration: report, probed: { head, key: proposal.key, anchor: finding.anchor, params: result.params, meanGain: result.meanGain, stdGain: result.stdGain, winRate: result.winRate, size: 1, activeCount: 1 } };
    } finally {
      head.clearWarm();
      for (const b of [...stepBatches, ...evalBatches]) disposeDistributionBatch(b);
    }
  }

  /** The head's per-case NLL on the buffer (and probabilities for a discrete head). */
  private evaluateBuffer(head: DistributionHead, detector: AmbiguityDetector): { nll: Float32Array; probabilities?: Float32Array } {
    const batch = detector.asBatch();
    try {
      const t = head.perSampleNll(batch);
      const nll = Float32Array.from(t.dataSync());
      t.dispose();
      if (head.kind === "gaussian-mixture") return { nll };
      const dist = head.hostDistribution(batch);
      return dist.kind === "categorical" ? { nll, probabilities: dist.probabilities } : { nll };
    } finally {
      disposeDistributionBatch(batch);
    }
  }

  /**
   * The Cold cell a finding nominates and its initial parameters (ADR 0323): a mixture component for the
   * residual mode the head explains worst (`m` = the mode's offset, `s` = its log σ, `c` = its log-odds, the
   * kernel radius = the neighbourhood's; sharpness κ and takeover b start at 0, ADR 0324); or the Cold bucket most under-predicted there (`c` = log of
   * empirical over predicted share).
   */
  private propose(head: DistributionHead, finding: AmbiguityFinding): { key: number; init: Float32Array } | undefined {
    const hot = head.hotKeys();
    const init = new Float32Array(head.cellParams);
    const radius = Math.max(finding.radius, 1e-3);
    init[1] = Math.log(radius);
    if (head.kind === "gaussian-mixture") {
      const key = Array.from({ length: head.shape[1] }, (_, k) => k).find((k) => !hot.includes(k));
      if (key === undefined || finding.modes === undefined) return undefined;
      const mode = finding.modes[0].headNll >= finding.modes[1].headNll ? finding.modes[0] : finding.modes[1];
      init[0] = Math.log(Math.max(mode.weight, 1e-3) / Math.max(1 - mode.weight, 1e-3));
      init[2] = Math.log(Math.max(mode.sigma, 1e-3));
      init[3] = mode.mean;
      return { key, init };
    }
    const { empirical, predicted } = finding;
    if (empirical === undefined || predicted === undefined) return undefined;
    let key: number | undefined;
    let best = Number.NEGATIVE_INFINITY;
    empirical.forEach((p, b) => {
      const excess = p - (predicted[b] as number);
      if (!hot.includes(b) && excess > best) {
        best = excess;
        key = b;
      }
    });
    if (key === undefined || !(best > 0)) return undefined;
    init[0] = Math.log(Math.max(empirical[key] as number, 1e-3) / Math.max(predicted[key] as number, 1e-6));
    return { key, init };
  }

  /** Shadow micro-rollout of one Warm cell: K tiny Adam steps on its parameters only, then ΔNLL on held-out batches. */
  private probe(head: DistributionHead, key: number, anchor: Float32Array, init: Float32Array, stepBatches: readonly DistributionBatch[], evalBatches: readonly DistributionBatch[]): { params: Float32Array; meanGain: number; stdGain: number; winRate: number } {
    const lr = this.config.probeLearningRate;
    let params = tf.tensor1d(init);
    let m = tf.zerosLike(params);
    let v = tf.zerosLike(params);
    try {
      stepBatches.forEach((batch, t) => {
        const step = t + 1;
        const next = tf.tidy(() => {
          const g = tf.grad((p) => head.nll(batch, { candidate: { key, anchor, params: p as Tensor1D } }))(params);
          const m1 = tf.add<Tensor1D>(tf.mul(m, 0.9), tf.mul(g, 0.1));
          const v1 = tf.add<Tensor1D>(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
          const update = tf.div(tf.div(m1, 1 - 0.9 ** step), tf.add(tf.sqrt(tf.div(v1, 1 - 0.999 ** step)), 1e-8));
          return { p: tf.sub<Tensor1D>(params, tf.mul(update, lr)), m: m1, v: v1 };
        });
        tf.dispose([params, m, v]);
        params = next.p;
        m = next.m;
        v = next.v;
      });
      const losses = tf.tidy(() => tf.stack(evalBatches.flatMap((batch) => [head.nll(batch), head.nll(batch, { candidate: { key, anchor, params } })])));
      const values = losses.dataSync();
      losses.dispose();
      const gains = evalBatches.map((_, i) => (values[2 * i] as number) - (values[2 * i + 1] as number));
      return { params: Float32Array.from(params.dataSync()), ...gainStatistics(gains) };
    } finally {
      tf.dispose([params, m, v]);
    }
  }

  /**
   * Prune when weak (LOO ΔNLL ≤ `pruneBelowGain`, one cell per cycle), and only when over a budget: down to
   * the head's `structCap` and `activeCap`, then while its depth's shared budget is exceeded (weakest first).
   */
  private pruneWeak(head: DistributionHead, evalBatches: readonly DistributionBatch[], base: DistributionHeadEventBase, emit: (event: DistributionHeadEvent) => void, depthExcess: () => number): void {
    const ranked = Array.from(head.hotKeys(), (key) => ({ key, looGain: looGain(head, key, evalBatches) })).sort((a, b) => a.looGain - b.looGain || a.key - b.key);
    let weakRemoved = false;
    for (const { key, looGain: gain } of ranked) {
      const reason: DistributionPruneReason | undefined =
        head.nnz > head.budget.structCap
          ? "struct-cap"
          : head.counters(this.epsilon).cActive > head.budget.activeCap
            ? "active-cap"
            : depthExcess() > 0
              ? "depth-budget"
              : this.config.pruneBelowGain !== null && gain <= this.config.pruneBelowGain && !weakRemoved
                ? "weak"
                : undefined;
      if (reason === undefined) continue;
      head.removeCell(key);
      weakRemoved ||= reason === "weak";
      emit({ ...base, type: "dh-prune", key, reason, looGain: gain, hotAfter: head.nnz });
    }
  }
}

/** LOO ΔNLL of a Hot cell: mean over batches of NLL(without it) − NLL(with it) (positive = the cell helps). */
export function looGain(head: DistributionHead, key: number, batches: readonly DistributionBatch[]): number {
  if (batches.length === 0) throw new Error("Error in looGain: no batches.");
  const diffs = tf.tidy(() => tf.stack(batches.map((b) => tf.sub<Scalar>(head.nll(b, { exclude: key }), head.nll(b)))));
  const values = diffs.dataSync();
  diffs.dispose();
  return Array.from(values).reduce((s, x) => s + x, 0) / values.length;
}

/** Dispose a distribution batch's tensors. */
export function disposeDistributionBatch(batch: DistributionBatch): void {
  tf.dispose([batch.state, batch.point, batch.target]);
}

function statisticsOf(f: AmbiguityFinding): Record<string, number> {
  const out: Record<string, number> = { neighbours: f.neighbours.length };
  if (f.deltaBic !== undefined) out["deltaBic"] = f.deltaBic;
  if (f.separation !== undefined) out["separation"] = f.separation;
  if (f.entropy !== undefined) out["entropy"] = f.entropy;
  f.modes?.forEach((mode, i) => {
    out[`mode${i}Mean`] = mode.mean;
    out[`mode${i}Weight`] = mode.weight;
  });
  return out;
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((x, i) => x === ub[i]);
}
