/**
 * Conformalized quantile regression (CQR; Romano, Patterson & Candès, NeurIPS 2019) for trajectories,
 * the baseline the conformal tube is compared with (ADR 0205). A small MLP predicts a lower and an upper
 * quantile per (t, d) (added to an anchor such as s0), trained with the pinball loss at levels τ and
 * 1 − τ; CQR's episode score is `max_{t,d} max(lo − y, y − hi)`, and the conformal quantile q̂ of the
 * calibration scores widens every interval to `[lo − q̂, hi + q̂]`.
 */
import { AdamWithMoments, tf, type Rng, type Scalar, type Tensor, type Tensor2D, type Variable } from "@tam/tensor-backend";
import type { EpisodeBatch } from "./rule-world.js";

/** Default pinball levels: the 5% and 95% quantiles per coordinate (ADR 0205). */
export const DEFAULT_QUANTILE_LEVEL = 0.05;

/** Configuration of a {@link QuantileTube}. */
export interface QuantileTubeConfig {
  readonly obsDim: number;
  readonly horizonSteps: number;
  readonly stateDim: number;
  /** Hidden units (default 32). */
  readonly hiddenUnits?: number;
  /** Lower pinball level τ in (0, 0.5); the upper is 1 − τ (default 0.05). */
  readonly level?: number;
  /** Adam learning rate (default 3e-3). */
  readonly learningRate?: number;
}

/** Pinball (quantile) loss `mean max(τ·(y − q), (τ − 1)·(y − q))`. */
export function pinballLoss(y: Tensor, q: Tensor, level: number): Tensor {
  if (!(level > 0 && level < 1)) throw new Error(`Error in pinballLoss: level must be in (0, 1), got ${level}.`);
  return tf.tidy(() => {
    const diff = tf.sub(y, q);
    return tf.mean(tf.maximum(tf.mul(diff, level), tf.mul(diff, level - 1)));
  });
}

/**
 * Lower/upper quantile trajectories from an observation.
 *
 * @example
 * ```ts
 * const qt = new QuantileTube({ obsDim: world.obsDim, horizonSteps: 8, stateDim: 2 }, rng);
 * for (let s = 0; s < 2000; s++) qt.trainStep(world.sampleEpisodes(rng, 32));
 * const { lo, hi } = qt.predict(batch);   // Float32Array [B·T·D] each
 * ```
 */
export class QuantileTube {
  readonly w1: Variable;
  readonly w2: Variable;
  readonly level: number;
  private readonly optimizer: AdamWithMoments;
  private readonly width: number;

  constructor(
    readonly config: QuantileTubeConfig,
    rng: Rng,
  ) {
    const H = config.hiddenUnits ?? 32;
    this.level = config.level ?? DEFAULT_QUANTILE_LEVEL;
    for (const [name, value] of [
      ["obsDim", config.obsDim],
      ["horizonSteps", config.horizonSteps],
      ["stateDim", config.stateDim],
      ["hiddenUnits", H],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 1)) throw new Error(`Error in QuantileTube: ${name} must be an integer >= 1, got ${value}.`);
    }
    if (!(this.level > 0 && this.level < 0.5)) throw new Error(`Error in QuantileTube: level must be in (0, 0.5), got ${this.level}.`);
    this.width = config.horizonSteps * config.stateDim;
    const w1 = new Float32Array((config.obsDim + 1) * H).map((_, i) => (i >= config.obsDim * H ? 0 : rng.normal(0, 1 / Math.sqrt(config.obsDim + 1))));
    const w2 = new Float32Array((H + 1) * 2 * this.width).map((_, i) => (i >= H * 2 * this.width ? 0 : rng.normal(0, 0.1 / Math.sqrt(H))));
    this.w1 = tf.variable(tf.tensor2d(w1, [config.obsDim + 1, H]));
    this.w2 = tf.variable(tf.tensor2d(w2, [H + 1, 2 * this.width]));
    this.optimizer = new AdamWithMoments({ w1: this.w1, w2: this.w2 }, { learningRate: config.learningRate ?? 3e-3 });
  }

  private forward(obs: Tensor2D, anchor: Tensor2D): { lo: Tensor; hi: Tensor } {
    return tf.tidy(() => {
      const B = obs.shape[0];
      const h = tf.tanh(tf.matMul(tf.concat([obs, tf.ones([B, 1])], 1), this.w1));
      const out = tf.matMul(tf.concat([h, tf.ones([B, 1])], 1), this.w2);
      const lo = tf.add(tf.slice(out, [0, 0], [B, this.width]), anchor);
      const hi = tf.add(tf.slice(out, [0, this.width], [B, this.width]), anchor);
      return { lo, hi };
    });
  }

  private inputs(batch: EpisodeBatch): { obs: Tensor2D; anchor: Tensor2D; y: Tensor2D } {
    if (batch.horizonSteps * batch.stateDim !== this.width) {
      throw new Error(`Error in QuantileTube: episodes have T·D = ${batch.horizonSteps * batch.stateDim}, the model ${this.width}.`);
    }
    const B = batch.count;
    return {
      obs: tf.tensor2d(batch.obs, [B, this.config.obsDim]),
      anchor: tf.tensor2d(batch.anchor, [B, this.width]),
      y: tf.tensor2d(batch.traj, [B, this.width]),
    };
  }

  /** One Adam step of the pinball loss on a batch. */
  trainStep(batch: EpisodeBatch): void {
    tf.tidy(() => {
      const { obs, anchor, y } = this.inputs(batch);
      this.optimizer
        .minimize(() => {
          const { lo, hi } = this.forward(obs, anchor);
          return tf.add<Scalar>(pinballLoss(y, lo, this.level), pinballLoss(y, hi, 1 - this.level));
        })
        .dispose();
    });
  }

  /** Lower and upper quantiles `[B·T·D]` for a batch. */
  predict(batch: EpisodeBatch): { lo: Float32Array; hi: Float32Array } {
    return tf.tidy(() => {
      const { obs, anchor } = this.inputs(batch);
      const { lo, hi } = this.forward(obs, anchor);
      return { lo: lo.dataSync() as Float32Array, hi: hi.dataSync() as Float32Array };
    });
  }

  /** Per-episode CQR scores `max_{t,d} max(lo − y, y − hi)` of a batch. */
  scores(batch: EpisodeBatch): Float64Array {
    const { lo, hi } = this.predict(batch);
    const scores = new Float64Array(batch.count);
    for (let i = 0; i < batch.count; i++) {
      let worst = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < this.width; j++) {
        const at = i * this.width + j;
        const y = batch.traj[at] ?? 0;
        worst = Math.max(worst, (lo[at] ?? 0) - y, y - (hi[at] ?? 0));
      }
      scores[i] = worst;
    }
    return scores;
  }

  /** Free the variables and optimizer state. */
  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.w1, this.w2]);
  }
}
