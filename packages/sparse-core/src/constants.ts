/**
 * Numbers of @tam/sparse-core. Seed numbers cite `002_fd5a3473383d7267.txt` (Archive 04; v3 is
 * L1585-1856, the Progress Update L1145-1255, the Save State L1260-1351); numbers we chose cite the ADR
 * in `docs/decisions/` that chose them.
 */

/** m: independent mini-batches behind the SNR shortlist (seed L1251 "m=4 batches", L1338 "m≈4"). */
export const SNR_BATCHES = 4;
/** K: tiny steps of a micro-rollout (seed L1251 "K=2 steps", L1339; C-21). */
export const ROLLOUT_STEPS = 2;
/** At most this many regions committed per object per cycle (seed L1607 "≤ 2 paths (regions) per object per cycle"). */
export const MAX_COMMITS_PER_OBJECT = 2;
/** At most this many helper commits per object per cycle (seed L1310 "commit ≤1 helper"). */
export const MAX_HELPER_COMMITS = 1;

/** ε of `C_active = count(|w| > ε)` and of the Taylor ranking's exclusion (ADR 0302). */
export const ACTIVE_EPSILON = 1e-4;
/** ε in the SNR denominator `√(s²) + ε` (ADR 0302). */
export const SNR_EPSILON = 1e-8;
/** ε inside the Adam/RMS preconditioner `g / √(v + ε)` (ADR 0302). */
export const PRECONDITION_EPSILON = 1e-12;
/** ε of `help_ratio = ‖g_cold*‖ / (‖g_hot‖ + ε)` (ADR 0302). */
export const HELP_RATIO_EPSILON = 1e-8;
/** Fresh evaluation batches behind a micro-rollout's mean ΔLoss (ADR 0302). */
export const EVAL_BATCHES = 4;
/** Candidates that survive non-maximum suppression into the micro-rollout, per object per cycle (ADR 0301). */
export const SHORTLIST_SIZE = 6;
/** Frontier seeds taken from the largest mean toggle-mask gradients, per object per cycle (ADR 0301). */
export const FRONTIER_GRADIENT_SEEDS = 8;
/** Frontier seeds drawn uniformly from the Cold set (exploration), per object per cycle (ADR 0301). */
export const FRONTIER_RANDOM_SEEDS = 2;
/** Longest row or column slice region, in cells (ADR 0301). */
export const SLICE_MAX_CELLS = 8;
/** A slice keeps a Cold cell whose |ḡ| is at least this fraction of its seed's (ADR 0301). */
export const SLICE_KEEP_FRACTION = 0.5;
/** Side of the aligned tiles behind block regions (ADR 0301). */
export const BLOCK_SIDE = 4;
/** Non-maximum suppression: a candidate whose cell IoU with a kept one exceeds this is cooled (ADR 0301). */
export const NMS_MAX_IOU = 0;
/** Learning rate of the micro-rollout's tiny Adam steps on Δ_R (ADR 0302). */
export const PROBE_LEARNING_RATE = 0.01;
/** Relaxed probe: weight of the trust-region term ρ‖Δ_H‖² (ADR 0302). */
export const RELAXED_TRUST_WEIGHT = 1;
/** Relaxed probe switches on when realised gain exceeds predicted by this fraction on average (ADR 0302). */
export const RELAXED_GAP_FRACTION = 0.25;
/** Commits whose predicted vs realised gains feed the Relaxed trigger (ADR 0302). */
export const RELAXED_GAP_WINDOW = 6;
/** help_ratio above this flags an object as struggling (ADR 0302). */
export const HELP_RATIO_THRESHOLD = 2;
/** Planner cycles of loss history behind the stall flag (ADR 0302). */
export const STALL_WINDOW = 3;
/** Relative loss improvement over the stall window below which an object is stalled (ADR 0302). */
export const STALL_TOLERANCE = 0.01;
/** Hot cells zeroed one at a time for the LOO calibration of the Taylor score (ADR 0302). */
export const LOO_SUBSET = 16;
/** Two-layer unit regions probed per lower object per cycle (ADR 0308). */
export const UNIT_CANDIDATES = 2;
/** Top singular directions of `E[x δᵀ]` a unit region's fan-in is chosen from, each with both signs (ADR 0308). */
export const UNIT_DIRECTIONS = 3;
