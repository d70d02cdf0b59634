/**
 * Debt-driven cost inflation.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L34 ("50% per bit"), L190–199 (examples at 2.0 bits: 20 wells
 * 1.20×, 200 wells 2.0×), L341–344. The seed gives no formula (SEED-INVENTORY.md C-12); this is the one
 * DESIGN.md recommends, decided in docs/decisions/0101-epistemic-cost-inflation.md:
 *
 *   multiplier = min(1 + s · threshold, 1 + s · debt · max(0, log10(cost / 12)))
 *
 * Calibration and termination are never inflated (C-24).
 */
import type { ActionTemplate } from "./action-template.js";
import { COST_INFLATION_REFERENCE_WELLS, DEBT_SENSITIVITY, DEBT_THRESHOLD_BITS } from "./constants.js";

/** Optional parameters of the inflation formula (the defaults are the seed's). */
export interface CostInflationOptions {
  /** Sensitivity s, per bit; default 0.5 (seed L192). */
  readonly sensitivity?: number;
  /** Threshold in bits that caps the multiplier at 1 + s · threshold; default 2.0 (seed L31). */
  readonly thresholdBits?: number;
  /** Cost at which inflation starts; default 12 wells. */
  readonly referenceWells?: number;
}

function requireFinite(where: string, field: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${where}: ${field} must be a finite number >= ${String(min)}, got ${String(value)}`);
  }
}

/**
 * Cost multiplier for a non-calibration action of `baseCostWells` at `debtBits` of debt.
 *
 * @example
 * ```ts
 * costMultiplier(2.0, 20);  // ≈ 1.222 (seed: "1.20×")
 * costMultiplier(2.0, 200); // 2.0     (seed: "2.0×")
 * ```
 */
export function costMultiplier(debtBits: number, baseCostWells: number, options: CostInflationOptions = {}): number {
  const sensitivity = options.sensitivity ?? DEBT_SENSITIVITY;
  const thresholdBits = options.thresholdBits ?? DEBT_THRESHOLD_BITS;
  const referenceWells = options.referenceWells ?? COST_INFLATION_REFERENCE_WELLS;
  requireFinite("costMultiplier", "debtBits", debtBits, 0);
  requireFinite("costMultiplier", "baseCostWells", baseCostWells, 0);
  requireFinite("costMultiplier", "sensitivity", sensitivity, 0);
  requireFinite("costMultiplier", "thresholdBits", thresholdBits, 0);
  if (!Number.isFinite(referenceWells) || referenceWells <= 0) {
    throw new Error(`costMultiplier: referenceWells must be a finite number > 0, got ${String(referenceWells)}`);
  }
  if (baseCostWells === 0) return 1;
  const sizeFactor = Math.max(0, Math.log10(baseCostWells / referenceWells));
  return Math.min(1 + sensitivity * thresholdBits, 1 + sensitivity * debtBits * sizeFactor);
}

/**
 * Effective cost in wells of an action at a given debt: calibration and termination keep their base
 * cost; any other action is multiplied by {@link costMultiplier}.
 *
 * @example
 * ```ts
 * inflatedCostWells(DOSE_RESPONSE, 2.0);       // ≈ 24.4
 * inflatedCostWells(BASELINE_REPLICATES, 10);  // 12, never inflated
 * ```
 */
export function inflatedCostWells(action: ActionTemplate, debtBits: number, options: CostInflationOptions = {}): number {
  if (action.kind !== "biology") {
    requireFinite("inflatedCostWells", "debtBits", debtBits, 0);
    return action.costWells;
  }
  return action.costWells * costMultiplier(debtBits, action.costWells, options);
}
