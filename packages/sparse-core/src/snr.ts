/**
 * The SNR shortlist score of a candidate region (seed 002 L1173-1177, refined form per C-20; L1181
 * preconditioning):
 * `ḡ_R = (1/m) Σ_t g_R^(t)`, `s_R² = (1/(m-1)) Σ_t ‖g_R^(t) - ḡ_R‖²`, `SNR_R = ‖ḡ_R‖ / (√(s_R²) + ε)`.
 * Used only to rank and shortlist, never to decide.
 */
import { SNR_EPSILON } from "./constants.js";

/** SNR and its parts for one region. */
export interface SnrResult {
  /** `‖ḡ_R‖`. */
  readonly meanNorm: number;
  /** `s_R²` (refined variance). */
  readonly variance: number;
  /** `‖ḡ_R‖ / (√(s_R²) + ε)`. */
  readonly snr: number;
}

/**
 * SNR of a region from its per-batch gradient vectors (`m ≥ 2` vectors of equal length, already
 * preconditioned when wanted).
 *
 * @example
 * ```ts
 * regionSnr([Float32Array.of(1, 0), Float32Array.of(3, 0)]);   // ḡ = (2,0), s² = 2, SNR = 2/√2
 * ```
 * @throws Error naming `regionSnr` when fewer than 2 batches are given or lengths differ.
 */
export function regionSnr(perBatch: readonly Float32Array[], epsilon: number = SNR_EPSILON): SnrResult {
  const m = perBatch.length;
  if (m < 2) throw new Error(`Error in regionSnr: need at least 2 batches for the variance (m - 1 > 0), got ${m}.`);
  const n = perBatch[0]?.length ?? 0;
  if (perBatch.some((g) => g.length !== n)) throw new Error(`Error in regionSnr: every batch's gradient must have ${n} entries.`);
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in regionSnr: epsilon must be finite and >= 0, got ${epsilon}.`);
  const mean = new Float64Array(n);
  for (const g of perBatch) for (let i = 0; i < n; i += 1) mean[i] = (mean[i] as number) + (g[i] as number) / m;
  let meanSq = 0;
  for (const v of mean) meanSq += v * v;
  let spread = 0;
  for (const g of perBatch) {
    for (let i = 0; i < n; i += 1) {
      const d = (g[i] as number) - (mean[i] as number);
      spread += d * d;
    }
  }
  const variance = spread / (m - 1);
  const meanNorm = Math.sqrt(meanSq);
  return { meanNorm, variance, snr: meanNorm / (Math.sqrt(variance) + epsilon) };
}
