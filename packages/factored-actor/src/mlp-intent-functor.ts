/**
 * `MlpIntentFunctor`: the residual MLP `F(z) = γ ⊙ normalise(z + W2·tanh(W1·z + b1) + b2) + β` (001 L175:
 * `MLPIntentFunctor`, "z + MLP(z) with residual connection"; the output affine γ, β as in
 * `LinearIntentFunctor`, ADR 0612). W2, b2 and β start at zero and γ at one, so the functor starts as the
 * identity (before normalisation); W1 is drawn N(0, 1/d) from the seeded Rng.
 *
 * Source: `001_4e7658869d462183.txt` L163–177, L151–153.
 */
import type { Rng } from "@tam/tensor-backend";
import { checkInputs, meanSquare, normaliseOutputs, outputStats, type IntentFunctor, type OutputAffine, type OutputStats } from "./intent-functor.js";

/** Default hidden units of the residual MLP functor (ADR 0606). */
export const DEFAULT_FUNCTOR_HIDDEN_UNITS = 8;

/**
 * A residual-MLP intent functor. Parameters: W1 `[h, d]`, b1 `[h]`, W2 `[d, h]`, b2 `[d]`, then the
 * output gain γ `[d]` and bias β `[d]`.
 *
 * @example
 * ```ts
 * const f = MlpIntentFunctor.init(3, createRng(1)).withReference(sourceIntents);
 * ```
 */
export class MlpIntentFunctor implements IntentFunctor {
  readonly kind = "mlp" as const;
  readonly parameterCount: number;
  private readonly theta: Float64Array;

  private constructor(
    readonly dim: number,
    readonly hidden: number,
    theta: ArrayLike<number>,
    private readonly stats: OutputStats | undefined,
    private readonly reference: ArrayLike<number> | undefined,
  ) {
    this.parameterCount = 2 * hidden * dim + hidden + 3 * dim;
    if (theta.length !== this.parameterCount) throw new Error(`Error in MlpIntentFunctor: expected ${this.parameterCount} parameters, got ${theta.length}.`);
    this.theta = Float64Array.from(theta);
    for (let i = 0; i < this.theta.length; i++) {
      if (!Number.isFinite(this.theta[i])) throw new Error(`Error in MlpIntentFunctor: parameter ${i} is not finite (${this.theta[i]}).`);
    }
  }

  /** A residual MLP at the identity: W1 random, W2 = 0, b = 0, γ = 1, β = 0. */
  static init(dim: number, rng: Rng, hidden: number = DEFAULT_FUNCTOR_HIDDEN_UNITS): MlpIntentFunctor {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`Error in MlpIntentFunctor.init: dim must be an integer >= 1, got ${dim}.`);
    if (!(Number.isInteger(hidden) && hidden >= 1)) throw new Error(`Error in MlpIntentFunctor.init: hidden must be an integer >= 1, got ${hidden}.`);
    const theta = new Float64Array(2 * hidden * dim + hidden + 3 * dim);
    for (let i = 0; i < hidden * dim; i++) theta[i] = rng.normal(0, 1 / Math.sqrt(dim));
    theta.fill(1, 2 * hidden * dim + hidden + dim, 2 * hidden * dim + hidden + 2 * dim);
    return new MlpIntentFunctor(dim, hidden, theta, undefined, undefined);
  }

  parameters(): Float64Array {
    return this.theta.slice();
  }

  withParameters(theta: ArrayLike<number>): MlpIntentFunctor {
    const next = new MlpIntentFunctor(this.dim, this.hidden, theta, undefined, undefined);
    return this.reference === undefined ? next : next.withReference(this.reference);
  }

  withReference(reference: ArrayLike<number>): MlpIntentFunctor {
    checkInputs("MlpIntentFunctor.withReference", reference, this.dim);
    return new MlpIntentFunctor(this.dim, this.hidden, this.theta, outputStats(this.applyRaw(reference), this.dim), reference);
  }

  /** The output affine γ, β (views into the parameters). */
  private get affine(): OutputAffine {
    const start = 2 * this.hidden * this.dim + this.hidden + this.dim;
    return { gain: this.theta.subarray(start, start + this.dim), bias: this.theta.subarray(start + this.dim) };
  }

  /** Hidden activations `[m, h]` and raw outputs `[m, d]`. */
  private forward(z: ArrayLike<number>): { act: Float64Array; out: Float64Array } {
    const { dim: d, hidden: h } = this;
    const m = checkInputs("MlpIntentFunctor.apply", z, d);
    const b1 = h * d;
    const w2 = b1 + h;
    const b2 = w2 + d * h;
    const act = new Float64Array(m * h);
    const out = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < h; j++) {
        let s = this.theta[b1 + j] ?? 0;
        for (let k = 0; k < d; k++) s += (this.theta[j * d + k] ?? 0) * (z[i * d + k] ?? 0);
        act[i * h + j] = Math.tanh(s);
      }
      for (let o = 0; o < d; o++) {
        let s = (z[i * d + o] ?? 0) + (this.theta[b2 + o] ?? 0);
        for (let j = 0; j < h; j++) s += (this.theta[w2 + o * h + j] ?? 0) * (act[i * h + j] ?? 0);
        out[i * d + o] = s;
      }
    }
    return { act, out };
  }

  applyRaw(z: ArrayLike<number>): Float64Array {
    return this.forward(z).out;
  }

  apply(z: ArrayLike<number>): Float32Array {
    return normaliseOutputs(this.applyRaw(z), this.dim, this.stats, this.affine);
  }

  normPenalty(z: ArrayLike<number>): number {
    return meanSquare(this.applyRaw(z));
  }

  jacobianPenalty(z: ArrayLike<number>): number {
    const { dim: d, hidden: h } = this;
    const { act } = this.forward(z);
    const m = z.length / d;
    const w2 = h * d + h;
    const { gain } = this.affine;
    let total = 0;
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < d; o++) {
        const scale = (this.stats?.invStd[o] ?? 1) * (gain[o] ?? 1);
        for (let k = 0; k < d; k++) {
          // ∂F_o/∂z_k = δ_ok + Σ_j W2[o,j]·(1 − a_j²)·W1[j,k]
          let g = o === k ? 1 : 0;
          for (let j = 0; j < h; j++) {
            const a = act[i * h + j] ?? 0;
            g += (this.theta[w2 + o * h + j] ?? 0) * (1 - a * a) * (this.theta[j * d + k] ?? 0);
          }
          total += (g * scale) ** 2;
        }
      }
    }
    return total / Math.max(1, m) / d;
  }
}
