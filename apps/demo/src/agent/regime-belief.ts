/**
 * The agent's belief about how predictable the world is right now (ADR 0703): a two-state hidden
 * Markov filter over the world model's one-step residuals. State 0 ("steady") and state 1
 * ("turbulent") each explain a residual component r as N(0, s_k²); the variances are learned online
 * (responsibility-weighted exponential averages, turbulent kept at least `minRatio` times steady) and
 * the state persists with probability 1 − `switchProbability` per step. The belief is the agent's
 * intent code: the tube's width and stop head read it (and the observation) only.
 */

/** Settings of {@link RegimeBelief}. */
export interface RegimeBeliefSettings {
  readonly switchProbability: number;
  /** Rate of the variance averages. */
  readonly learningRate: number;
  /** Turbulent variance ≥ minRatio × steady variance. */
  readonly minRatio: number;
}

/** Defaults (ADR 0703). */
export const REGIME_BELIEF_DEFAULTS: RegimeBeliefSettings = Object.freeze({ switchProbability: 0.02, learningRate: 0.05, minRatio: 4 });

/** Online two-state filter; `probabilities` is [P(steady), P(turbulent)]. */
export class RegimeBelief {
  /** P(turbulent); the agent starts sure the world is steady. */
  private p = 0;
  private readonly variance: [number, number];
  private readonly settings: RegimeBeliefSettings;

  /** @param steadyVariance the residual variance of the steady state to start from (> 0) */
  constructor(steadyVariance: number, settings: RegimeBeliefSettings = REGIME_BELIEF_DEFAULTS) {
    if (!(Number.isFinite(steadyVariance) && steadyVariance > 0)) throw new Error(`RegimeBelief: steadyVariance must be finite and > 0, got ${steadyVariance}`);
    this.settings = settings;
    this.variance = [steadyVariance, steadyVariance * settings.minRatio * 4];
  }

  /** [P(steady), P(turbulent)]. */
  get probabilities(): readonly [number, number] {
    return [1 - this.p, this.p];
  }

  /** The more probable state (0 steady, 1 turbulent). */
  get mostLikely(): 0 | 1 {
    return this.p > 0.5 ? 1 : 0;
  }

  /** The learned residual variances [steady, turbulent]. */
  get variances(): readonly [number, number] {
    return [this.variance[0], this.variance[1]];
  }

  /** Update on one residual vector. */
  update(residual: ArrayLike<number>): void {
    const { switchProbability: q, learningRate, minRatio } = this.settings;
    const prior = this.p * (1 - q) + (1 - this.p) * q;
    const logLik = this.variance.map((v) => {
      let sum = 0;
      for (let i = 0; i < residual.length; i += 1) sum += -0.5 * Math.log(v) - ((residual[i] as number) ** 2) / (2 * v);
      return sum;
    }) as [number, number];
    const shift = Math.max(logLik[0], logLik[1]);
    const l0 = (1 - prior) * Math.exp(logLik[0] - shift);
    const l1 = prior * Math.exp(logLik[1] - shift);
    this.p = l1 / (l0 + l1);
    let squared = 0;
    for (let i = 0; i < residual.length; i += 1) squared += (residual[i] as number) ** 2;
    const meanSquare = squared / Math.max(1, residual.length);
    const weights = [1 - this.p, this.p];
    for (let k = 0; k < 2; k += 1) {
      const rate = learningRate * (weights[k] as number);
      this.variance[k] = (1 - rate) * (this.variance[k] as number) + rate * meanSquare;
    }
    this.variance[1] = Math.max(this.variance[1], minRatio * this.variance[0]);
  }
}
