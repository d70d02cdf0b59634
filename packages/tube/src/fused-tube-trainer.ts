/**
 * A drop-in fast replacement of {@link TubeTrainer}: the same training step (forward over a batch, the
 * tube loss with each replica's λ, one gradient, one Adam update, each replica's {@link CommitmentPrice}
 * updated from the per-episode statistics) computed by the closed-form {@link FusedTubeKernel} on host
 * arrays instead of ~340 tfjs ops, with Adam on the host ({@link HostAdam}). The model's variables are
 * written after every step, so `model.forward` always sees the trained weights (ADR 0206).
 *
 * Source: `000_e13b841348682d63.txt` §7 L238–275 (soft fail in the loss, continuous λ update per step).
 */
import { tf } from "@tam/tensor-backend";
import type { CommitmentPrice } from "./commitment-price.js";
import { FusedTubeKernel } from "./fused-tube-kernel.js";
import { HostAdam } from "./host-adam.js";
import type { EpisodeBatch } from "./rule-world.js";
import { EPISODE_STATS } from "./episode-stats.js";
import { resolveTubeLossOptions } from "./tube-loss.js";
import { tubeMasks } from "./tube-masks.js";
import type { TubeModel } from "./tube-model.js";
import { DEFAULT_TUBE_LEARNING_RATE, feedBackStatistics, type TubeStepResult, type TubeTrainerOptions } from "./tube-trainer.js";

/**
 * Trains a {@link TubeModel}'s replicas, each with its own commitment price, with the fused kernel; same
 * API and the same arithmetic as {@link TubeTrainer} up to float rounding (tests compare the two).
 * The trainer owns the model's weights while it trains: changes made to the variables from outside
 * between steps are overwritten by the next step.
 *
 * @example
 * ```ts
 * const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: 8, stateDim: 2, replicas: 3 }, rng.fork("model"));
 * const trainer = new FusedTubeTrainer(model, ["faithful", "signed", "dual"].map((variant) => new CommitmentPrice({ variant, ruleCount: 4 })));
 * for (let step = 0; step < 10_000; step++) trainer.step(world.sampleEpisodes(rng, 32));
 * ```
 */
export class FusedTubeTrainer {
  /** Adam over the flat parameters `[w1, w2]` (its moments are readable). */
  readonly optimizer: HostAdam;
  private readonly kernel: FusedTubeKernel;
  private readonly evalKernel: FusedTubeKernel;
  private readonly params: Float64Array;
  private readonly w1: Float64Array;
  private readonly w2: Float64Array;
  private readonly grads: Float64Array;
  private readonly grad1: Float64Array;
  private readonly grad2: Float64Array;
  private previousLogVol: number[] | undefined;

  constructor(
    readonly model: TubeModel,
    readonly prices: readonly CommitmentPrice[],
    readonly options: TubeTrainerOptions = {},
  ) {
    const c = model.config;
    if (prices.length !== c.replicas) {
      throw new Error(`Error in FusedTubeTrainer: give one CommitmentPrice per replica (${c.replicas}), got ${prices.length}.`);
    }
    const loss = resolveTubeLossOptions("FusedTubeTrainer", options.loss);
    const masks = tubeMasks(c);
    const shape = { replicas: c.replicas, hiddenUnits: c.hiddenUnits, horizonSteps: c.horizonSteps, stateDim: c.stateDim, sigmaFloor: c.sigmaFloor };
    this.kernel = new FusedTubeKernel(shape, masks, loss);
    this.evalKernel = new FusedTubeKernel(shape, masks, { ...loss, volumeChangeWeight: 0 });
    const n1 = model.w1.size;
    const n2 = model.w2.size;
    this.params = new Float64Array(n1 + n2);
    this.params.set(model.w1.dataSync(), 0);
    this.params.set(model.w2.dataSync(), n1);
    this.w1 = this.params.subarray(0, n1);
    this.w2 = this.params.subarray(n1);
    this.grads = new Float64Array(n1 + n2);
    this.grad1 = this.grads.subarray(0, n1);
    this.grad2 = this.grads.subarray(n1);
    this.optimizer = new HostAdam(n1 + n2, { learningRate: options.learningRate ?? DEFAULT_TUBE_LEARNING_RATE });
  }

