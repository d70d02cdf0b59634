/**
 * Named constants of `@tam/tube`: the numbers the seed states (with the seed line) and the numbers we
 * chose (with the ADR that chose them).
 *
 * Source: `000_e13b841348682d63.txt` (SEED-INVENTORY.md §5); ADRs `docs/decisions/0201`–`0205`.
 */

/** Bind width multiplier k: inside means `|e| < k·σ` (000 L243, `k=2.0`). */
export const BIND_WIDTH_K = 2.0;
/** Soft-bind sigmoid sharpness γ (000 L243, `gamma=25.0`). */
export const SOFT_BIND_GAMMA = 25.0;
/** Weight of success in the seed's §7 λ update: `- success_amt * 0.2` (000 L262). */
export const SUCCESS_WEIGHT = 0.2;
/** Guard in the normalised hardness `res / (sigma_scale + 1e-6)` (000 L272). */
export const HARDNESS_EPSILON = 1e-6;
/** The λ the seed reports after 10,000 steps: "λ stabilized at ~1.6" (000 L312). */
export const SEED_LAMBDA = 1.6;
/** Steps the seed trained for: `--steps 10000` (000 L318). */
export const SEED_TRAINING_STEPS = 10_000;

/** One row of the seed's result table (000 L306–307): hard bind rate, mean σ, mean log σ. */
export interface SeedRuleResult {
  readonly bind: number;
  readonly sigma: number;
  readonly logVol: number;
}

/** Easy rule (rule 0) in the seed: `bind=1.000, σ=0.062, log_vol=-2.78` (000 L306). */
export const SEED_EASY_RESULT: SeedRuleResult = { bind: 1.0, sigma: 0.062, logVol: -2.78 };
/** Hard rule (rule 3) in the seed: `bind=0.924, σ=0.160, log_vol=-1.85` (000 L307). */
export const SEED_HARD_RESULT: SeedRuleResult = { bind: 0.924, sigma: 0.16, logVol: -1.85 };

/** Floor of σ (the seed's clamp, value unspecified): 0.01 (ADR 0202). */
export const SIGMA_FLOOR = 0.01;
/** Volume weight `alpha_vol` on mean log σ (value unspecified in the seed): 0.5 (ADR 0202). */
export const ALPHA_VOL = 0.5;
/** Step size `eta_lambda` of the λ controller: 0.01 per training step (ADR 0203). */
export const ETA_LAMBDA = 0.01;
/** Step size of the `dual` variant's ascent (the seed's η of §5, L207): 0.05 per training step (ADR 0203). */
export const ETA_DUAL = 0.05;
/** Upper clip `lambda_max` of λ: 20 (ADR 0203). */
export const LAMBDA_MAX = 20;
/** Initial λ: 1.0 (ADR 0203). */
export const LAMBDA_INIT = 1.0;
/** Rate of the per-rule running residual statistics (exponential moving average): 0.01 per episode (ADR 0203). */
export const BASELINE_RATE = 0.01;
/** Floor added to running standard deviations before dividing by them (ADR 0203). */
export const BASELINE_STD_FLOOR = 1e-4;
