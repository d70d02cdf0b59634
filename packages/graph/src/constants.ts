/**
 * Named numbers of `@tam/graph`. Numbers from the seed cite `002_fd5a3473383d7267.txt` lines; numbers we
 * chose cite the ADR (`docs/decisions/04NN-graph-*.md`) that chose them.
 */

// ---- Seed: Archive 00 prototype (L5-203) ----

/** `max_history_length=6`: rows of a node's state history (002 L49, L185). */
export const DEFAULT_HISTORY_LENGTH = 6;
/** `update_frequency = 1.0`: a node updates on every step by default (002 L57). */
export const DEFAULT_UPDATE_FREQUENCY = 1.0;
/** `num_nodes = 10` of the seed example (002 L183). */
export const EXAMPLE_NODE_COUNT = 10;
/** `state_dim = 4` of the seed example (002 L184). */
export const EXAMPLE_STATE_DIM = 4;
/** `for _ in range(5)`: steps of the seed example (002 L201). */
export const EXAMPLE_STEPS = 5;

// ---- Seed: Archive 03 (L620-900) ----

/** Minimum cluster size per level behind `L_max = ceil(log2 n0)` (002 L626-628). */
export const MIN_CLUSTER_SIZE = 2;
/** Number of components of `NoveltySignal.vec` (002 L856-857). */
export const NOVELTY_COMPONENTS = 7;

// ---- Lorenz system (Lorenz 1963; the values PySINDy's example uses) ----

/** Lorenz σ. */
export const LORENZ_SIGMA = 10;
/** Lorenz ρ. */
export const LORENZ_RHO = 28;
/** Lorenz β. */
export const LORENZ_BETA = 8 / 3;

// ---- Chosen: barrier and complexity (ADR 0403) ----

/** ε floor under `1 - (C/limit)^2` in γ (ADR 0403): γ_max = 1/(scale·√ε) = 100/scale. */
export const BARRIER_EPSILON = 1e-4;
/** Default γ scale (ADR 0403): γ → 1 far from the limit. */
export const BARRIER_SCALE = 1;
/** δ of the smooth parameter count `θ²/(θ² + δ²)` (ADR 0403): a weight of |θ| = 3δ counts 0.9 token. */
export const COMPLEXITY_DELTA = 0.02;
/** Halvings of a step before it is rejected by the hard clip at the token limit (ADR 0403). */
export const BARRIER_MAX_BACKTRACKS = 12;
/** γ above which a step counts as saturated for `saturation_time` (ADR 0405): v_eff ≈ 0.94. */
export const SATURATION_GAMMA = 3;

// ---- Chosen: tokens (ADR 0402) ----

/** EMA rate of the marginal-gain estimate of `distributeTokens` (ADR 0402). */
export const TOKEN_GAIN_EMA = 0.1;
/** Share of the free tokens every module gets regardless of its gain (ADR 0402). */
export const TOKEN_FLOOR_SHARE = 0.1;
/** Fraction of the way each limit moves toward its target per distribution (ADR 0402). */
export const TOKEN_RELAXATION = 0.5;
/** Window of the rolling CGPT diagnostic, in records (ADR 0402). */
export const CGPT_WINDOW = 10;

// ---- Chosen: learning (ADR 0401) ----

/** Default Adam step size of the graph trainer (ADR 0401). */
export const GRAPH_LEARNING_RATE = 0.01;
/** σ of the update-gate mixture likelihood, in standardised units (ADR 0401). */
export const MIXTURE_SIGMA = 0.01;
/** Weight given to the newest history slot of a learning edge at init (ADR 0401): a pass-through. */
export const LEARNING_EDGE_NEWEST_WEIGHT = 1;

// ---- Chosen: hierarchy (ADR 0404) ----

/** Relative LC-objective improvement a nascent module must show to materialise (ADR 0404). */
export const MATERIALISE_MIN_GAIN = 0.02;
/** A materialised module whose relative benefit falls below this is consolidated (ADR 0404). */
export const CONSOLIDATE_MAX_GAIN = 0.005;

