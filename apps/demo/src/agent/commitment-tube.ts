/**
 * The agent's commitment tubes over its world model's forecasts (ADR 0703): `@tam/factored-actor`'s
 * `FactoredSharedTube` (σ and stop read the observation and z_intent only; μ reads all of z) with the
 * forecast as its anchor, so μ is the world model's prediction plus a learned correction. It trains
 * with `@tam/tube`'s `TubeTrainer` on a replay of realised horizons, with a homeostatic
 * `CommitmentPrice` λ per believed regime.
 */
import { FactoredSharedTube } from "@tam/factored-actor";
import { tf, type Rng } from "@tam/tensor-backend";
import { CommitmentPrice, SEED_LAMBDA, TubeTrainer, expectedHorizon, type EpisodeBatch } from "@tam/tube";

/** Sizes and training settings of the tube (ADR 0703). */
export interface CommitmentTubeSettings {
  readonly horizonTicks: number;
  readonly stateDim: number;
  /** Observation width (the standardised state). */
  readonly obsDim: number;
  /** z_intent width (the regime belief). */
  readonly intentDim: number;
  /** z_real width (the world model's recent error). */
  readonly realDim: number;
  /** Episodes kept for replay. */
  readonly replaySize: number;
  /** Episodes per training step. */
  readonly batchSize: number;
  /** Regimes the commitment price keeps baselines for. */
  readonly ruleCount: number;
  /** Lower bound of σ (standardised units). */
  readonly sigmaFloor: number;
  /** Soft-bind sharpness γ, per standardised unit. */
  readonly softBindGamma: number;
  /** λ at the start. */
  readonly lambdaInit: number;
  /** Weight of the soft barrier that keeps σ's raw value off the floor (the tube loss's option A). */
  readonly volumeBarrierWeight: number;
  /** Training steps per agent step. */
  readonly trainSteps: number;
  /** Adam step size. */
  readonly learningRate: number;
}

/** The demo's tube settings for the oscillator world (ADR 0703). */
export const COMMITMENT_TUBE_DEFAULTS = Object.freeze({
  intentDim: 2,
  realDim: 1,
  replaySize: 256,
  batchSize: 32,
  sigmaFloor: 0.05,
  softBindGamma: 2,
  lambdaInit: SEED_LAMBDA,
  volumeBarrierWeight: 1,
  trainSteps: 3,
  learningRate: 0.02,
});

/** One realised horizon, as the tube saw it. */
export interface TubeEpisode {
  readonly obs: Float32Array;
  readonly latent: Float32Array;
  readonly anchor: Float32Array;
  readonly outcome: Float32Array;
  readonly rule: number;
}

/** A tube for one episode, on the host. */
export interface TubePrediction {
  /** `[T·D]` */
  readonly mu: Float32Array;
  /** `[T·D]` */
  readonly sigma: Float32Array;
  /** Expected number of ticks the commitment holds, from the stop head (in [0, T]). */
  readonly expectedHorizon: number;
}

/** Tube, trainer, price and replay. */
export class CommitmentTube {
  readonly tube: FactoredSharedTube;
  readonly price: CommitmentPrice;
  private readonly trainer: TubeTrainer;
  private readonly settings: CommitmentTubeSettings;
  private readonly replay: TubeEpisode[] = [];

  constructor(settings: CommitmentTubeSettings, rng: Rng) {
    this.settings = settings;
    this.tube = new FactoredSharedTube(
      {
        tubeObsDim: settings.obsDim,
        intentDim: settings.intentDim,
        realDim: settings.realDim,
        horizonSteps: settings.horizonTicks,
        stateDim: settings.stateDim,
        sigmaFloor: settings.sigmaFloor,
      },
      rng,
    );
    this.price = new CommitmentPrice({ ruleCount: settings.ruleCount, lambdaInit: settings.lambdaInit });
    this.trainer = new TubeTrainer(this.tube.model, [this.price], { learningRate: settings.learningRate, loss: { gamma: settings.softBindGamma, volumeBarrierWeight: settings.volumeBarrierWeight } });
  }

  /** The commitment price λ. */
  get lambda(): number {
    return this.price.lambda;
  }

  /** The tube for one episode. */
  predict(obs: Float32Array, latent: Float32Array, anchor: Float32Array): TubePrediction {
    const { horizonTicks: T, stateDim: D } = this.settings;
    return tf.tidy(() => {
      const out = this.tube.forwardReplica(0, tf.tensor2d(obs, [1, obs.length]), tf.tensor2d(latent, [1, latent.length]), tf.tensor2d(anchor, [1, T * D]));
      return {
        mu: Float32Array.from(out.mu.dataSync()),
        sigma: Float32Array.from(out.sigma.dataSync()),
        expectedHorizon: expectedHorizon(out.stopLogits).dataSync()[0] as number,
      };
    });
  }

  /** Remember a realised episode (the oldest drops out of a full replay). */
  remember(episode: TubeEpisode): void {
    this.replay.push(episode);
    if (this.replay.length > this.settings.replaySize) this.replay.shift();
  }

  /** `trainSteps` training steps on random replay batches; false while the replay is smaller than a batch. */
  train(rng: Rng): boolean {
    if (this.replay.length < this.settings.batchSize) return false;
    for (let i = 0; i < this.settings.trainSteps; i += 1) this.trainOnce(rng);
    return true;
  }

  private trainOnce(rng: Rng): void {
    const { batchSize: B, horizonTicks: T, stateDim: D } = this.settings;
    const picks = Array.from({ length: B }, () => this.replay[rng.int(0, this.replay.length)] as TubeEpisode);
    const obsDim = this.settings.obsDim;
    const latentDim = this.settings.intentDim + this.settings.realDim;
    const batch: EpisodeBatch = {
      count: B,
      horizonSteps: T,
      stateDim: D,
      rules: Int32Array.from(picks, (p) => p.rule),
      s0: concat(picks.map((p) => p.obs.subarray(0, D))),
      obs: concat(picks.map((p) => p.obs)),
      traj: concat(picks.map((p) => p.outcome)),
      anchor: concat(picks.map((p) => p.anchor)),
    };
    const latent = concat(picks.map((p) => p.latent));
    if (batch.obs.length !== B * obsDim || latent.length !== B * latentDim) throw new Error("CommitmentTube.train: replay episodes have the wrong widths");
    this.trainer.step(batch, latent);
  }

  /** Free the tube and the optimizer. */
  dispose(): void {
    this.trainer.dispose();
    this.tube.dispose();
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
