/**
 * One training step of a tube (all its replicas at once): forward over a batch of episodes, the tube
 * loss with each replica's λ, one backward pass and one Adam update, then one read of the per-episode
 * statistics to the host, where each replica's {@link CommitmentPrice} updates its λ (outside autodiff,
 * as the seed's `.item()` scalars do; SEED-INVENTORY D-16).
 *
 * Source: `000_e13b841348682d63.txt` §7 L238–275 (soft fail in the loss, continuous λ update per step).
 */
import { AdamWithMoments, tf, type Tensor, type Tensor2D } from "@tam/tensor-backend";
import type { CommitmentPrice, PriceUpdate } from "./commitment-price.js";
import type { EpisodeBatch } from "./rule-world.js";
import { EPISODE_STATS, EPISODE_STAT_INDEX } from "./episode-stats.js";
import { tubeLoss, type TubeLossOptions } from "./tube-loss.js";
import type { TubeModel } from "./tube-model.js";

/** Default Adam learning rate of the tube (ADR 0202). */
export const DEFAULT_TUBE_LEARNING_RATE = 3e-3;

/** Options of {@link TubeTrainer}. */
export interface TubeTrainerOptions {
  /** Adam learning rate (default 3e-3). */
  readonly learningRate?: number;
  /** Loss weights and switches. */
  readonly loss?: TubeLossOptions;
}

/** What one {@link TubeTrainer.step} produced. */
export interface TubeStepResult {
  /** Per-episode statistics `[R, B, EPISODE_STATS.length]`, row-major. */
  readonly stats: Float32Array;
  /** λ per replica used in this step's loss (before the update). */
  readonly lambdas: readonly number[];
  /** Each replica's λ update. */
  readonly updates: readonly PriceUpdate[];
}

/** Columns of one replica's statistics, by name (views are copies, length B). */
export function replicaColumns(stats: Float32Array, replica: number, batch: number): Record<(typeof EPISODE_STATS)[number], Float32Array> {
  const width = EPISODE_STATS.length;
  const out = {} as Record<(typeof EPISODE_STATS)[number], Float32Array>;
  for (const name of EPISODE_STATS) {
    const column = new Float32Array(batch);
    const index = EPISODE_STAT_INDEX[name];
    for (let i = 0; i < batch; i++) column[i] = stats[(replica * batch + i) * width + index] ?? Number.NaN;
    out[name] = column;
  }
  return out;
}

/**
 * Feed one step's per-episode statistics (`[R, B, EPISODE_STATS.length]`) back: update each replica's
 * price from its columns, and return the updates with each replica's mean log-vol (the change
 * penalty's reference for the next step).
 */
export function feedBackStatistics(
  prices: readonly CommitmentPrice[],
  stats: Float32Array,
  batch: EpisodeBatch,
): { readonly updates: PriceUpdate[]; readonly meanLogVol: number[] } {
  const B = batch.count;
  const updates = prices.map((price, r) => {
    const columns = replicaColumns(stats, r, B);
    return price.update({
      fail: columns.failSoft,
      residual: columns.residual,
      sigmaMean: columns.sigmaMean,
      rule: batch.rules,
      failDeviation: columns.failDeviation,
      deviation: columns.deviation,
    });
  });
  const meanLogVol = prices.map((_, r) => {
    let sum = 0;
    for (let i = 0; i < B; i++) sum += stats[(r * B + i) * EPISODE_STATS.length + EPISODE_STAT_INDEX.logVol] ?? 0;
    return sum / B;
  });
  return { updates, meanLogVol };
}

/**
 * Trains a {@link TubeModel}'s replicas, each with its own commitment price.
 *
 * @example
 * ```ts
 * const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: 8, stateDim: 2, replicas: 3 }, rng.fork("model"));
 * const trainer = new TubeTrainer(model, ["faithful", "signed", "dual"].map((variant) => new CommitmentPrice({ variant, ruleCount: 4 })));
 * for (let step = 0; step < 1000; step++) trainer.step(world.sampleEpisodes(rng, 32));
 * ```
 */
export class TubeTrainer {
  /** The optimizer (its moments are readable). */
  readonly optimizer: AdamWithMoments;
  private previousLogVol: number[] | undefined;

