/**
 * Intent functors `F_intent: Z_intent^A → Z_intent^B` (001 §G L163–177): plain-TypeScript maps with a
 * flat parameter vector (what evolution strategies perturb), an output normalisation and the two
 * regularisers the seed asks for, a norm penalty and a Jacobian (Lipschitz) penalty.
 *
 * Output normalisation (ADR 0601, matching the intent normalisation; affine output ADR 0612): every
 * output dimension is standardised with the mean and standard deviation of the raw outputs over a
 * **reference set** of inputs (the functor's training inputs), fixed with
 * {@link IntentFunctor.withReference}, then scaled and shifted by a learnable per-dimension gain γ and
 * bias β (the elementwise affine of the seed's `LayerNorm`; γ = 1, β = 0 at the identity start). F of one
 * input is then defined, the scale cannot drift, and the output can still take the target world's
 * per-dimension mean and spread (which a plain standardisation forces to 0 and 1). The seed's per-sample
 * LayerNorm would collapse a 2–4 dimensional output (D-9).
 *
 * Penalties: norm = mean ‖F_raw(z)‖² / d on the raw (pre-normalisation) output, which the
 * normalisation would otherwise hide from; Jacobian = mean over inputs of ‖∂F(z)/∂z‖²_F / d of the
 * normalised map, gain included (1 for an isometry).
 *
 * Source: `001_4e7658869d462183.txt` L151–153, L163–177, L213–224; SEED-INVENTORY.md §6.8, D-9.
 */
import { NORM_EPSILON } from "./constants.js";

/** An intent functor. Immutable: `withParameters` and `withReference` return new functors. */
export interface IntentFunctor {
  readonly kind: "linear" | "mlp";
  /** Intent dimension d (in and out). */
  readonly dim: number;
  readonly parameterCount: number;
  /** A copy of the flat parameter vector. */
  parameters(): Float64Array;
  /** The same functor with other parameters (the reference statistics are recomputed). */
  withParameters(theta: ArrayLike<number>): IntentFunctor;
  /** The same functor with output statistics taken from `reference` `[m, d]`. */
  withReference(reference: ArrayLike<number>): IntentFunctor;
  /** F(z) for inputs `[m, d]` → `[m, d]` (normalised, then the affine γ, β). */
  apply(z: ArrayLike<number>): Float32Array;
  /** Raw (pre-normalisation) outputs `[m, d]`. */
  applyRaw(z: ArrayLike<number>): Float64Array;
  /** Mean ‖F_raw(z)‖² / d over the inputs. */
  normPenalty(z: ArrayLike<number>): number;
  /** Mean ‖∂F/∂z‖²_F / d over the inputs (of the normalised map). */
  jacobianPenalty(z: ArrayLike<number>): number;
}

/** Output statistics of a functor: per-dimension mean and 1/std of the raw outputs on a reference set. */
export interface OutputStats {
  readonly mean: Float64Array;
  readonly invStd: Float64Array;
}

/** Statistics of raw outputs `[m, d]`. */
export function outputStats(raw: ArrayLike<number>, dim: number): OutputStats {
  const m = raw.length / dim;
  if (!(Number.isInteger(m) && m >= 1)) throw new Error(`Error in outputStats: expected [m, ${dim}] values with m >= 1, got ${raw.length}.`);
  const mean = new Float64Array(dim);
  const invStd = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += raw[i * dim + d] ?? 0;
    const mu = s / m;
    let v = 0;
    for (let i = 0; i < m; i++) v += ((raw[i * dim + d] ?? 0) - mu) ** 2;
    mean[d] = mu;
    invStd[d] = 1 / Math.sqrt(v / m + NORM_EPSILON);
  }
  return { mean, invStd };
}

/** Check an input batch `[m, d]`; returns m. */
export function checkInputs(fn: string, z: ArrayLike<number>, dim: number): number {
  const m = z.length / dim;
  if (!Number.isInteger(m)) throw new Error(`Error in ${fn}: z must be [m, ${dim}], got ${z.length} values.`);
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i])) throw new Error(`Error in ${fn}: z[${i}] is not finite (${z[i]}).`);
  }
  return m;
}

/** The learnable output affine of a functor: per-dimension gain γ and bias β (ADR 0612). */
export interface OutputAffine {
  readonly gain: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
}

/**
 * Normalise raw outputs `[m, d]`: standardise with `stats` (skipped when undefined), then `γ·x + β` per
 * dimension when `affine` is given.
 */
export function normaliseOutputs(raw: Float64Array, dim: number, stats: OutputStats | undefined, affine?: OutputAffine): Float32Array {
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const d = i % dim;
    const x = stats === undefined ? (raw[i] ?? 0) : ((raw[i] ?? 0) - (stats.mean[d] ?? 0)) * (stats.invStd[d] ?? 1);
    out[i] = affine === undefined ? x : (affine.gain[d] ?? 1) * x + (affine.bias[d] ?? 0);
  }
  return out;
}

/** Mean square of the raw (unnormalised) outputs: the `normPenalty` every functor reports. */
export function meanSquare(raw: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < raw.length; i++) s += (raw[i] as number) ** 2;
  return s / Math.max(1, raw.length);
}
