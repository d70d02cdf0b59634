/**
 * The Δ-state log (seed 002 v2 L1483-1511, v3 L1710-1738, decision L1567; SEED-INVENTORY §3.12, C-16,
 * D-10; ADR 0322): state history as sparse differentials, optional per node and off by default.
 *
 * - `record(state, { step, time?, batchTag? })` is called every step; every `coalesceSteps` records the log
 *   flushes one entry: the sparse difference between the state and the log's own reconstruction, keeping
 *   only entries with `|Δ| > epsilon` (COO indices in the state's index space), with the step, an optional
 *   wall-clock time and the batch tags of the coalesced steps.
 * - Sub-ε residual (D-10): differences below ε are not dropped, they stay in `state − reconstruction` and are
 *   logged once they accumulate past ε, so the reconstruction error of every entry is at most ε (at ε = 0
 *   the reconstruction is exact).
 * - Keyframes at horizon boundaries (D-10): every `horizonSteps` steps the log stores the true state as a
 *   keyframe and starts a new segment; it keeps the current and the previous segment (a ring of two
 *   segments), so the last `horizonSteps` to `2·horizonSteps` steps can be reconstructed and errors never
 *   carry past a boundary.
 * - Hard cap on nnz per horizon: a flush logs at most the remaining cap, largest |Δ| first; what does not fit
 *   stays in the residual (the entry records the error bound that results) until the next keyframe.
 *
 * Arithmetic is float64 on the host; the reconstruction replays exactly the sums the recorder made, so it is
 * bit-for-bit the recorder's running state. At ε = 0 it equals the recorded float32 state whenever each
 * difference is exact in float64 (float32 values whose magnitudes are within a factor 2^29, or zero).
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";

/** Default `horizon_steps` H (seed L1731 "e.g., last 128 steps"). */
export const DELTA_LOG_HORIZON_STEPS = 128;
/** Default `epsilon_delta` (ADR 0322: the planner's ε of `C_active`). */
export const DELTA_LOG_EPSILON = 1e-4;
/** Default K: records coalesced into one entry (ADR 0322). */
export const DELTA_LOG_COALESCE_STEPS = 4;
/** Default hard cap on logged non-zeros per horizon segment (ADR 0322). */
export const DELTA_LOG_NNZ_CAP_PER_HORIZON = 4096;

/** The per-node flags of seed L1734 (`log_deltas`, `epsilon_delta`, `horizon_steps`) plus coalescing and the nnz cap. */
export const deltaStateLogConfigSchema = z
  .object({
    /** `log_deltas`: off by default (C-16). */
    enabled: z.boolean().default(false),
    /** `epsilon_delta`: only |Δ| above it is logged (the rest accumulates in the residual). */
    epsilon: z.number().min(0).finite().default(DELTA_LOG_EPSILON),
    /** `horizon_steps` H: keyframe period and the rolling horizon (seed L1731 "e.g., last 128 steps"). */
    horizonSteps: z.number().int().min(1).default(DELTA_LOG_HORIZON_STEPS),
    /** K: records coalesced into one entry (seed L1731 "coalescing"). */
    coalesceSteps: z.number().int().min(1).default(DELTA_LOG_COALESCE_STEPS),
    /** Hard cap on logged non-zeros per horizon segment (seed L1731). */
    nnzCapPerHorizon: z.number().int().min(1).default(DELTA_LOG_NNZ_CAP_PER_HORIZON),
  })
  .strict();

/** Δ-state log configuration as accepted (every field optional). */
export type DeltaStateLogConfigInput = z.input<typeof deltaStateLogConfigSchema>;
/** Δ-state log configuration with defaults. */
export type DeltaStateLogConfig = z.output<typeof deltaStateLogConfigSchema>;

/** One logged sparse difference. */
export interface DeltaEntry {
  /** Step index of the flush (`t_k`). */
  readonly step: number;
  /** Wall-clock time of the flush, when the caller gave one. */
  readonly time: number | undefined;
  /** Steps this entry coalesces (`(previous flush, step]`). */
  readonly fromStep: number;
  /** Batch tags of the coalesced steps, in order (absent tags skipped). */
  readonly batchTags: readonly string[];
  /** Sorted state indices with `|Δ| > ε`. */
  readonly indices: Int32Array;
  /** The differences, aligned with `indices`. */
  readonly values: Float64Array;
  /** `max |state − reconstruction|` right after this flush: the reconstruction's error bound at `step`. */
  readonly maxResidual: number;
}

/** A keyframe: the true state at the start of a horizon segment. */
export interface Keyframe {
  readonly step: number;
  readonly state: Float64Array;
}

/** Where to stamp a record. */
export interface DeltaRecordStamp {
  /** Step index; strictly increasing across records. */
  readonly step: number;
  /** Optional wall-clock time (the log never reads a clock, for determinism). */
  readonly time?: number;
  /** Optional batch id or tag. */
  readonly batchTag?: string;
}

interface Segment {
  readonly keyframe: Keyframe;
  readonly entries: DeltaEntry[];
  nnz: number;
}

/**
 * A Δ-state log over a state vector of fixed size.
 *
 * @example
 * ```ts
 * const log = new DeltaStateLog(16, { enabled: true, epsilon: 1e-4, coalesceSteps: 4 });
 * for (let step = 0; step < 200; step += 1) log.record(stateAt(step), { step, batchTag: `b${step}` });
 * log.reconstruct(196);        // state at the last flush ≤ 196, within ε per entry
 * log.entries().length;        // flushes kept in the horizon
 * ```
 */
export class DeltaStateLog {
  readonly config: DeltaStateLogConfig;
  readonly stateSize: number;
  private readonly running: Float64Array;
  private segments: Segment[] = [];
  private lastStep: number | undefined;
  private pendingSince = 0;
  private pendingFrom = 0;
  private pendingTags: string[] = [];
  private deferred = 0;

