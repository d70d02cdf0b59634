/**
 * Adam whose moments can be read per parameter (SEED-INVENTORY TB-15; seed 002 L1059, L1181): the
 * Taylor prune score `0.5 · v_c · W_c²` and SNR preconditioning `g / √(v + ε)` need the second moment
 * `v`, which `tf.train.adam` keeps private. Also TB-14: it trains only the variables it was given, and
 * DESIGN.md C-1's optional prox-L1 post-step (soft-threshold after each step, off by default).
 *
 * Update (Kingma and Ba 2015, Algorithm 1, bias-corrected):
 * `m ← β1 m + (1-β1) g`, `v ← β2 v + (1-β2) g²`, `w ← w - lr · m̂ / (√v̂ + ε)` with
 * `m̂ = m / (1-β1^t)`, `v̂ = v / (1-β2^t)`.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedTensorMap, Scalar, Tensor, Variable } from "@tensorflow/tfjs";
import { z } from "zod";

import { softThreshold } from "./soft-threshold.js";
import { parseConfig } from "../config/parse-config.js";

/** Kingma and Ba's defaults (Adam paper, Algorithm 1). */
export const ADAM_DEFAULTS = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Options of {@link AdamWithMoments}. */
export interface AdamOptions {
  /** Step size (default 0.001). */
  readonly learningRate?: number;
  /** First-moment decay (default 0.9). */
  readonly beta1?: number;
  /** Second-moment decay (default 0.999). */
  readonly beta2?: number;
  /** Added to `√v̂` (default 1e-8). */
  readonly epsilon?: number;
  /** Prox-L1 post-step: after each update, `w ← softThreshold(w, learningRate · lambda)` on `params` (default: all). */
  readonly proxL1?: { readonly lambda: number; readonly params?: readonly string[] };
}

const optionsSchema = z.strictObject({
  learningRate: z.number().positive().finite().optional(),
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  epsilon: z.number().positive().finite().optional(),
  proxL1: z
    .strictObject({ lambda: z.number().min(0).finite(), params: z.array(z.string()).readonly().optional() })
    .optional(),
});

/** One parameter's optimizer slots. */
interface Slot {
  readonly variable: Variable;
  readonly m: Variable;
  readonly v: Variable;
}

/**
 * Adam over a named set of variables, with `m` and `v` readable per parameter.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([3]));
 * const adam = new AdamWithMoments({ w }, { learningRate: 0.1 });
 * adam.minimize(() => tf.sum(tf.square(tf.sub(w, 1))));
 * const taylor = tf.tidy(() => tf.mul(0.5, tf.mul(adam.secondMoment("w"), tf.square(w))));
 * ```
 */
export class AdamWithMoments {
  private readonly slots = new Map<string, Slot>();
  private readonly hyper: { learningRate: number; beta1: number; beta2: number; epsilon: number };
  private readonly prox: { readonly lambda: number; readonly params: ReadonlySet<string> } | undefined;
  private steps = 0;

  /**
   * @param params - the variables to train, by name (names are the keys used everywhere else).
   * @param options - hyper-parameters; see {@link AdamOptions}.
   * @throws Error naming the option or parameter that is invalid.
   */
  constructor(params: Readonly<Record<string, Variable>>, options: AdamOptions = {}) {
    const d = parseConfig(optionsSchema, options, "AdamWithMoments", "option");
    this.hyper = {
      learningRate: d.learningRate ?? ADAM_DEFAULTS.learningRate,
      beta1: d.beta1 ?? ADAM_DEFAULTS.beta1,
      beta2: d.beta2 ?? ADAM_DEFAULTS.beta2,
      epsilon: d.epsilon ?? ADAM_DEFAULTS.epsilon,
    };
    const names = Object.keys(params);
    if (names.length === 0) throw new Error("Error in AdamWithMoments: params is empty; give at least one variable.");
    for (const name of names) {
      const variable = params[name];
      if (!(variable instanceof tf.Variable) || variable.dtype !== "float32") {
        throw new Error(`Error in AdamWithMoments: param "${name}" must be a float32 tf.Variable.`);
      }
    }
    if (d.proxL1 !== undefined) {
      const proxParams = d.proxL1.params ?? names;
      const unknown = proxParams.find((p) => !names.includes(p));
      if (unknown !== undefined) throw new Error(`Error in AdamWithMoments: proxL1.params names "${unknown}", which is not a param.`);
      this.prox = { lambda: d.proxL1.lambda, params: new Set(proxParams) };
    } else {
      this.prox = undefined;
    }
    for (const name of names) {
      const variable = params[name] as Variable;
      this.slots.set(name, {
        variable,
        m: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        v: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
      });
    }
  }