// ---- Chosen: novelty signals and the prototype cache (ADR 0405) ----

/** EMA rate of the fast novelty statistics (ADR 0405). */
export const NOVELTY_EMA = 0.3;
/** EMA rate of the calm-regime baseline (ADR 0405). */
export const NOVELTY_BASELINE_EMA = 0.02;
/** Observations during which the baseline always learns (ADR 0405): about 1 / NOVELTY_BASELINE_EMA. */
export const NOVELTY_WARMUP = 50;
/** After the warm-up the baseline only learns while every |z| is below this (ADR 0405). */
export const NOVELTY_CALM_Z = 3;
/** z-scores are clipped to ± this before quantising a signature (ADR 0405). */
export const SIGNATURE_CLIP = 8;
/** Quantisation step of a z-score in a signature (ADR 0405). */
export const SIGNATURE_QUANTUM = 4;
/** L1 distance between quantised signatures under which a prototype matches (ADR 0405). */
export const PROTOTYPE_MATCH_DISTANCE = 3;

// ---- Chosen: equation discovery (ADR 0407) ----

/** STLSQ threshold on |ξ| (ADR 0407; PySINDy's example on Lorenz uses 0.05-0.1). */
export const STLSQ_THRESHOLD = 0.1;
/** Ridge α of each STLSQ least-squares solve (ADR 0407; PySINDy's STLSQ default is 0.05 with normalised columns). */
export const STLSQ_RIDGE = 1e-6;
/** Maximum STLSQ iterations (ADR 0407; PySINDy's default `max_iter=20`). */
export const STLSQ_MAX_ITERATIONS = 20;

// ---- Chosen: transients (ADR 0408) ----

/** A module spawns a transient when its largest novelty z-score reaches this (ADR 0408). */
export const TRANSIENT_SPAWN_Z = 6;
/** Normalised gradient-descent step size of transient parameters (ADR 0408): the step is divided by the mean ‖[base, 1]‖². */
export const TRANSIENT_LEARNING_RATE = 0.1;
/** Stream samples a transient keeps for training, newest first (ADR 0408). */
export const TRANSIENT_REPLAY = 32;
/** Steps a transient lives before it can be consolidated (ADR 0408). */
export const TRANSIENT_MIN_AGE = 8;
/** Consecutive steps without help after which a transient is consolidated (ADR 0408). */
export const TRANSIENT_PATIENCE = 2;
/** Steps after a consolidation during which the module does not spawn again (ADR 0408). */
export const TRANSIENT_COOLDOWN = 8;
/** Relative error reduction (EMA) at which a transient counts as helping (ADR 0408). */
export const TRANSIENT_MIN_GAIN = 0.2;
/** EMA rate of a transient's relative gain (ADR 0408). */
export const TRANSIENT_GAIN_EMA = 0.5;
/** Helping steps after which a transient materialises into persistent structure (ADR 0408). */
export const TRANSIENT_MATERIALISE_AFTER = 100;
/** Ridge α of the least-squares fit that turns a consolidating transient's samples into a prototype (ADR 0408). */
export const TRANSIENT_RIDGE = 1e-4;

// ---- Chosen: structure discovery (ADR 0409) ----

/** Least rarity `−ln(|cluster| / n)` of a special cluster (ADR 0409): at most a quarter of the modules. */
export const STRUCTURE_RARITY_MIN = Math.log(4);
/** Least mean energy score (energy / mean energy) of a special cluster (ADR 0409). */
export const STRUCTURE_ENERGY_MIN = 1.5;
/** The proliferation cap: most special clusters at once (ADR 0409). */
export const STRUCTURE_MAX_SPECIAL = 2;
/** A special cluster's token ceiling as a share of the total budget (ADR 0409). */
export const STRUCTURE_SPECIAL_SHARE = 0.2;