  /**
   * One step on `batch`; `latent` is `[B·latentDim]` row-major (required when the model has a latent).
   * Leaves no tensors behind.
   */
  step(batch: EpisodeBatch, latent?: Float32Array): TubeStepResult {
    const { replicas: R } = this.model.config;
    const B = batch.count;
    const x = this.inputs("step", batch, latent);
    const lambdas = this.prices.map((price) => price.lambda);
    const stats = new Float32Array(R * B * EPISODE_STATS.length);
    this.kernel.run({
      w1: this.w1,
      w2: this.w2,
      x,
      anchor: batch.anchor,
      traj: batch.traj,
      batch: B,
      lambdas,
      ...(this.previousLogVol === undefined ? {} : { previousLogVol: this.previousLogVol }),
      stats,
      grad1: this.grad1,
      grad2: this.grad2,
    });
    this.optimizer.step(this.params, this.grads);
    this.writeModel();
    const { updates, meanLogVol } = feedBackStatistics(this.prices, stats, batch);
    this.previousLogVol = meanLogVol;
    return { stats, lambdas, updates };
  }

  /**
   * Per-episode statistics of every replica on `batch` without training (λ untouched):
   * `[R, B, EPISODE_STATS.length]` row-major, as {@link TubeStepResult.stats}.
   */
  evaluate(batch: EpisodeBatch, latent?: Float32Array): Float32Array {
    const B = batch.count;
    const x = this.inputs("evaluate", batch, latent);
    const stats = new Float32Array(this.model.config.replicas * B * EPISODE_STATS.length);
    this.evalKernel.run({ w1: this.w1, w2: this.w2, x, anchor: batch.anchor, traj: batch.traj, batch: B, lambdas: this.prices.map((price) => price.lambda), stats });
    return stats;
  }

  /** Nothing on the tensor backend to free (the model is the caller's); kept for parity with {@link TubeTrainer}. */
  dispose(): void {
    this.previousLogVol = undefined;
  }

  /** Rows `[obs, latent, 1]` of the first layer. */
  private inputs(where: string, batch: EpisodeBatch, latent: Float32Array | undefined): Float32Array {
    const { obsDim, latentDim, horizonSteps, stateDim } = this.model.config;
    const B = batch.count;
    if (latentDim > 0 && latent?.length !== B * latentDim) {
      throw new Error(`Error in FusedTubeTrainer.${where}: latent must have ${B * latentDim} values (B·latentDim), got ${latent?.length ?? "none"}.`);
    }
    if (batch.obs.length !== B * obsDim) throw new Error(`Error in FusedTubeTrainer.${where}: batch.obs must have ${B * obsDim} values (B·obsDim), got ${batch.obs.length}.`);
    if (batch.horizonSteps !== horizonSteps || batch.stateDim !== stateDim) {
      throw new Error(`Error in FusedTubeTrainer.${where}: batch is T = ${batch.horizonSteps}, D = ${batch.stateDim}; the model is T = ${horizonSteps}, D = ${stateDim}.`);
    }
    const inRows = obsDim + latentDim + 1;
    const x = new Float32Array(B * inRows);
    for (let b = 0; b < B; b++) {
      x.set(batch.obs.subarray(b * obsDim, (b + 1) * obsDim), b * inRows);
      if (latent !== undefined && latentDim > 0) x.set(latent.subarray(b * latentDim, (b + 1) * latentDim), b * inRows + obsDim);
      x[b * inRows + inRows - 1] = 1;
    }
    return x;
  }

  /** Copy the host weights into the model's variables (as float32 copies: a backend may keep the array it is given). */
  private writeModel(): void {
    tf.tidy(() => {
      this.model.w1.assign(tf.tensor(Float32Array.from(this.w1), this.model.w1.shape, "float32"));
      this.model.w2.assign(tf.tensor(Float32Array.from(this.w2), this.model.w2.shape, "float32"));
    });
  }
}
