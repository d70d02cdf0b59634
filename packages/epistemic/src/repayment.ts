/**
 * Debt repayment: only calibration repays, and its evidence (noise improvement) sets the amount.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L86–116 (`compute_repayment`), SEED-INVENTORY.md §7.5, D-13.
 */
import {
  REPAYMENT_BASE_BITS,
  REPAYMENT_BONUS_BITS_PER_NOISE_IMPROVEMENT,
  REPAYMENT_BONUS_MAX_BITS,
  REPAYMENT_CAP_BITS,
} from "./constants.js";

/**
 * Bits one action repays: 0 for a non-calibration action; for a calibration
 * `min(1.0, 0.25 + min(0.75, 7.5 · noiseImprovement))`, the bonus only for a positive improvement.
 *
 * @param isCalibration - whether the executed action is a calibration.
 * @param noiseImprovement - fractional reduction of measurement noise the calibration achieved
 *   (0.1 = 10%); non-positive values earn no bonus.
 * @example
 * ```ts
 * computeRepayment(false, 0.5); // 0
 * computeRepayment(true, 0);    // 0.25
 * computeRepayment(true, 0.1);  // 1.0
 * ```
 */
export function computeRepayment(isCalibration: boolean, noiseImprovement: number): number {
  if (Number.isNaN(noiseImprovement)) {
    throw new Error(`computeRepayment: noiseImprovement must be a number, got ${String(noiseImprovement)}`);
  }
  if (!isCalibration) return 0;
  let repaymentBits = REPAYMENT_BASE_BITS;
  if (noiseImprovement > 0) {
    repaymentBits += Math.min(REPAYMENT_BONUS_MAX_BITS, noiseImprovement * REPAYMENT_BONUS_BITS_PER_NOISE_IMPROVEMENT);
  }
  return Math.min(REPAYMENT_CAP_BITS, repaymentBits);
}
