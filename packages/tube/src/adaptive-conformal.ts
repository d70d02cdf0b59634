/**
 * Adaptive conformal inference (ACI; Gibbs & Candès, "Adaptive conformal inference under distribution
 * shift", NeurIPS 2021) for a stream of episodes: the working miscoverage α_t moves by
 * `α_{t+1} = α_t + η·(α − err_t)` after each episode, where err_t = 1 when the episode's score exceeded
 * the current width. The long-run miscoverage is then within `(max(α_1, 1 − α_1) + η)/(η·n)` of α after n
 * episodes, for any sequence of scores (their Proposition 4.1). The width at α_t is the conformal quantile
 * of the scores seen so far (a growing calibration set). ADR 0205.
 */
import { conformalQuantile } from "./split-conformal.js";

/** Default ACI step η (Gibbs & Candès use 0.005; ADR 0205). */
export const DEFAULT_ACI_STEP = 0.005;

/**
 * Online width multiplier with a long-run coverage guarantee.
 *
 * @example
 * ```ts
 * const aci = new AdaptiveConformal(0.1, { initialScores: calibrationScores });
 * for (const score of stream) { const k = aci.width(); covered += score <= k ? 1 : 0; aci.observe(score); }
 * ```
 */
export class AdaptiveConformal {
  private alphaT: number;
  private readonly seen: number[];
  private errors = 0;
  private steps = 0;
  /** Step size η. */
  readonly step: number;

  constructor(
    /** Target miscoverage α. */
    readonly alpha: number,
    options: { readonly step?: number; readonly initialScores?: ArrayLike<number> } = {},
  ) {
    if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1)) throw new Error(`Error in AdaptiveConformal: alpha must be in (0, 1), got ${alpha}.`);
    this.step = options.step ?? DEFAULT_ACI_STEP;
    if (!(Number.isFinite(this.step) && this.step > 0)) throw new Error(`Error in AdaptiveConformal: step must be finite and > 0, got ${this.step}.`);
    this.alphaT = alpha;
    this.seen = Array.from(options.initialScores ?? []);
  }

  /** The current working miscoverage α_t (may leave [0, 1]; then the width is 0 or +∞). */
  get workingAlpha(): number {
    return this.alphaT;
  }

  /** Width multiplier for the next episode: the conformal quantile at α_t (+∞ if α_t ≤ 0 or no scores; 0 if α_t ≥ 1). */
  width(): number {
    if (this.alphaT >= 1) return 0;
    if (this.alphaT <= 0 || this.seen.length === 0) return Number.POSITIVE_INFINITY;
    return conformalQuantile(this.seen, this.alphaT);
  }

  /** Record the next episode's score (after using {@link width}); returns whether it was covered. */
  observe(score: number): boolean {
    if (Number.isNaN(score)) throw new Error("Error in AdaptiveConformal.observe: score is NaN.");
    const covered = score <= this.width();
    const error = covered ? 0 : 1;
    this.errors += error;
    this.steps += 1;
    this.alphaT += this.step * (this.alpha - error);
    this.seen.push(score);
    return covered;
  }

  /** Miscoverage rate so far. */
  get miscoverage(): number {
    return this.steps === 0 ? 0 : this.errors / this.steps;
  }

  /** Episodes observed. */
  get count(): number {
    return this.steps;
  }
}
