/**
 * `LinearIntentFunctor`: `F(z) = γ ⊙ normalise(W·z + b) + β` with identity initialisation (W = I, b = 0,
 * γ = 1, β = 0; 001 L174) and the output normalisation of `intent-functor.ts` (ADRs 0601, 0612): the
 * seed's `LayerNorm(Wz + b)` with its elementwise affine, standardising over a reference set instead of
 * over the sample's coordinates (D-9).
 *
 * Source: `001_4e7658869d462183.txt` L163–177 (`LinearIntentFunctor`), L151–153 (penalties).
 */
import { checkInputs, meanSquare, normaliseOutputs, outputStats, type IntentFunctor, type OutputAffine, type OutputStats } from "./intent-functor.js";
import { fitLinearProbe } from "./linear-probe.js";

/**
 * A linear intent functor. Parameters: W row-major `[d, d]`, then b `[d]`, then the output gain γ `[d]`
 * and bias β `[d]` (d² + 3d).
 *
 * @example
 * ```ts
 * const f = LinearIntentFunctor.identity(3).withReference(sourceIntents);   // identity map, standardised
 * const mapped = f.apply(sourceIntents);
 * ```
 */
export class LinearIntentFunctor implements IntentFunctor {
  readonly kind = "linear" as const;
  readonly parameterCount: number;
  private readonly theta: Float64Array;

  private constructor(
    readonly dim: number,
    theta: ArrayLike<number>,
    private readonly stats: OutputStats | undefined,
    private readonly reference: ArrayLike<number> | undefined,
  ) {
    this.parameterCount = dim * dim + 3 * dim;
    if (theta.length !== this.parameterCount) throw new Error(`Error in LinearIntentFunctor: expected ${this.parameterCount} parameters (d² + 3d), got ${theta.length}.`);
    this.theta = Float64Array.from(theta);
    for (let i = 0; i < this.theta.length; i++) {
      if (!Number.isFinite(this.theta[i])) throw new Error(`Error in LinearIntentFunctor: parameter ${i} is not finite (${this.theta[i]}).`);
    }
  }

  /** The identity functor of dimension `dim` (W = I, b = 0, γ = 1, β = 0), without reference statistics. */
  static identity(dim: number): LinearIntentFunctor {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`Error in LinearIntentFunctor.identity: dim must be an integer >= 1, got ${dim}.`);
    const theta = new Float64Array(dim * dim + 3 * dim);
    for (let d = 0; d < dim; d++) {
      theta[d * dim + d] = 1;
      theta[dim * dim + dim + d] = 1;
    }
    return new LinearIntentFunctor(dim, theta, undefined, undefined);
  }

  /**
   * The teacher regression in closed form (001 L149–150): W, b minimising mean ‖W·z_A + b − z_B‖² over
   * paired rows `source`, `target` `[m, dim]` (ridge least squares; ADR 0608), with `source` as the
   * reference set and the output affine set to the raw outputs' mean and standard deviation on it, so
   * that `apply(source)` is the regression's prediction (ADR 0612).
   */
  static leastSquares(source: ArrayLike<number>, target: ArrayLike<number>, dim: number): LinearIntentFunctor {
    const m = checkInputs("LinearIntentFunctor.leastSquares", source, dim);
    if (target.length !== source.length) throw new Error(`Error in LinearIntentFunctor.leastSquares: target must have ${source.length} values like source, got ${target.length}.`);
    const { weights } = fitLinearProbe({ count: m, x: source, y: target }, dim, dim);
    const theta = new Float64Array(dim * dim + 3 * dim);
    for (let o = 0; o < dim; o++) {
      for (let k = 0; k < dim; k++) theta[o * dim + k] = weights[k * dim + o] ?? 0;
      theta[dim * dim + o] = weights[dim * dim + o] ?? 0;
    }
    const stats = outputStats(new LinearIntentFunctor(dim, theta, undefined, undefined).applyRaw(source), dim);
    for (let o = 0; o < dim; o++) {
      theta[dim * dim + dim + o] = 1 / (stats.invStd[o] ?? 1);
      theta[dim * dim + 2 * dim + o] = stats.mean[o] ?? 0;
    }
    return new LinearIntentFunctor(dim, theta, undefined, undefined).withReference(source);
  }

  parameters(): Float64Array {
    return this.theta.slice();
  }

  withParameters(theta: ArrayLike<number>): LinearIntentFunctor {
    const next = new LinearIntentFunctor(this.dim, theta, undefined, undefined);
    return this.reference === undefined ? next : next.withReference(this.reference);
  }

  withReference(reference: ArrayLike<number>): LinearIntentFunctor {
    checkInputs("LinearIntentFunctor.withReference", reference, this.dim);
    const raw = this.applyRaw(reference);
    return new LinearIntentFunctor(this.dim, this.theta, outputStats(raw, this.dim), reference);
  }

  /** The output affine γ, β (views into the parameters). */
  private get affine(): OutputAffine {
    const d = this.dim;
    return { gain: this.theta.subarray(d * d + d, d * d + 2 * d), bias: this.theta.subarray(d * d + 2 * d) };
  }

  applyRaw(z: ArrayLike<number>): Float64Array {
    const d = this.dim;
    const m = checkInputs("LinearIntentFunctor.apply", z, d);
    const out = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < d; o++) {
        let s = this.theta[d * d + o] ?? 0;
        for (let k = 0; k < d; k++) s += (this.theta[o * d + k] ?? 0) * (z[i * d + k] ?? 0);
        out[i * d + o] = s;
      }
    }
    return out;
  }

  apply(z: ArrayLike<number>): Float32Array {
    return normaliseOutputs(this.applyRaw(z), this.dim, this.stats, this.affine);
  }

  normPenalty(z: ArrayLike<number>): number {
    return meanSquare(this.applyRaw(z));
  }

  jacobianPenalty(z: ArrayLike<number>): number {
    checkInputs("LinearIntentFunctor.jacobianPenalty", z, this.dim);
    const d = this.dim;
    const { gain } = this.affine;
    let s = 0;
    for (let o = 0; o < d; o++) {
      const scale = (this.stats?.invStd[o] ?? 1) * (gain[o] ?? 1);
      for (let k = 0; k < d; k++) s += ((this.theta[o * d + k] ?? 0) * scale) ** 2;
    }
    return s / d;
  }
}
