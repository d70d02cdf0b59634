/**
 * Normalisation of the z_intent posterior mean, so that intent latents have matched scales across
 * worlds (001 §I L214–215: "a lot of functor explosions come from unmatched scales").
 *
 * The seed's per-sample LayerNorm collapses a 2–4 dimensional latent (SEED-INVENTORY D-9): removing each
 * sample's mean and scale leaves dim − 2 degrees of freedom (dim 2: a sign bit; dim 3: a circle). The
 * default here, chosen on evidence in ADR 0601, is a **running standardisation**: every dimension of the
 * mean is centred and scaled by running (exponential moving average) statistics of the batch, which
 * gives every world's aggregate intent zero mean and unit variance per dimension while leaving each
 * sample all of its degrees of freedom. The statistics are constants for autodiff and for acting, so a
 * sample's z depends on its own s0 only. The posterior that the KL sees is the Gaussian whose mean is the
 * normalised mean, i.e. exactly the distribution z is drawn from (D-9's "where the norm sits").
 *
 * Modes: `running` (default), `layer` (the seed's per-sample LayerNorm, no affine; kept for the
 * evidence), `rms` (per-sample RMS scaling: removes the scale only), `none`.
 *
 * Source: `001_4e7658869d462183.txt` L6, L214–222; SEED-INVENTORY.md D-9, §15.6 item 2; DESIGN.md D-9.
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { INTENT_STATS_RATE, NORM_EPSILON } from "./constants.js";

/** The intent normalisations. */
export const INTENT_NORMS = ["running", "layer", "rms", "none"] as const;
/** An intent normalisation. */
export type IntentNorm = (typeof INTENT_NORMS)[number];
/** The default intent normalisation (ADR 0601). */
export const DEFAULT_INTENT_NORM: IntentNorm = "running";

/**
 * Running per-dimension mean and variance of the raw intent mean, per replica. Starts at mean 0,
 * variance 1 (the identity normalisation) and moves by `rate` per {@link RunningIntentStats.update}.
 */
export class RunningIntentStats {
  /** `[R·dim]` */
  readonly mean: Float64Array;
  /** `[R·dim]` */
  readonly variance: Float64Array;

  constructor(
    readonly replicas: number,
    readonly dim: number,
    readonly rate: number = INTENT_STATS_RATE,
  ) {
    if (!(Number.isInteger(replicas) && replicas >= 1)) throw new Error(`Error in RunningIntentStats: replicas must be an integer >= 1, got ${replicas}.`);
    if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`Error in RunningIntentStats: dim must be an integer >= 1, got ${dim}.`);
    if (!(rate > 0 && rate <= 1)) throw new Error(`Error in RunningIntentStats: rate must be in (0, 1], got ${rate}.`);
    this.mean = new Float64Array(replicas * dim);
    this.variance = new Float64Array(replicas * dim).fill(1);
  }

  /** Fold in one batch: `raw` is `[R, n, stride]` with the intent mean at `offset .. offset + dim`. */
  update(raw: ArrayLike<number>, n: number, stride: number, offset = 0): void {
    if (n < 1) throw new Error(`Error in RunningIntentStats.update: n must be >= 1, got ${n}.`);
    for (let r = 0; r < this.replicas; r++) {
      for (let d = 0; d < this.dim; d++) {
        let sum = 0;
        let sumSq = 0;
        for (let i = 0; i < n; i++) {
          const v = raw[(r * n + i) * stride + offset + d] ?? 0;
          sum += v;
          sumSq += v * v;
        }
        const m = sum / n;
        const variance = Math.max(0, sumSq / n - m * m);
        const at = r * this.dim + d;
        this.mean[at] = (1 - this.rate) * (this.mean[at] ?? 0) + this.rate * m;
        this.variance[at] = (1 - this.rate) * (this.variance[at] ?? 1) + this.rate * variance;
      }
    }
  }

  /** Copy the state of `other` (same shape). */
  copyFrom(other: RunningIntentStats): void {
    if (other.replicas !== this.replicas || other.dim !== this.dim) throw new Error("Error in RunningIntentStats.copyFrom: shapes differ.");
    this.mean.set(other.mean);
    this.variance.set(other.variance);
  }
}

/**
 * Normalise one replica's intent means on the host, in place: `rows` is `[n, stride]` with the intent at
 * `offset .. offset + dim`.
 */
export function normaliseIntentHost(rows: Float64Array, n: number, stride: number, offset: number, dim: number, mode: IntentNorm, stats?: RunningIntentStats, replica = 0): void {
  for (let i = 0; i < n; i++) {
    const at = i * stride + offset;
    if (mode === "running") {
      if (stats === undefined) throw new Error("Error in normaliseIntentHost: the running mode needs stats.");
      for (let d = 0; d < dim; d++) {
        const k = replica * dim + d;
        rows[at + d] = ((rows[at + d] ?? 0) - (stats.mean[k] ?? 0)) / Math.sqrt((stats.variance[k] ?? 1) + NORM_EPSILON);
      }
    } else if (mode === "layer" || mode === "rms") {
      let mean = 0;
      if (mode === "layer") {
        for (let d = 0; d < dim; d++) mean += rows[at + d] ?? 0;
        mean /= dim;
      }
      let sq = 0;
      for (let d = 0; d < dim; d++) sq += ((rows[at + d] ?? 0) - mean) ** 2;
      const scale = 1 / Math.sqrt(sq / dim + NORM_EPSILON);
      for (let d = 0; d < dim; d++) rows[at + d] = ((rows[at + d] ?? 0) - mean) * scale;
    }
  }
}

/**
 * Normalise intent means `[R, B, dim]` as tensors (differentiable to `mu`); `running` reads the
 * statistics as constants.
 */
export function normaliseIntent(mu: Tensor, mode: IntentNorm, stats?: RunningIntentStats): Tensor {
  return tf.tidy(() => {
    switch (mode) {
      case "running": {
        if (stats === undefined) throw new Error("Error in normaliseIntent: the running mode needs stats.");
        const shape = [stats.replicas, 1, stats.dim];
        const mean = tf.tensor3d(Float32Array.from(stats.mean), shape as [number, number, number]);
        const invStd = tf.tensor3d(
          Float32Array.from(stats.variance, (v) => 1 / Math.sqrt(v + NORM_EPSILON)),
          shape as [number, number, number],
        );
        return tf.mul(tf.sub(mu, mean), invStd);
      }
      case "layer": {
        const centred = tf.sub(mu, tf.mean(mu, -1, true));
        return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), NORM_EPSILON)));
      }
      case "rms":
        return tf.mul(mu, tf.rsqrt(tf.add(tf.mean(tf.square(mu), -1, true), NORM_EPSILON)));
      case "none":
        return tf.clone(mu);
    }
  });
}
