/**
 * The grow decision (seed 002 L1651-1653, L1179, L1284; C-6 and D-14 as decided in DESIGN.md): rank
 * probed regions by mean ΔLoss `= L_before - L_after` on fresh batches, ties by higher win-rate, then
 * lower variance. `Score_R = μ_R - β·σ_R - λ_s·|R| - λ_a·a_R` (L1652) is available as an optional ranking.
 */

/** The evidence a micro-rollout gathered about one region. */
export interface GainEvidence {
  /** μ_R: mean ΔLoss (positive = the region helps). */
  readonly meanGain: number;
  /** σ_R: std of ΔLoss. */
  readonly stdGain: number;
  /** Fraction of fresh batches where the region helped. */
  readonly winRate: number;
  /** Cells in the region. */
  readonly size: number;
  /** a_R = count(|Δ_R| > ε). */
  readonly activeCount: number;
}

/** Weights of the optional `Score_R`. */
export interface ScoreRWeights {
  readonly beta: number;
  readonly lambdaStruct: number;
  readonly lambdaActive: number;
}

/** `Score_R = μ_R - β·σ_R - λ_s·|R| - λ_a·a_R` (seed L1652; optional per C-6). */
export function scoreR(evidence: GainEvidence, weights: ScoreRWeights): number {
  return evidence.meanGain - weights.beta * evidence.stdGain - weights.lambdaStruct * evidence.size - weights.lambdaActive * evidence.activeCount;
}

/**
 * Compare two candidates for the grow decision: higher mean ΔLoss first; when the means fall in the same
 * bucket of width `tieTolerance` (0 = exact ties only), higher win-rate, then lower std.
 * Returns < 0 when `a` ranks before `b`.
 */
export function compareEvidence(a: GainEvidence, b: GainEvidence, tieTolerance = 0): number {
  const bucket = (x: number): number => (tieTolerance > 0 ? Math.round(x / tieTolerance) : x);
  const ma = bucket(a.meanGain);
  const mb = bucket(b.meanGain);
  if (ma !== mb) return mb - ma;
  if (a.winRate !== b.winRate) return b.winRate - a.winRate;
  return a.stdGain - b.stdGain;
}

/**
 * Sort candidates for the grow decision (a new array). With `scoreWeights`, rank by `Score_R` instead
 * (descending), ties broken as in {@link compareEvidence}.
 *
 * @example
 * ```ts
 * rankByEvidence([{ meanGain: 0.1, winRate: 0.5, ... }, { meanGain: 0.1, winRate: 1, ... }]);   // win-rate 1 first
 * ```
 */
export function rankByEvidence<T extends GainEvidence>(candidates: readonly T[], options: { readonly tieTolerance?: number; readonly scoreWeights?: ScoreRWeights } = {}): T[] {
  const { tieTolerance = 0, scoreWeights } = options;
  if (!(Number.isFinite(tieTolerance) && tieTolerance >= 0)) throw new Error(`Error in rankByEvidence: tieTolerance must be finite and >= 0, got ${tieTolerance}.`);
  return [...candidates].sort((a, b) => {
    if (scoreWeights !== undefined) {
      const d = scoreR(b, scoreWeights) - scoreR(a, scoreWeights);
      if (d !== 0) return d;
    }
    return compareEvidence(a, b, tieTolerance);
  });
}
