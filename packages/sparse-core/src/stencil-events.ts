/**
 * Typed records of what the stencil planner and the stencil dynamics did (seed 002 L1556-1560, L1791-1832;
 * SEED-INVENTORY §3.13-§3.14, §3.19; ADR 0330).
 */

/** How a stencil grows: the next ring around it, or an arm along one of 8 rays (seed L1558). */
export type StencilGrowthShape = "ring" | "arm";

/** Why stencil cells were cooled: a quiet stencil (L1559) or a budget (L1832: residuals first). */
export type StencilCoolReason = "quiet" | "struct-cap" | "active-cap";

/** Fields every stencil event has. */
interface StencilEventBase {
  /** Planner cycle or dynamics step number (0-based). */
  readonly cycle: number;
  /** The stencil layer. */
  readonly objectId: string;
}

/** Candidates generated and kept after SNR and non-maximum suppression. */
export interface StencilShortlistEvent extends StencilEventBase {
  readonly type: "stencil-shortlist";
  readonly candidates: number;
  /** Candidates cooled by NMS as near-duplicates of a better-SNR neighbour. */
  readonly suppressed: number;
  readonly shortlisted: readonly { readonly unit: number; readonly shape: StencilGrowthShape; readonly keys: readonly number[]; readonly snr: number }[];
}

/** A committed ring or arm (Warm → Hot, warm-started from the probe Δ). */
export interface StencilCommitEvent extends StencilEventBase {
  readonly type: "stencil-commit";
  readonly unit: number;
  readonly shape: StencilGrowthShape;
  /** Ring index of a ring, or direction index (0..7, N clockwise) of an arm. */
  readonly index: number;
  readonly keys: readonly number[];
  readonly meanGain: number;
  readonly winRate: number;
  readonly cStructAfter: number;
}

/** A probed candidate that was not committed. */
export interface StencilSkipEvent extends StencilEventBase {
  readonly type: "stencil-skip";
  readonly unit: number;
  readonly shape: StencilGrowthShape;
  readonly reason: "no-gain" | "overlap" | "budget" | "unit-cap" | "cycle-cap";
  readonly meanGain: number;
}

/** Cells cooled (Hot → Cold), outermost ring first. */
export interface StencilCoolEvent extends StencilEventBase {
  readonly type: "stencil-cool";
  readonly unit: number;
  /** The ring the cells were on. */
  readonly ring: number;
  readonly keys: readonly number[];
  readonly reason: StencilCoolReason;
  /** Held-out loss increase of dropping them, relative to the loss (quiet cooling only; 0 otherwise). */
  readonly relativeLossIncrease: number;
  readonly cStructAfter: number;
}

/** Units soft-tied to a centre (a new centre, or joining a live one). */
export interface StencilTieEvent extends StencilEventBase {
  readonly type: "stencil-tie";
  readonly units: readonly number[];
  readonly centre: number;
  readonly newCentre: boolean;
  readonly similarity: number;
  /** Held-out `L(current) − L(snapped to the centre)`, relative to `L(current)`. */
  readonly relativeGain: number;
}

/** A tied unit escaped its centre (residual above τ_escape, with a loss improvement). */
export interface StencilEscapeEvent extends StencilEventBase {
  readonly type: "stencil-escape";
  readonly unit: number;
  readonly centre: number;
  /** `‖r_u‖ / ‖M_u ⊙ c‖`. */
  readonly residualRatio: number;
  /** Held-out `L(snapped) − L(current)`, relative to `L(current)`. */
  readonly relativeGain: number;
}

/** A stencil unit split by clone-and-halve (the clone is Warm until the keep/re-merge decision; ADR 0332). */
export interface StencilCloneSplitEvent extends StencilEventBase {
  readonly type: "stencil-clone-split";
  readonly unit: number;
  readonly cloneUnit: number;
  /** `s²` of the unit's toggle-mask gradients over m batches (conflicting demands). */
  readonly overload: number;
  readonly addedCells: number;
  /** max |y_split − y_before| over one fresh batch at the split, antithetic noise included (second order). */
  readonly preservationError: number;
  /** The same for the split without noise (function preservation to float32 rounding). */
  readonly exactPreservationError: number;
}

/** No unit could be split: none was eligible, or every candidate's clone would exceed `structCap`. */
export interface StencilCloneSkipEvent extends StencilEventBase {
  readonly type: "stencil-clone-skip";
  readonly reason: "no-candidate" | "budget";
}

/** The keep/re-merge decision on a split after its window. */
export interface StencilCloneDecisionEvent extends StencilEventBase {
  readonly type: "stencil-clone-keep" | "stencil-clone-remerge";
  readonly unit: number;
  readonly cloneUnit: number;
  /** Mean ΔLoss `L(re-merged) − L(split)` on fresh batches. */
  readonly meanGain: number;
  readonly stdGain: number;
  readonly winRate: number;
  /** Mean loss of the re-merged net on the same batches (the gain must beat `minRelativeGain` of it). */
  readonly mergedLoss: number;
  /** Hot cells given back by the re-merge (0 when kept). */
  readonly reclaimedCells: number;
}

/** Any stencil event. */
export type StencilEvent =
  | StencilShortlistEvent
  | StencilCommitEvent
  | StencilSkipEvent
  | StencilCoolEvent
  | StencilTieEvent
  | StencilEscapeEvent
  | StencilCloneSplitEvent
  | StencilCloneSkipEvent
  | StencilCloneDecisionEvent;
