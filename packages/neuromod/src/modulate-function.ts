/**
 * The "protein's modulate function" (seed `004_b9e7278aec0f8932.txt` L73; SEED-INVENTORY.md §8.1
 * [OPT]): the allosteric factor by which modulators μ and the time of day scale each receptor's
 * gain. Parametrised by a tanh slope and a sin phase, both optionally learnable (ADR 0501):
 *
 * `allo[r] = 1 + κ·tanh(slope · Σ_n (μ[n] − ½)·A[n, r]) + amp·sin(2π·timeOfDay + phase)`
 *
 * with κ = {@link ALLOSTERIC_DEPTH} and amp = {@link TIME_OF_DAY_AMPLITUDE}, so `allo ∈ [0.6, 1.4]`.
 */
import { tf } from "@tam/tensor-backend";
import type { Scalar, Tensor1D, Tensor2D, Variable } from "@tam/tensor-backend";

import { ALLOSTERIC_DEPTH, TIME_OF_DAY_AMPLITUDE } from "./constants.js";
import { assertNonEmpty } from "./non-empty.js";

/** Initial tanh slope of the modulate function (ADR 0501). */
export const MODULATE_INITIAL_SLOPE = 2;
/** Initial sin phase of the modulate function, in radians (ADR 0501). */
export const MODULATE_INITIAL_PHASE = 0;

/** Parameters of the modulate function (scalars; variables when learnable). */
export interface ModulateParams {
  readonly slope: Scalar | Variable;
  readonly phase: Scalar | Variable;
}

/** Create the modulate function's parameters as variables (`trainable` decides whether they learn). */
export function createModulateParams(trainable: boolean): { slope: Variable; phase: Variable } {
  return tf.tidy(() => ({
    slope: tf.variable(tf.scalar(MODULATE_INITIAL_SLOPE), trainable, undefined, "float32"),
    phase: tf.variable(tf.scalar(MODULATE_INITIAL_PHASE), trainable, undefined, "float32"),
  }));
}

/**
 * The allosteric factor per receptor, `[1, R]`, in [1 − κ − amp, 1 + κ + amp].
 *
 * @param mu - modulator levels μ, `[N]`, in [0, 1].
 * @param allosteric - coupling `A[n, r]`, `[N, R]`.
 * @param timeOfDay - fraction of the day in [0, 1).
 *
 * @example
 * ```ts
 * const { slope, phase } = createModulateParams(false);
 * allostericFactor(tf.tensor1d([0.5, 0.5]), tf.ones([2, 3]), 0, { slope, phase }); // all 1
 * ```
 */
export function allostericFactor(mu: Tensor1D, allosteric: Tensor2D, timeOfDay: number, params: ModulateParams): Tensor2D {
  if (!(timeOfDay >= 0 && timeOfDay <= 1)) throw new Error(`Error in allostericFactor: timeOfDay must be in [0, 1], got ${timeOfDay}.`);
  if (mu.shape[0] !== allosteric.shape[0]) {
    throw new Error(`Error in allostericFactor: mu has ${mu.shape[0]} modulators, allosteric has ${allosteric.shape[0]} rows.`);
  }
  assertNonEmpty("allostericFactor", "mu", mu, 0);
  assertNonEmpty("allostericFactor", "allosteric", allosteric, 1);
  return tf.tidy(() => {
    const drive = tf.matMul(tf.reshape(tf.sub(mu, 0.5), [1, -1]), allosteric);
    const allo = tf.mul(ALLOSTERIC_DEPTH, tf.tanh(tf.mul(params.slope, drive)));
    const daily = tf.mul(TIME_OF_DAY_AMPLITUDE, tf.sin(tf.add(params.phase, 2 * Math.PI * timeOfDay)));
    return tf.add<Tensor2D>(tf.add(1, allo), daily);
  });
}
