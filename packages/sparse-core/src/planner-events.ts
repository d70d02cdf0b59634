/**
 * Typed records of what the planner did (seed 002 metrics to expose, SEED-INVENTORY §3.19): shortlist,
 * probe, commit, skip, prune, help, calibration, relaxed-switch, and the crossover policy's switch events
 * (seed L1532-1554, §3.15).
 */
import type { ObjectCounters } from "./growth-object.js";
import type { RegionKind } from "./region.js";
import type { ComputePath, LayerPath } from "./sparse-masked-linear.js";

/** Fields every event has. */
interface EventBase {
  /** Planner cycle number (0-based). */
  readonly cycle: number;
  /** The growth object. */
  readonly objectId: string;
  /** The object's depth. */
  readonly depth: number;
}

/** A region as events record it: a single-object region, or a two-layer unit region (ADR 0308). */
export type RegionRecord = ObjectRegionRecord | UnitRegionRecord;

/** A region of one object (`cell`, `row`, `column`, `block`). */
export interface ObjectRegionRecord {
  readonly kind: RegionKind;
  readonly keys: readonly number[];
}

/**
 * A two-layer unit region (ADR 0308) as seen from the event's object: `keys` are its cells in that object
 * (the fan-in in the lower object, the fan-out in the upper one), `partner` the other object's cells.
 */
export interface UnitRegionRecord {
  readonly kind: "unit";
  readonly keys: readonly number[];
  /** The revived hidden unit (lower column, upper row). */
  readonly unit: number;
  /** Which side of the unit this object holds. */
  readonly side: "fan-in" | "fan-out";
  /** The other object and its cells. */
  readonly partner: { readonly objectId: string; readonly keys: readonly number[] };
}

/** Candidates ranked by SNR and the ones kept after NMS. */
export interface ShortlistEvent extends EventBase {
  readonly type: "shortlist";
  readonly candidates: number;
  readonly shortlisted: readonly { readonly region: RegionRecord; readonly snr: number }[];
  /** `help_ratio` of the object this cycle. */
  readonly helpRatio: number;
}

/** One micro-rollout. */
export interface ProbeEvent extends EventBase {
  readonly type: "probe";
  readonly region: RegionRecord;
  readonly regime: "frozen" | "relaxed";
  readonly snr: number;
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  readonly activeCount: number;
  /** True when the base Hot values were bit-identical after the probe (always checked). */
  readonly baseUntouched: boolean;
}

/** A region made Hot. */
export interface CommitEvent extends EventBase {
  readonly type: "commit";
  readonly region: RegionRecord;
  readonly meanGain: number;
  readonly winRate: number;
  readonly stdGain: number;
  /** True for the helper commit of a struggling object. */
  readonly helper: boolean;
  /** Probe-predicted gain (μ_R) and, when measured, the gain realised after commit. */
  readonly predictedGain: number;
  readonly realisedGain: number | null;
  readonly cStructAfter: number;
}

/** A probed candidate that was not committed, and why. */
export interface SkipEvent extends EventBase {
  readonly type: "skip";
  readonly region: RegionRecord;
  readonly reason: "no-gain" | "overlap" | "budget" | "cap";
  readonly meanGain: number;
}

/** Cells pruned (Hot → Cold) or zeroed to respect a budget. */
export interface PruneEvent extends EventBase {
  readonly type: "prune";
  readonly action: "remove" | "zero";
  readonly reason: "struct-cap" | "active-cap" | "depth-cap" | "depth-active-cap" | "displaced";
  readonly keys: readonly number[];
  readonly taylorScores: readonly number[];
  readonly cStructAfter: number;
  readonly cActiveAfter: number;
}

/** An object flagged as struggling. */
export interface HelpEvent extends EventBase {
  readonly type: "help";
  readonly helpRatio: number;
  readonly stalled: boolean;
  readonly committed: boolean;
}

/** Taylor vs LOO calibration on a subset. */
export interface CalibrationEvent extends EventBase {
  readonly type: "calibration";
  readonly cells: number;
  readonly spearman: number;
}

/** The Relaxed probe regime switched on by the measured predicted/realised gap. */
export interface RelaxedSwitchEvent extends EventBase {
  readonly type: "relaxed-switch";
  readonly meanPredicted: number;
  readonly meanRealised: number;
}

/** Where a density falls among the seed's bands (L1544-1549): below 0.05, 0.05..0.2, above 0.2 by default. */
export type DensityBand = "sparse" | "compare" | "dense";

/**
 * The dense crossover policy switched an object's compute path (seed L1532-1554). `cycle` is the policy's
 * check number for this object (0-based). Counters are read before and after the switch: `cStruct` and
 * `cActive` keep their sparse meaning (the planner reasons in nnz and masks, L1838), `computeCells` follows
 * the new representation (L1553).
 */
export interface SwitchEvent extends EventBase {
  readonly type: "switch";
  readonly from: LayerPath;
  readonly to: ComputePath;
  /** `C_struct / (in·out)`. */
  readonly density: number;
  readonly band: DensityBand;
  readonly batchSize: number;
  /** Stored paths the sparse kernel iterates over (`C_struct`). */
  readonly pathCount: number;
  /** Predicted seconds per call on each path (the device cost model). */
  readonly sparseSeconds: number;
  readonly denseSeconds: number;
  /** Predicted seconds on the tile path (ADR 0331), when the cost model and the object have one. */
  readonly tileSeconds?: number;
  /** Consecutive checks that agreed before the switch. */
  readonly agreeingChecks: number;
  readonly countersBefore: ObjectCounters;
  readonly countersAfter: ObjectCounters;
}

/** Every planner event. */
export type PlannerEvent = ShortlistEvent | ProbeEvent | CommitEvent | SkipEvent | PruneEvent | HelpEvent | CalibrationEvent | RelaxedSwitchEvent | SwitchEvent;