  constructor(
    readonly model: TubeModel,
    readonly prices: readonly CommitmentPrice[],
    readonly options: TubeTrainerOptions = {},
  ) {
    if (prices.length !== model.config.replicas) {
      throw new Error(`Error in TubeTrainer: give one CommitmentPrice per replica (${model.config.replicas}), got ${prices.length}.`);
    }
    this.optimizer = new AdamWithMoments(model.variables(), { learningRate: options.learningRate ?? DEFAULT_TUBE_LEARNING_RATE });
  }

  /**
   * One step on `batch`; `latent` is `[B·latentDim]` row-major (required when the model has a latent).
   * Leaves no tensors behind.
   */
  step(batch: EpisodeBatch, latent?: Float32Array): TubeStepResult {
    const { replicas: R, latentDim, sigmaFloor } = this.model.config;
    const B = batch.count;
    if (latentDim > 0 && latent?.length !== B * latentDim) {
      throw new Error(`Error in TubeTrainer.step: latent must have ${B * latentDim} values (B·latentDim), got ${latent?.length ?? "none"}.`);
    }
    const lambdas = this.prices.map((price) => price.lambda);
    const useChange = (this.options.loss?.volumeChangeWeight ?? 0) > 0;
    const previous = this.previousLogVol;
    let statsTensor: Tensor | undefined;
    tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [B, batch.obs.length / B]);
      const anchor = tf.tensor2d(batch.anchor, [B, batch.horizonSteps * batch.stateDim]);
      const traj = tf.tensor3d(batch.traj, [B, batch.horizonSteps, batch.stateDim]);
      const latentTensor: Tensor2D | undefined = latentDim > 0 && latent !== undefined ? tf.tensor2d(latent, [B, latentDim]) : undefined;
      const lambda = tf.tensor1d(lambdas);
      const previousLogVol = useChange ? tf.tensor1d(previous ?? new Array<number>(R).fill(0)) : undefined;
      const { value, grads } = tf.variableGrads(() => {
        const output = this.model.forward(latentTensor === undefined ? { obs, anchor } : { obs, anchor, latent: latentTensor });
        const loss = tubeLoss(
          previousLogVol === undefined || previous === undefined
            ? { output, traj, lambda, sigmaFloor }
            : { output, traj, lambda, sigmaFloor, previousLogVol },
          previous === undefined ? { ...this.options.loss, volumeChangeWeight: 0 } : this.options.loss,
        );
        statsTensor = tf.keep(loss.stats);
        return loss.total;
      }, [this.model.w1, this.model.w2]);
      const byName: Record<string, Tensor> = {};
      const [g1, g2] = [grads[this.model.w1.name], grads[this.model.w2.name]];
      if (g1 !== undefined) byName["w1"] = g1;
      if (g2 !== undefined) byName["w2"] = g2;
      this.optimizer.applyGradients(byName);
      value.dispose();
    });
    const stats = (statsTensor as unknown as Tensor).dataSync() as Float32Array;
    (statsTensor as unknown as Tensor).dispose();
    const { updates, meanLogVol } = feedBackStatistics(this.prices, stats, batch);
    this.previousLogVol = meanLogVol;
    return { stats, lambdas, updates };
  }

  /**
   * Per-episode statistics of every replica on `batch` without training (no gradient, λ untouched):
   * `[R, B, EPISODE_STATS.length]` row-major, as {@link TubeStepResult.stats}.
   */
  evaluate(batch: EpisodeBatch, latent?: Float32Array): Float32Array {
    const { latentDim, sigmaFloor } = this.model.config;
    const B = batch.count;
    if (latentDim > 0 && latent?.length !== B * latentDim) {
      throw new Error(`Error in TubeTrainer.evaluate: latent must have ${B * latentDim} values (B·latentDim), got ${latent?.length ?? "none"}.`);
    }
    return tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [B, batch.obs.length / B]);
      const anchor = tf.tensor2d(batch.anchor, [B, batch.horizonSteps * batch.stateDim]);
      const traj = tf.tensor3d(batch.traj, [B, batch.horizonSteps, batch.stateDim]);
      const output = this.model.forward(
        latentDim > 0 && latent !== undefined ? { obs, anchor, latent: tf.tensor2d(latent, [B, latentDim]) } : { obs, anchor },
      );
      const lambda = tf.tensor1d(this.prices.map((price) => price.lambda));
      return tubeLoss({ output, traj, lambda, sigmaFloor }, { ...this.options.loss, volumeChangeWeight: 0 }).stats.dataSync() as Float32Array;
    });
  }

  /** Free the optimizer state (the model is the caller's). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
