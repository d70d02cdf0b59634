/**
 * `FactoredSharedTube` (001 §C): μ from (s0, z_intent, z_real); σ and stop from (s0, z_intent) only.
 * Built on `@tam/tube`'s `TubeModel` with its head-wiring option: `coneLatent` = the z_intent slice
 * (001's `intent_only_sigma` and `intent_only_stop`) and `muLatent` = all of z (or z_intent only, the
 * "z_real removed from the tube" ablation, 001 L69). `TubeModel` has one cone trunk for σ and stop; when
 * only one of the two heads may read z_real, the trunk reads z_intent and that head gets an additive
 * linear read-out of z_real (`realReadout`, zero at start, so the wiring starts as the intent-only cone).
 *
 * Replicas (one actor per world, trained in the same ops) share one tube that is told which replica it
 * serves: with R > 1 a one-hot of the replica is appended to the tube's observation and the R·B
 * episodes run as one batch (ADR 0602). `TubeModel`'s own replicas all read one shared input batch
 * (tiled over the replica axis, so gradients do reach it); each world's tube needs its own episodes,
 * so R `TubeModel` replicas would cost R times the tube's work to keep the diagonal blocks (ADR 0614).
 *
 * Source: `001_4e7658869d462183.txt` §C L52–65, L273–276; SEED-INVENTORY.md §5.1, C-10.
 */
