/**
 * Hardness estimators for the commitment price: how hard an episode was, from its residual.
 * - `residual`: the mean |τ − μ| over T and D (the seed's baseline, which tracks model error, L159–161).
 * - `normalised`: residual / (mean σ + 1e-6), as implemented in the seed (L266–272); ≥ 0 always.
 * - `per-rule`: signed, the residual's z-score against running statistics of its own rule (L170–178),
 *   negative for an episode easier than its rule usually is, so the surprise term `max(0, −h)` can act.
 * The residual aggregate is the mean over T and D (SEED-INVENTORY D-15).
 *
 * Source: `000_e13b841348682d63.txt` §4 L157–187, §7 L266–275; SEED-INVENTORY.md §5.6, C-11, D-7, D-15.
 */
import { BASELINE_RATE, BASELINE_STD_FLOOR, HARDNESS_EPSILON } from "./constants.js";

/** Names of the hardness estimators. */
export const HARDNESS_ESTIMATORS = ["residual", "normalised", "per-rule"] as const;
/** A hardness estimator. */
export type HardnessEstimator = (typeof HARDNESS_ESTIMATORS)[number];

/** Raw residual hardness: the residual itself. */
export function residualHardness(residual: number): number {
  return residual;
}

/**
 * The seed's normalised hardness `res / (σ̄ + 1e-6)` (000 L272).
 *
 * @example
 * ```ts
 * normalisedHardness(0.05, 0.1);   // ≈ 0.5
 * ```
 */
export function normalisedHardness(residual: number, sigmaMean: number): number {
  return residual / (sigmaMean + HARDNESS_EPSILON);
}

/**
 * Running mean and standard deviation of a quantity per rule (exponential moving averages with rate
 * `rate`; the first observation of a rule sets its mean). `zScore` is 0 for a rule never observed.
 *
 * @example
 * ```ts
 * const baselines = new RuleBaselines(4);
 * baselines.observe(3, 0.2);
 * baselines.zScore(3, 0.1);   // < 0: easier than rule 3 usually is
 * ```
 */
export class RuleBaselines {
  private readonly means: Float64Array;
  private readonly variances: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    readonly ruleCount: number,
    readonly rate: number = BASELINE_RATE,
  ) {
    if (!(Number.isInteger(ruleCount) && ruleCount >= 1)) throw new Error(`Error in RuleBaselines: ruleCount must be an integer >= 1, got ${ruleCount}.`);
    if (!(Number.isFinite(rate) && rate > 0 && rate <= 1)) throw new Error(`Error in RuleBaselines: rate must be in (0, 1], got ${rate}.`);
    this.means = new Float64Array(ruleCount);
    this.variances = new Float64Array(ruleCount);
    this.counts = new Float64Array(ruleCount);
  }

  private check(fn: string, rule: number): void {
    if (!(Number.isInteger(rule) && rule >= 0 && rule < this.ruleCount)) {
      throw new Error(`Error in RuleBaselines.${fn}: rule must be an integer in [0, ${this.ruleCount}), got ${rule}.`);
    }
  }

  /** Fold one observation of `value` for `rule` into its running statistics. */
  observe(rule: number, value: number): void {
    this.check("observe", rule);
    if (!Number.isFinite(value)) throw new Error(`Error in RuleBaselines.observe: value must be finite, got ${value}.`);
    if (this.counts[rule] === 0) {
      this.means[rule] = value;
      this.variances[rule] = 0;
    } else {
      const delta = value - (this.means[rule] ?? 0);
      this.means[rule] = (this.means[rule] ?? 0) + this.rate * delta;
      this.variances[rule] = (1 - this.rate) * ((this.variances[rule] ?? 0) + this.rate * delta * delta);
    }
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
  }

  /** Running mean for `rule` (0 before the first observation). */
  mean(rule: number): number {
    this.check("mean", rule);
    return this.means[rule] ?? 0;
  }

  /** Running standard deviation for `rule`. */
  std(rule: number): number {
    this.check("std", rule);
    return Math.sqrt(this.variances[rule] ?? 0);
  }

  /** Observations seen for `rule`. */
  count(rule: number): number {
    this.check("count", rule);
    return this.counts[rule] ?? 0;
  }

  /** `(value − mean) / (std + 1e-4)` for `rule`; 0 before the rule's first observation. */
  zScore(rule: number, value: number): number {
    this.check("zScore", rule);
    if (this.counts[rule] === 0) return 0;
    return (value - this.mean(rule)) / (this.std(rule) + BASELINE_STD_FLOOR);
  }
}
