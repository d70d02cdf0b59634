/**
 * Named numbers of `@tam/neuromod`. Seed `004_b9e7278aec0f8932.txt` gives formulas but no values
 * (SEED-INVENTORY.md §15.8.4); every number here is chosen in an ADR, cited beside it.
 */

/** Operating band [θlow, θhigh] of S̄ for RangeUtil (seed L30, L107; values ADR 0503). */
export const DEFAULT_OPERATING_BAND = { low: 0.3, high: 0.7 } as const;

/** Window of RangeUtil and NoiseLeak, in ticks (seed L30, L107, L109; value ADR 0503). */
export const DEFAULT_WINDOW_TICKS = 32;

/** Weights w1..w5 of Eff_local (seed L37; values ADR 0503). */
export const DEFAULT_LOCAL_WEIGHTS = { activity: 0.25, rangeUtil: 1, saturation: 1, noiseLeak: 0.1, energy: 0.3 } as const;

/** Weights v1..v5 of Eff_cog (seed L54; values ADR 0504: the deltas matter as much as safety). */
export const DEFAULT_COGNITIVE_WEIGHTS = { coherence: 1, utility: 1, uncertainty: 1, safety: 1, calibration: 1 } as const;

/** Width of the soft band edge whose slope RangeUtil's straight-through gradient uses (ADR 0503). */
export const RANGE_UTIL_EDGE_WIDTH = 0.05;

/** Guard added to denominators (NT_available, variances), in the quantity's own units (ADR 0503). */
export const METRIC_EPSILON = 1e-6;

/** Dissociation constant of the binding law, in NT units (ADR 0501). */
export const BINDING_KD = 0.1;

/** Fraction of unbound NT cleared per tick (ADR 0501); the rest carries over. */
export const CLEARANCE_PER_TICK = 0.5;

/** Half-saturation constant mapping NT available to a modulator level μ in [0, 1) (ADR 0501). */
export const MODULATOR_HALF_SATURATION = 0.5;

/** Bias of the receptor network's output logit: no binding gives S̄ ≈ 0.05 (ADR 0501). */
export const RECEPTOR_OUTPUT_BIAS = -3;

/** Standard deviation of postsynaptic noise, in logit units, added after the gain (ADR 0501, 0502). */
export const POSTSYNAPTIC_NOISE_STD = 0.6;

/** Allosteric modulation depth κ: allo = 1 + κ·tanh(·) + tod-term stays in [0.6, 1.4] (ADR 0501). */
export const ALLOSTERIC_DEPTH = 0.3;

/** Time-of-day amplitude of the allosteric factor (ADR 0501). */
export const TIME_OF_DAY_AMPLITUDE = 0.1;

/** Output ranges of the learned maps, enforced by sigmoids (seed L153; values ADR 0501). */
export const MAP_RANGES = {
  density: { min: 0.05, max: 1 },
  sensitivity: { min: 1, max: 12 },
  release: { min: 0.02, max: 1.5 },
} as const;

/** Safety clamp on μ (seed L155; range ADR 0501). */
export const DEFAULT_MU_CLAMP = { min: 0.05, max: 0.95 } as const;

/** Realistic ranges of population averages for HomeostasisDeviation (seed L67; ADR 0505). */
export const REALISTIC_ACTIVITY_RANGE = { low: 0.25, high: 0.75 } as const;

/** Realistic range of population μ for HomeostasisDeviation (seed L67; ADR 0505). */
export const REALISTIC_MODULATOR_RANGE = { low: 0.15, high: 0.85 } as const;

/** Physiological prior of every map output, as a fraction of its range (seed L65; ADR 0505). */
export const PHYSIOLOGICAL_PRIOR_FRACTION = 0.5;

/** Decay of the slow output average that DriftPenalty compares with the priors (ADR 0505). */
export const DRIFT_AVERAGE_DECAY = 0.99;
