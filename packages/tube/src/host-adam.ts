/**
 * Adam over one flat parameter array on the host (float64), the update of `AdamWithMoments`
 * (`m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)`),
 * for {@link FusedTubeTrainer}, whose parameters and gradients live in typed arrays (ADR 0206).
 */
import { ADAM_DEFAULTS } from "@tam/tensor-backend";

/** Hyper-parameters of {@link HostAdam}; defaults are `ADAM_DEFAULTS` (as `AdamWithMoments`). */
export interface HostAdamOptions {
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/**
 * Adam state for `size` parameters; {@link HostAdam.step} updates a parameter array in place.
 *
 * @example
 * ```ts
 * const adam = new HostAdam(params.length, { learningRate: 3e-3 });
 * adam.step(params, grads);
 * ```
 */
export class HostAdam {
  /** First moment, one per parameter (read-only use). */
  readonly firstMoment: Float64Array;
  /** Second moment, one per parameter (read-only use). */
  readonly secondMoment: Float64Array;
  /** Updates applied so far. */
  stepCount = 0;
  private readonly hyper: Required<HostAdamOptions>;

  constructor(
    readonly size: number,
    options: HostAdamOptions = {},
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`Error in HostAdam: size must be an integer >= 1, got ${size}.`);
    this.hyper = {
      learningRate: options.learningRate ?? ADAM_DEFAULTS.learningRate,
      beta1: options.beta1 ?? ADAM_DEFAULTS.beta1,
      beta2: options.beta2 ?? ADAM_DEFAULTS.beta2,
      epsilon: options.epsilon ?? ADAM_DEFAULTS.epsilon,
    };
    const { learningRate, beta1, beta2, epsilon } = this.hyper;
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new Error(`Error in HostAdam: learningRate must be finite and > 0, got ${learningRate}.`);
    if (!(Number.isFinite(epsilon) && epsilon > 0)) throw new Error(`Error in HostAdam: epsilon must be finite and > 0, got ${epsilon}.`);
    for (const [name, value] of [
      ["beta1", beta1],
      ["beta2", beta2],
    ] as const) {
      if (!(value >= 0 && value < 1)) throw new Error(`Error in HostAdam: ${name} must be in [0, 1), got ${value}.`);
    }
    this.firstMoment = new Float64Array(size);
    this.secondMoment = new Float64Array(size);
  }

  /** The learning rate. */
  get learningRate(): number {
    return this.hyper.learningRate;
  }

  /** One Adam update of `params` (in place) from `grads`; both have `size` values. */
  step(params: Float64Array, grads: Float64Array): void {
    if (params.length !== this.size || grads.length !== this.size) {
      throw new Error(`Error in HostAdam.step: params and grads must have ${this.size} values, got ${params.length} and ${grads.length}.`);
    }
    this.stepCount += 1;
    const { learningRate, beta1, beta2, epsilon } = this.hyper;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    const m = this.firstMoment;
    const v = this.secondMoment;
    for (let i = 0; i < this.size; i++) {
      const g = grads[i] ?? 0;
      const mi = beta1 * (m[i] ?? 0) + (1 - beta1) * g;
      const vi = beta2 * (v[i] ?? 0) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = (params[i] ?? 0) - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
    }
  }
}