  /** @throws Error naming the field when the size or a config field is invalid. */
  constructor(stateSize: number, config: DeltaStateLogConfigInput = {}) {
    if (!Number.isSafeInteger(stateSize) || stateSize < 1) throw new Error(`Error in DeltaStateLog: stateSize must be a positive integer, got ${stateSize}.`);
    this.config = parseConfig(deltaStateLogConfigSchema, config, "DeltaStateLog");
    this.stateSize = stateSize;
    this.running = new Float64Array(stateSize);
  }

  /** Whether the log records anything (`log_deltas`). */
  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Differences left out of entries because the per-horizon nnz cap was reached (counted per index and flush). */
  get capDeferred(): number {
    return this.deferred;
  }

  /**
   * Record the state of a step. A no-op returning false while the log is disabled; otherwise true.
   * The first record (and the first at or after each horizon boundary) stores a keyframe.
   *
   * @throws Error naming the field when the state has the wrong size or a non-finite value, or the step does not increase.
   */
  record(state: ArrayLike<number>, stamp: DeltaRecordStamp): boolean {
    if (!this.config.enabled) return false;
    if (state.length !== this.stateSize) throw new Error(`Error in DeltaStateLog.record: state must have ${this.stateSize} entries, got ${state.length}.`);
    for (let i = 0; i < state.length; i += 1) if (!Number.isFinite(state[i])) throw new Error(`Error in DeltaStateLog.record: state[${i}] is ${state[i]}.`);
    const { step } = stamp;
    if (!Number.isSafeInteger(step) || (this.lastStep !== undefined && step <= this.lastStep)) {
      throw new Error(`Error in DeltaStateLog.record: step must be an integer above the last (${this.lastStep ?? "none"}), got ${step}.`);
    }
    this.lastStep = step;
    const current = this.segments[this.segments.length - 1];
    if (current === undefined || step - current.keyframe.step >= this.config.horizonSteps) {
      this.keyframe(state, step);
      return true;
    }
    if (stamp.batchTag !== undefined) this.pendingTags.push(stamp.batchTag);
    this.pendingSince += 1;
    if (this.pendingSince >= this.config.coalesceSteps) this.flush(state, stamp, current);
    return true;
  }

  /** The kept entries, oldest first. */
  entries(): readonly DeltaEntry[] {
    return this.segments.flatMap((s) => s.entries);
  }

  /** The kept keyframes, oldest first. */
  keyframes(): readonly Keyframe[] {
    return this.segments.map((s) => s.keyframe);
  }

  /** Steps at which the state can be reconstructed (keyframes and flushes), ascending. */
  steps(): number[] {
    return this.segments.flatMap((s) => [s.keyframe.step, ...s.entries.map((e) => e.step)]);
  }

  /** Logged non-zeros in the current horizon segment. */
  get segmentNnz(): number {
    return this.segments[this.segments.length - 1]?.nnz ?? 0;
  }

  /**
   * `state_t = keyframe + Σ Δ` up to the last keyframe or flush at or before `step` (seed L1722).
   *
   * @throws Error naming `step` when it is before the oldest kept keyframe or nothing is logged.
   */
  reconstruct(step: number): Float64Array {
    let segment: Segment | undefined;
    for (const s of this.segments) if (s.keyframe.step <= step) segment = s;
    if (segment === undefined) throw new Error(`Error in DeltaStateLog.reconstruct: step ${step} is before the oldest kept keyframe (${this.segments[0]?.keyframe.step ?? "none logged"}).`);
    const out = Float64Array.from(segment.keyframe.state);
    for (const entry of segment.entries) {
      if (entry.step > step) break;
      entry.indices.forEach((index, j) => {
        out[index] = (out[index] as number) + (entry.values[j] as number);
      });
    }
    return out;
  }

  private keyframe(state: ArrayLike<number>, step: number): void {
    this.running.set(Array.from(state));
    this.segments.push({ keyframe: { step, state: Float64Array.from(this.running) }, entries: [], nnz: 0 });
    if (this.segments.length > 2) this.segments = this.segments.slice(-2);
    this.pendingSince = 0;
    this.pendingFrom = step;
    this.pendingTags = [];
  }

  private flush(state: ArrayLike<number>, stamp: DeltaRecordStamp, segment: Segment): void {
    const eps = this.config.epsilon;
    const candidates: { index: number; delta: number }[] = [];
    for (let i = 0; i < this.stateSize; i += 1) {
      const delta = (state[i] as number) - (this.running[i] as number);
      if (Math.abs(delta) > eps) candidates.push({ index: i, delta });
    }
    const room = this.config.nnzCapPerHorizon - segment.nnz;
    let chosen = candidates;
    if (candidates.length > room) {
      chosen = [...candidates].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.index - b.index).slice(0, Math.max(0, room));
      chosen.sort((a, b) => a.index - b.index);
      this.deferred += candidates.length - chosen.length;
    }
    for (const { index, delta } of chosen) this.running[index] = (this.running[index] as number) + delta;
    let maxResidual = 0;
    for (let i = 0; i < this.stateSize; i += 1) maxResidual = Math.max(maxResidual, Math.abs((state[i] as number) - (this.running[i] as number)));
    segment.entries.push({
      step: stamp.step,
      time: stamp.time,
      fromStep: this.pendingFrom + 1,
      batchTags: this.pendingTags,
      indices: Int32Array.from(chosen, (c) => c.index),
      values: Float64Array.from(chosen, (c) => c.delta),
      maxResidual,
    });
    segment.nnz += chosen.length;
    this.pendingSince = 0;
    this.pendingFrom = stamp.step;
    this.pendingTags = [];
  }
}
