/**
 * The agent's calibration action (ADR 0703): split-conformal recalibration of the committed width,
 * one scale per tick of the horizon (Mondrian by tick), with `@tam/tube`'s `splitConformal`.
 *
 * The agent keeps the per-tick normalised deviations `max_d |τ − μ|/σ` of its recent horizons
 * (committed or not). Calibrating sets tick t's width scale to `q̂_t / k`, where q̂_t is the conformal
 * quantile at miscoverage α of the deviations recorded at tick t, so `μ_t ± k·scale_t·σ_t` holds the
 * outcome at tick t with probability ≥ 1 − α under exchangeability. Per tick, not per horizon, because
 * the ledger prices information per tick (information-bits.ts) and because a tube whose width
 * collapsed at one tick must not widen every other tick. The measured improvement handed to the
 * epistemic ledger is the relative drop in the per-tick miss rate on those recent horizons:
 * `(miss_before − miss_after) / miss_before` (0 when nothing was missed before).
 */
import { splitConformal } from "@tam/tube";

/** What one calibration did. */
export interface CalibrationOutcome {
  readonly scalesBefore: readonly number[];
  readonly scalesAfter: readonly number[];
  readonly missBefore: number;
  readonly missAfter: number;
  /** In [0, 1]. */
  readonly noiseImprovement: number;
}

/** Recent deviations and the current per-tick width scales. */
export class ConformalCalibration {
  private readonly deviations: number[] = [];
  private widthScales: number[];

  /**
   * @param horizonTicks T
   * @param k the tube half-width in σ
   * @param alpha target miscoverage per tick, in (0, 1)
   * @param window horizons kept (≥ 1/α, the smallest size for which the α-quantile is finite)
   */
  constructor(
    readonly horizonTicks: number,
    readonly k: number,
    readonly alpha: number,
    readonly window: number,
  ) {
    if (!(Number.isSafeInteger(horizonTicks) && horizonTicks >= 1)) throw new Error(`ConformalCalibration: horizonTicks must be an integer >= 1, got ${horizonTicks}`);
    if (!(Number.isFinite(k) && k > 0)) throw new Error(`ConformalCalibration: k must be finite and > 0, got ${k}`);
    if (!(alpha > 0 && alpha < 1)) throw new Error(`ConformalCalibration: alpha must be in (0, 1), got ${alpha}`);
    if (!(Number.isSafeInteger(window) && window >= Math.ceil(1 / alpha))) {
      throw new Error(`ConformalCalibration: window must be an integer >= ${Math.ceil(1 / alpha)} (1/alpha), got ${window}`);
    }
    this.widthScales = new Array<number>(horizonTicks).fill(1);
  }

  /** The current width multiplier on σ, per tick. */
  get scales(): readonly number[] {
    return this.widthScales;
  }

  /** Horizons recorded (at most `window`). */
  get size(): number {
    return this.deviations.length / this.horizonTicks;
  }

  /** Record one horizon's per-tick deviations `[T]`. */
  record(tickDeviations: ArrayLike<number>): void {
    if (tickDeviations.length !== this.horizonTicks) throw new Error(`ConformalCalibration.record: need ${this.horizonTicks} deviations, got ${tickDeviations.length}`);
    for (let i = 0; i < tickDeviations.length; i += 1) {
      const value = tickDeviations[i] as number;
      if (!(value >= 0)) throw new Error(`ConformalCalibration.record: deviation ${i} must be >= 0, got ${value}`);
      this.deviations.push(value);
    }
    const excess = this.deviations.length - this.window * this.horizonTicks;
    if (excess > 0) this.deviations.splice(0, excess);
  }

  /** Fraction of recorded (horizon, tick) pairs the given scales would have missed. */
  missRate(scales: readonly number[] = this.widthScales): number {
    if (this.deviations.length === 0) return 0;
    let missed = 0;
    this.deviations.forEach((d, i) => {
      if (!(d < this.k * (scales[i % this.horizonTicks] as number))) missed += 1;
    });
    return missed / this.deviations.length;
  }

  /** Recalibrate; a tick's scale stays as it is while too few horizons give a finite quantile. */
  calibrate(): CalibrationOutcome {
    const scalesBefore = [...this.widthScales];
    const missBefore = this.missRate(scalesBefore);
    if (this.deviations.length > 0) {
      const groups = Int32Array.from(this.deviations, (_, i) => i % this.horizonTicks);
      const { groupQuantiles } = splitConformal(this.deviations, this.alpha, { groups, groupCount: this.horizonTicks });
      this.widthScales = scalesBefore.map((scale, t) => {
        const q = groupQuantiles?.[t] ?? Number.POSITIVE_INFINITY;
        return Number.isFinite(q) ? q / this.k : scale;
      });
    }
    const missAfter = this.missRate();
    const noiseImprovement = missBefore > 0 ? Math.min(1, Math.max(0, (missBefore - missAfter) / missBefore)) : 0;
    return { scalesBefore, scalesAfter: [...this.widthScales], missBefore, missAfter, noiseImprovement };
  }
}