  /** The parameter names, in the order given. */
  get names(): string[] {
    return [...this.slots.keys()];
  }

  /** Number of updates applied so far (`t` of the bias correction). */
  get stepCount(): number {
    return this.steps;
  }

  /** The learning rate in use. */
  get learningRate(): number {
    return this.hyper.learningRate;
  }

  /** Change the learning rate (for schedules). */
  set learningRate(value: number) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new Error(`Error in AdamWithMoments: learningRate must be finite and > 0, got ${value}.`);
    }
    this.hyper.learningRate = value;
  }

  /**
   * Apply one Adam update from gradients keyed by parameter name. Parameters without a gradient keep
   * their value and moments; every name must be a parameter and every shape must match.
   */
  applyGradients(grads: Readonly<Record<string, Tensor>>): void {
    for (const [name, g] of Object.entries(grads)) {
      const slot = this.slots.get(name);
      if (slot === undefined) throw new Error(`Error in AdamWithMoments.applyGradients: "${name}" is not a param.`);
      if (!sameShape(g.shape, slot.variable.shape)) {
        throw new Error(
          `Error in AdamWithMoments.applyGradients: gradient of "${name}" has shape [${g.shape.join(",")}], the param [${slot.variable.shape.join(",")}].`,
        );
      }
    }
    this.steps += 1;
    const { learningRate, beta1, beta2, epsilon } = this.hyper;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const slot = this.slots.get(name) as Slot;
        const m = tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        let next = tf.sub(slot.variable, tf.mul(update, learningRate));
        if (this.prox?.params.has(name) === true) next = softThreshold(next, learningRate * this.prox.lambda);
        slot.variable.assign(next);
      }
    });
  }

  /**
   * Compute the gradients of `loss` with respect to the parameters (only these) and apply one update.
   *
   * @param loss - returns a scalar (rank 0) tensor; intermediates are freed.
   * @returns the loss value before the update (a scalar the caller disposes).
   * @throws Error when `loss` does not return a scalar.
   */
  minimize(loss: () => Tensor): Scalar {
    const entries = [...this.slots.entries()];
    const scalarLoss = (): Scalar => {
      const value = loss();
      if (value.rank !== 0) {
        throw new Error(`Error in AdamWithMoments.minimize: loss must return a scalar, got shape [${value.shape.join(",")}].`);
      }
      return value as Scalar;
    };
    const { value, grads } = tf.variableGrads(scalarLoss, entries.map(([, s]) => s.variable));
    try {
      const byName: NamedTensorMap = {};
      for (const [name, slot] of entries) {
        const g = grads[slot.variable.name];
        if (g !== undefined) byName[name] = g;
      }
      this.applyGradients(byName);
    } finally {
      tf.dispose(grads);
    }
    return value;
  }

  /** The first moment `m` of a parameter (not bias-corrected). Owned by the optimizer: do not dispose. */
  firstMoment(param: string | Variable): Tensor {
    return this.slot(param, "firstMoment").m;
  }

  /** The second moment `v` of a parameter (not bias-corrected). Owned by the optimizer: do not dispose. */
  secondMoment(param: string | Variable): Tensor {
    return this.slot(param, "secondMoment").v;
  }

  /**
   * The moment variables by name (`m/<param>`, `v/<param>`), to save with a checkpoint and restore into.
   * Save `stepCount` beside them and set it back with {@link AdamWithMoments.setStepCount}.
   */
  stateVariables(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const [name, slot] of this.slots) {
      out[`m/${name}`] = slot.m;
      out[`v/${name}`] = slot.v;
    }
    return out;
  }

  /** Set the step counter (after restoring moments from a checkpoint). */
  setStepCount(steps: number): void {
    if (!Number.isSafeInteger(steps) || steps < 0) {
      throw new Error(`Error in AdamWithMoments.setStepCount: steps must be a non-negative integer, got ${steps}.`);
    }
    this.steps = steps;
  }

  /** Dispose the moment variables (not the parameters). */
  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }

  private slot(param: string | Variable, op: string): Slot {
    if (typeof param === "string") {
      const slot = this.slots.get(param);
      if (slot === undefined) throw new Error(`Error in AdamWithMoments.${op}: "${param}" is not a param.`);
      return slot;
    }
    for (const slot of this.slots.values()) if (slot.variable === param) return slot;
    throw new Error(`Error in AdamWithMoments.${op}: variable "${param.name}" is not one of this optimizer's params.`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