import { tf, type Rng, type Tensor, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";
import { TubeModel, type TubeOutput } from "@tam/tube";

/** Configuration of a {@link FactoredSharedTube}. */
export interface FactoredSharedTubeConfig {
  /** Width of the tube's observation of s0. */
  readonly tubeObsDim: number;
  /** z_intent dimension (z = [z_intent, z_real], intent first). */
  readonly intentDim: number;
  /** z_real dimension (0: an unfactored latent, all of it read by every head). */
  readonly realDim: number;
  readonly horizonSteps: number;
  readonly stateDim: number;
  readonly hiddenUnits?: number;
  readonly replicas?: number;
  /** σ reads (s0, z_intent) only (default true; 001 `intent_only_sigma`). */
  readonly intentOnlySigma?: boolean;
  /** stop reads (s0, z_intent) only (default true; 001 `intent_only_stop`). */
  readonly intentOnlyStop?: boolean;
  /** μ reads z_real too (default true; false is the "z_real removed from the tube" ablation). */
  readonly muReadsReal?: boolean;
  readonly sigmaFloor?: number;
  readonly initSigma?: number;
}

/** Inputs of {@link FactoredSharedTube.forward}, one block per replica. */
export interface FactoredTubeInputs {
  /** `[R, B, tubeObsDim]` */
  readonly obs: Tensor3D;
  /** z `[R, B, intentDim + realDim]` */
  readonly latent: Tensor3D;
  /** `[R, B, T·D]` (added to μ) */
  readonly anchor: Tensor3D;
}

/**
 * The factored tube.
 *
 * @example
 * ```ts
 * const tube = new FactoredSharedTube({ tubeObsDim: 2, intentDim: 3, realDim: 3, horizonSteps: 8, stateDim: 2 }, rng);
 * const out = tube.forward({ obs, latent, anchor });   // σ, stop: functions of (obs, z[0:3]) only
 * ```
 */
export class FactoredSharedTube {
  /** The underlying `@tam/tube` model (its `w1`, `w2` are the trainable variables). */
  readonly model: TubeModel;
  readonly replicas: number;
  readonly latentDim: number;
  /**
   * Linear read-out z_real → log σ `[realDim, T·D]` (σ reads z_real, stop does not) or z_real → stop
   * logits `[realDim, T]` (the reverse); undefined when σ and stop read the same part of z.
   */
  readonly realReadout: Variable | undefined;
  /** Which head {@link FactoredSharedTube.realReadout} feeds. */
  readonly realReadoutHead: "sigma" | "stop" | undefined;
  private readonly replicaCodes: Tensor | undefined;

  constructor(
    readonly config: FactoredSharedTubeConfig,
    rng: Rng,
  ) {
    const { intentDim, realDim } = config;
    if (!(Number.isInteger(intentDim) && intentDim >= 1)) throw new Error(`Error in FactoredSharedTube: intentDim must be an integer >= 1, got ${intentDim}.`);
    if (!(Number.isInteger(realDim) && realDim >= 0)) throw new Error(`Error in FactoredSharedTube: realDim must be an integer >= 0, got ${realDim}.`);
    this.latentDim = intentDim + realDim;
    this.replicas = config.replicas ?? 1;
    const intentOnlySigma = config.intentOnlySigma ?? true;
    const intentOnlyStop = config.intentOnlyStop ?? true;
    // One cone trunk: it reads z_real only when both heads may; a head that alone reads z_real gets the read-out.
    const intentOnly = intentOnlySigma || intentOnlyStop || realDim === 0;
    const muReadsReal = config.muReadsReal ?? true;
    this.model = new TubeModel(
      {
        obsDim: config.tubeObsDim + (this.replicas > 1 ? this.replicas : 0),
        latentDim: this.latentDim,
        horizonSteps: config.horizonSteps,
        stateDim: config.stateDim,
        coneLatent: { start: 0, end: intentOnly ? intentDim : this.latentDim },
        muLatent: { start: 0, end: muReadsReal ? this.latentDim : intentDim },
        ...(config.hiddenUnits === undefined ? {} : { hiddenUnits: config.hiddenUnits }),
        ...(config.sigmaFloor === undefined ? {} : { sigmaFloor: config.sigmaFloor }),
        ...(config.initSigma === undefined ? {} : { initSigma: config.initSigma }),
      },
      rng,
    );
    const R = this.replicas;
    this.replicaCodes = R > 1 ? tf.tidy(() => tf.reshape(tf.eye(R), [R, 1, R])) : undefined;
    this.realReadoutHead = realDim === 0 || intentOnlySigma === intentOnlyStop ? undefined : intentOnlySigma ? "stop" : "sigma";
    const width = this.realReadoutHead === "sigma" ? config.horizonSteps * config.stateDim : config.horizonSteps;
    this.realReadout = this.realReadoutHead === undefined ? undefined : tf.tidy(() => tf.variable(tf.zeros([realDim, width]), true, undefined, "float32"));
  }

  /** The model's outputs with the z_real read-out added to its head (`latent` `[rows, latentDim]`). */
  private withReadout(out: TubeOutput, latent: Tensor2D): TubeOutput {
    const readout = this.realReadout;
    if (readout === undefined) return out;
    const { intentDim, realDim } = this.config;
    const rows = latent.shape[0];
    const extra = tf.matMul(tf.slice(latent, [0, intentDim], [rows, realDim]), readout);
    if (this.realReadoutHead === "stop") return { ...out, stopLogits: tf.add(out.stopLogits, tf.reshape(extra, out.stopLogits.shape)) };
    const logSigmaRaw = tf.add(out.logSigmaRaw, tf.reshape(extra, out.logSigmaRaw.shape));
    const logSigma = tf.maximum(logSigmaRaw, Math.log(this.model.config.sigmaFloor));
    return { ...out, logSigmaRaw, logSigma, sigma: tf.exp(logSigma) };
  }

  /** Every replica's tube on its own block of episodes; outputs `[R, B, T, D]` (stop `[R, B, T]`). */
  forward(inputs: FactoredTubeInputs): TubeOutput {
    const R = this.replicas;
    const [r0, B, O] = inputs.obs.shape;
    const { horizonSteps: T, stateDim: D } = this.config;
    if (r0 !== R || O !== this.config.tubeObsDim) throw new Error(`Error in FactoredSharedTube.forward: obs must be [${R}, B, ${this.config.tubeObsDim}], got [${inputs.obs.shape.join(",")}].`);
    if (inputs.latent.shape.join(",") !== [R, B, this.latentDim].join(",")) {
      throw new Error(`Error in FactoredSharedTube.forward: latent must be [${R}, ${B}, ${this.latentDim}], got [${inputs.latent.shape.join(",")}].`);
    }
    if (inputs.anchor.shape.join(",") !== [R, B, T * D].join(",")) {
      throw new Error(`Error in FactoredSharedTube.forward: anchor must be [${R}, ${B}, ${T * D}], got [${inputs.anchor.shape.join(",")}].`);
    }
    return tf.tidy(() => {
      const obs =
        this.replicaCodes === undefined ? tf.reshape(inputs.obs, [B, O]) : tf.reshape(tf.concat([inputs.obs, tf.mul(tf.ones([R, B, 1]), this.replicaCodes)], 2), [R * B, O + R]);
      const latent: Tensor2D = tf.reshape(inputs.latent, [R * B, this.latentDim]);
      const out = this.withReadout(this.model.forward({ obs: obs as Tensor2D, latent, anchor: tf.reshape(inputs.anchor, [R * B, T * D]) }), latent);
      const logSigma = tf.reshape(out.logSigma, [R, B, T, D]);
      return {
        mu: tf.reshape(out.mu, [R, B, T, D]),
        logSigma,
        logSigmaRaw: tf.reshape(out.logSigmaRaw, [R, B, T, D]),
        sigma: tf.exp(logSigma),
        stopLogits: tf.reshape(out.stopLogits, [R, B, T]),
      };
    });
  }

  /**
   * One replica's tube on its own episodes: obs `[n, tubeObsDim]`, latent `[n, latentDim]`, anchor
   * `[n, T·D]`; outputs `[1, n, T, D]` (stop `[1, n, T]`).
   */
  forwardReplica(replica: number, obs: Tensor2D, latent: Tensor2D, anchor: Tensor2D): TubeOutput {
    const R = this.replicas;
    if (!(Number.isInteger(replica) && replica >= 0 && replica < R)) throw new Error(`Error in FactoredSharedTube.forwardReplica: replica must be an integer in [0, ${R}), got ${replica}.`);
    const n = obs.shape[0];
    return tf.tidy(() => {
      const fullObs = R > 1 ? tf.concat([obs, tf.cast(tf.oneHot(tf.fill([n], replica, "int32"), R), "float32")], 1) : obs;
      const out = this.withReadout(this.model.forward({ obs: fullObs as Tensor2D, latent, anchor }), latent);
      return { mu: out.mu, logSigma: out.logSigma, logSigmaRaw: out.logSigmaRaw, sigma: out.sigma, stopLogits: out.stopLogits };
    });
  }

  /** Free the model. */
  dispose(): void {
    this.model.dispose();
    this.replicaCodes?.dispose();
    this.realReadout?.dispose();
  }
}
