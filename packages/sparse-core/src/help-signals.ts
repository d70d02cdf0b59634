/**
 * Flags for struggling Hot regions (seed 002 Save State L1306-1310; SEED-INVENTORY §3.8):
 * `help_ratio = ‖g_cold*‖ / (‖g_hot‖ + ε)` with `g_cold*` the prospective frontier gradients, and
 * **stall** = big residuals with tiny progress. Norms are per-cell RMS (ADR 0302), so a large Cold set and
 * a small Hot set compare on the same footing.
 */
import { HELP_RATIO_EPSILON, STALL_TOLERANCE, STALL_WINDOW } from "./constants.js";

/** Root mean square of a vector (0 for an empty one). */
export function rms(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += (values[i] as number) ** 2;
  return Math.sqrt(sum / values.length);
}

/**
 * `help_ratio = rms(g_cold*) / (rms(g_hot) + ε)`.
 *
 * @example
 * ```ts
 * helpRatio(Float32Array.of(3, 4), Float32Array.of(0.5));   // ≈ 7.07
 * ```
 */
export function helpRatio(coldFrontier: ArrayLike<number>, hot: ArrayLike<number>, epsilon: number = HELP_RATIO_EPSILON): number {
  return rms(coldFrontier) / (rms(hot) + epsilon);
}

/**
 * Stall: over the last `window + 1` losses, the relative improvement `(L_first - L_last) / L_first` is
 * below `tolerance` while the last loss is above `residualFloor`.
 *
 * @example
 * ```ts
 * isStalled([1, 0.999, 0.998, 0.998]);   // true: 0.2 % improvement over 3 cycles
 * ```
 */
export function isStalled(lossHistory: readonly number[], options: { readonly window?: number; readonly tolerance?: number; readonly residualFloor?: number } = {}): boolean {
  const window = options.window ?? STALL_WINDOW;
  const tolerance = options.tolerance ?? STALL_TOLERANCE;
  const floor = options.residualFloor ?? 0;
  if (lossHistory.length < window + 1) return false;
  const first = lossHistory[lossHistory.length - 1 - window] as number;
  const last = lossHistory[lossHistory.length - 1] as number;
  if (!(last > floor) || !(first > 0)) return false;
  return (first - last) / first < tolerance;
}
