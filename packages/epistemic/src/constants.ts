/**
 * Named constants of the epistemic-debt rules.
 *
 * Source: `003_9e0f6a831bfd364e.txt` (SEED-INVENTORY.md §7.1). Each constant cites the seed line it
 * comes from (1-based, as printed by `cat -n`); constants we chose cite the ADR that chose them.
 */

/** Debt above which every non-calibration action is blocked (exclusive: 2.0 itself is allowed). Seed L31, L304. */
export const DEBT_THRESHOLD_BITS = 2.0;

/** Cost-inflation sensitivity, "50% per bit". Seed L34, L192. */
export const DEBT_SENSITIVITY = 0.5;

/** The sensitivity the seed replaced ("was 10%"), kept to check the seed's before/after examples. Seed L190, L198–199. */
export const LEGACY_DEBT_SENSITIVITY = 0.1;

/** Cost of the cheapest calibration (`baseline_replicates`, n_reps = 12): the budget reserve. Seed L69, L336–339. */
export const MIN_CALIBRATION_COST_WELLS = 12;

/** Repayment every executed calibration earns, whatever its evidence. Seed L95, L104. */
export const REPAYMENT_BASE_BITS = 0.25;

/** Largest evidence bonus of one calibration. Seed L97. */
export const REPAYMENT_BONUS_MAX_BITS = 0.75;

/** Bonus bits per unit of fractional noise improvement (0.1 improvement earns 0.75 bits). Seed L97, L105. */
export const REPAYMENT_BONUS_BITS_PER_NOISE_IMPROVEMENT = 7.5;

/** Most one calibration can repay, against "debt farming". Seed L99, L351–354 (redundant today, D-13; kept for safety). */
export const REPAYMENT_CAP_BITS = 1.0;

/**
 * Cost at which inflation starts (the `12` inside `log10(cost / 12)`): actions no dearer than the
 * cheapest calibration are never inflated. DESIGN.md C-12; docs/decisions/0101-epistemic-cost-inflation.md.
 */
export const COST_INFLATION_REFERENCE_WELLS = MIN_CALIBRATION_COST_WELLS;

/** Contamination reason recorded when enforcement is disabled. Seed L131. */
export const CONTAMINATION_REASON_ENFORCEMENT_DISABLED = "DEBT_ENFORCEMENT_DISABLED";

/** Warning logged when enforcement is disabled. Seed L132. */
export const CONTAMINATION_WARNING = "⚠️  CONTAMINATED RUN: Epistemic debt enforcement disabled";

/**
 * Resolution of the ledger: every debt value is rounded to this many bits so that log records are free
 * of floating-point noise (2.7 − 1.0 is logged as 1.7, as in the seed's record, L111–113).
 * docs/decisions/0102-epistemic-debt-accrual.md.
 */
export const DEBT_RESOLUTION_BITS = 1e-12;
