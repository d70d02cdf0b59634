/**
 * `FactoredActor`: an actor whose latent is factored into **z_intent** (what it commits to: the tube's
 * σ and stop read it alone) and **z_real** (how it realises that here: the policy and μ read it too),
 * with posterior heads q(z_intent | s0) and q(z_real | s0), KL kept per part (`betaKlIntent` >
 * `betaKlReal`), a Gaussian policy on (obs, z_intent, z_real) trained by advantage actor-critic, the
 * factored shared tube, and one homeostatic commitment price λ per replica (from `@tam/tube`).
 *
 * `replicas: R` holds R independent actors (for example one per equivalent world) trained in the same
 * tensor ops; every array is `[R, n, ·]`. Acting runs on the host with a copy of the weights (see
 * `host-dense.ts`); training recomputes everything as tensors in one tape.
 *
 * Objective per replica (ADR 0602): `L = L_pg + c_v·L_value − c_H·H(π) + β_I·KL_I + β_R·KL_R + c_tube·L_tube`
 * where L_pg is the score-function loss with Monte Carlo advantages; z is reparameterised
 * (z = μ + σ·ε with ε fixed exogenous noise), so the same score term differentiates into the posterior
 * heads, an unbiased policy gradient of the composite policy (ADR 0602). The tube loss also reaches the
 * posterior through z: the commitment objectives shape z_intent (001 §E).
 *
 * Refine phase (ADR 0603): after {@link FactoredActor.beginRefine}, the actor trains as before, but with
 * `freezeSigmaDuringRefine` the tube's cone trunk and its σ and stop columns are pinned to their values
 * at the start of the phase (restored after every update), so σ(s0, z_intent) and the stop head keep
 * their geometry while μ, the policy and the posteriors refine.
 *
 * Source: `001_4e7658869d462183.txt` §A–§F, §I L3–125, L213–223; `000_e13b841348682d63.txt` §7
 * (λ on the actor); SEED-INVENTORY.md §6.1–6.7, §6.13, C-10, D-9.
 */
import { AdamWithMoments, createRng, parseConfig, tf, type Rng, type Scalar, type Tensor, type Tensor3D, type Variable } from "@tam/tensor-backend";
import { ALPHA_VOL, COMMITMENT_PRICE_VARIANTS, CommitmentPrice, DEFAULT_HORIZON_WEIGHT, SIGMA_FLOOR, replicaColumns, type TubeOutput } from "@tam/tube";
import { z } from "zod";
import { ActorHistory, columnMoments } from "./actor-history.js";
import {
  DEFAULT_ACTOR_HIDDEN_UNITS,
  DEFAULT_ACTOR_LEARNING_RATE,
  DEFAULT_BETA_KL_INTENT,
  DEFAULT_BETA_KL_REAL,
  DEFAULT_DISCOUNT,
  DEFAULT_ENTROPY_WEIGHT,
  DEFAULT_INTENT_DIM,
  DEFAULT_POLICY_INIT_LOG_STD,
  DEFAULT_REAL_DIM,
  DEFAULT_TUBE_WEIGHT,
  DEFAULT_VALUE_WEIGHT,
  MAX_INTENT_DIM,
  MIN_INTENT_DIM,
  POLICY_LOG_STD_MIN,
  POSTERIOR_LOG_STD_MAX,
  POSTERIOR_LOG_STD_MIN,
} from "./constants.js";
import type { EpisodeMemory } from "./episode-memory.js";
import { FactoredSharedTube } from "./factored-shared-tube.js";
import { replicaTubeLoss } from "./factored-tube-loss.js";
import type { FactoredZSample } from "./factored-z-sample.js";
import { denseForward, initDense, policyForward, tanhInPlace } from "./host-dense.js";
import { DEFAULT_INTENT_NORM, INTENT_NORMS, RunningIntentStats, normaliseIntent, normaliseIntentHost } from "./intent-normalisation.js";

const priceSchema = z
  .object({
    variant: z.enum(COMMITMENT_PRICE_VARIANTS).optional(),
    etaLambda: z.number().finite().positive().optional(),
    lambdaInit: z.number().finite().min(0).optional(),
    lambdaMax: z.number().finite().positive().optional(),
  })
  .strict();

/** Configuration of a {@link FactoredActor} (zod; every field but the dimensions defaulted). */
export const factoredActorConfigSchema = z
  .object({
    /** Independent actors trained side by side (for example one per world). */
    replicas: z.number().int().min(1).max(16).default(1),
    /** Width of the start observation s0 the posteriors read. */
    startDim: z.number().int().min(1),
    /** Width of the policy's per-step observation. */
    policyObsDim: z.number().int().min(1),
    /** Width of the tube's observation of s0. */
    tubeObsDim: z.number().int().min(1),
    actionDim: z.number().int().min(1),
    horizonSteps: z.number().int().min(1),
    stateDim: z.number().int().min(1),
    /** Rules (conditions) the commitment price keeps baselines for. */
    ruleCount: z.number().int().min(1).default(1),
    intentDim: z.number().int().min(1).max(64).default(DEFAULT_INTENT_DIM),
    realDim: z.number().int().min(0).max(64).default(DEFAULT_REAL_DIM),
    hiddenUnits: z.number().int().min(1).max(1024).default(DEFAULT_ACTOR_HIDDEN_UNITS),
    tubeHiddenUnits: z.number().int().min(1).max(1024).default(DEFAULT_ACTOR_HIDDEN_UNITS),
    /** Factor z into z_intent and z_real (001 `use_factored_z`); false = one latent of intentDim + realDim. */
    useFactoredZ: z.boolean().default(true),
    /** σ reads (s0, z_intent) only (001 `intent_only_sigma`); false: σ reads z_real too. */
    intentOnlySigma: z.boolean().default(true),
    /** stop reads (s0, z_intent) only (001 `intent_only_stop`); false: stop reads z_real too. */
    intentOnlyStop: z.boolean().default(true),
    /**
     * The tube reads z_real (default); false = the "z_real removed from the tube entirely" ablation
     * (001 L69). One value for every replica, or one per replica.
     */
    tubeUsesReal: z.union([z.boolean(), z.array(z.boolean())]).default(true),
    /** The policy reads z_real (default); false = the "(obs, z_intent) only" ablation (001 L77). Per replica allowed. */
    policyUsesReal: z.union([z.boolean(), z.array(z.boolean())]).default(true),
    /** Which parts a functor transports (001 `functor_maps`); the intent is always mapped. */
    functorMaps: z.object({ intent: z.literal(true).default(true), real: z.boolean().default(false) }).strict().default({ intent: true, real: false }),
    /** Pin the tube's σ and stop heads during the refine phase (001 L59; ADR 0603). */
    freezeSigmaDuringRefine: z.boolean().default(false),
    betaKlIntent: z.number().finite().min(0).default(DEFAULT_BETA_KL_INTENT),
    betaKlReal: z.number().finite().min(0).default(DEFAULT_BETA_KL_REAL),
    /** Normalisation of the intent mean (D-9; ADR 0601). */
    intentNorm: z.enum(INTENT_NORMS).default(DEFAULT_INTENT_NORM),
    learningRate: z.number().finite().positive().max(1).default(DEFAULT_ACTOR_LEARNING_RATE),
    discount: z.number().min(0).max(1).default(DEFAULT_DISCOUNT),
    valueWeight: z.number().finite().min(0).default(DEFAULT_VALUE_WEIGHT),
    entropyWeight: z.number().finite().min(0).default(DEFAULT_ENTROPY_WEIGHT),
    tubeWeight: z.number().finite().min(0).default(DEFAULT_TUBE_WEIGHT),
    policyInitLogStd: z.number().finite().default(DEFAULT_POLICY_INIT_LOG_STD),
    alphaVol: z.number().finite().min(0).default(ALPHA_VOL),
    sigmaFloor: z.number().finite().positive().default(SIGMA_FLOOR),
    horizonWeight: z.number().finite().min(0).default(DEFAULT_HORIZON_WEIGHT),
    /** Options of each replica's commitment price (`@tam/tube` defaults otherwise). */
    price: priceSchema.default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.useFactoredZ) {
      if (c.intentDim < MIN_INTENT_DIM || c.intentDim > MAX_INTENT_DIM) {
        ctx.addIssue({ code: "custom", path: ["intentDim"], message: `must be in [${MIN_INTENT_DIM}, ${MAX_INTENT_DIM}] for a factored z (001 L6), got ${c.intentDim}` });
      }
      if (c.realDim < 1) ctx.addIssue({ code: "custom", path: ["realDim"], message: `must be >= 1 for a factored z, got ${c.realDim}` });
      if (!(c.betaKlIntent > c.betaKlReal)) {
        ctx.addIssue({ code: "custom", path: ["betaKlIntent"], message: `must exceed betaKlReal (001 L100: real has weaker KL), got ${c.betaKlIntent} <= ${c.betaKlReal}` });
      }
    }
    for (const field of ["tubeUsesReal", "policyUsesReal"] as const) {
      const value = c[field];
      if (Array.isArray(value) && value.length !== c.replicas) {
        ctx.addIssue({ code: "custom", path: [field], message: `must have one entry per replica (${c.replicas}), got ${value.length}` });
      }
    }
  });

/** Configuration of a {@link FactoredActor}: the dimensions are required, everything else has a default. */
export type FactoredActorConfig = z.input<typeof factoredActorConfigSchema>;
/** A validated configuration. */
export type ResolvedActorConfig = z.output<typeof factoredActorConfigSchema>;

/** Options of {@link FactoredActor.sample}. */
export interface SampleOptions {
  /** Use the posterior mean (ε = 0): the seed's `get_intent_embedding()` for functor training (001 L223). */
  readonly deterministic?: boolean;
  /** Record every sampled episode here (001 L33–35). */
  readonly memory?: EpisodeMemory;
  /** Sample one replica only: `start` is then `[n, startDim]` and the sample has `replicas: 1`. */
  readonly replica?: number;
}

/** One training batch of R replicas × n episodes (built by `collectEpisodes`). Row-major flat arrays. */
export interface ActorTrainingBatch {
  /** Episodes per replica. */
  readonly count: number;
  /** s0 `[R, n, startDim]` */
  readonly start: Float32Array;
  /** The latent draw used to act (its `eps` is reused so the tape rebuilds the same z). */
  readonly sample: FactoredZSample;
  /** `[R, n, T, policyObsDim]` */
  readonly obs: Float32Array;
  /** `[R, n, T, actionDim]` */
  readonly actions: Float32Array;
  /** Normalised advantages `[R, n, T]`. */
  readonly advantages: Float32Array;
  /** Discounted returns-to-go (critic targets) `[R, n, T]`. */
  readonly returnsToGo: Float32Array;
  /** Trajectories the tube learns from `[R, n, T, stateDim]` (the episodes acted with the policy mean). */
  readonly traj: Float32Array;
  /** `[R, n, tubeObsDim]` */
  readonly tubeObs: Float32Array;
  /** `[R, n, T·stateDim]` */
  readonly anchor: Float32Array;
  /** Rule (condition) per episode for the commitment price, `[R, n]`. */
  readonly rules: Int32Array;
  /** Mean return per replica (for the history). */
  readonly meanReturns: readonly number[];
}

/** What one training step did, per replica. */
export interface ActorStepResult {
  readonly lambdas: readonly number[];
  readonly failSoft: readonly number[];
  readonly policyLoss: readonly number[];
  readonly valueLoss: readonly number[];
  readonly tubeLoss: readonly number[];
  /** Per-episode tube statistics `[R, n, EPISODE_STATS.length]` (`@tam/tube` columns). */
  readonly tubeStats: Float32Array;
}

/** Host outputs of the policy for one replica. */
export interface PolicyOutput {
  /** `[n, actionDim]` (sampled when an rng is given, else the mean) */
  readonly actions: Float32Array;
  /** Critic value `[n]`. */
  readonly values: Float32Array;
}

/** Instances created so far (unique tfjs variable names). */
let actorInstances = 0;

/** The actor's parameter blocks (one variable each). */
const PARAM_BLOCKS = ["postW1", "postW2", "polWo", "polWz", "polW2", "polLogStd"] as const satisfies readonly ActorVariableName[];
type ParamBlock = (typeof PARAM_BLOCKS)[number];
/** Names of the actor's trainable variables: its parameter blocks and the tube's. */
export type ActorVariableName = "postW1" | "postW2" | "polWo" | "polWz" | "polW2" | "polLogStd" | "tubeW1" | "tubeW2" | "tubeReal";

/**
 * The factored actor.
 *
 * @example
 * ```ts
 * const world = new EquivalentWorld("standard");
 * const actor = new FactoredActor(actorConfigFor(world), createRng(1));
 * trainFactoredActor(actor, [world], { steps: 2000, batchEpisodes: 64, rng: createRng(2) });
 * const spec = EquivalentWorld.sampleSpecs(createRng(3), 16);
 * const z = actor.sample(world.starts(spec).start, 16, createRng(4));   // z.zIntent: [1, 16, 3]
 * ```
 */
export class FactoredActor {
  /** The validated configuration. */
  readonly config: ResolvedActorConfig;
  /** z_intent dimension in use (intentDim + realDim when unfactored). */
  readonly intentDim: number;
  /** z_real dimension in use (0 when unfactored). */
  readonly realDim: number;
  /** intentDim + realDim. */
  readonly latentDim: number;
  /** The tube (σ and stop on (s0, z_intent)). */
  readonly tube: FactoredSharedTube;
  /** One commitment price per replica. */
  readonly prices: readonly CommitmentPrice[];
  /** Running statistics of the intent mean (used by the `running` normalisation). */
  readonly intentStats: RunningIntentStats;
  /** Training history. */
  readonly history = new ActorHistory();
  private readonly vars: Record<Exclude<ActorVariableName, "tubeReal">, Variable> & { tubeReal?: Variable };
  private readonly host: Record<ParamBlock, Float32Array>;
  private readonly optimizer: AdamWithMoments;
  /** Per replica: does the policy read z_real? */
  readonly policyReadsReal: readonly boolean[];
  /** Per replica: does the tube read z_real? */
  readonly tubeReadsReal: readonly boolean[];
  private readonly polWzMask: Tensor;
  private readonly tubeLatentMask: Tensor | undefined;
  private readonly klWeights: Float32Array;
  private steps = 0;
  private refining = false;
  private frozenCone: { w1: Tensor; w2: Tensor; keep1: Tensor; keep2: Tensor; real: Tensor | undefined } | undefined;

  constructor(config: FactoredActorConfig, rng: Rng) {
    const c = parseConfig(factoredActorConfigSchema, config, "FactoredActor");
    this.config = c;
    this.intentDim = c.useFactoredZ ? c.intentDim : c.intentDim + c.realDim;
    this.realDim = c.useFactoredZ ? c.realDim : 0;
    this.latentDim = this.intentDim + this.realDim;
    const perReplica = (value: boolean | boolean[]): boolean[] => (Array.isArray(value) ? [...value] : new Array<boolean>(c.replicas).fill(value));
    this.policyReadsReal = perReplica(c.policyUsesReal).map((v) => v && this.realDim > 0);
    this.tubeReadsReal = perReplica(c.tubeUsesReal).map((v) => v && this.realDim > 0);
    const R = c.replicas;
    const H = c.hiddenUnits;
    const Z = this.latentDim;
    // The unfactored baseline gets the weaker prior everywhere (ADR 0601).
    this.klWeights = Float32Array.from({ length: Z }, (_, d) => (c.useFactoredZ && d < this.intentDim ? c.betaKlIntent : c.betaKlReal));
    const init = rng.fork("actor-init");
    const postW2 = initDense(init, R, H, 2 * Z, 0.5);
    for (let r = 0; r < R; r++) {
      for (let d = 0; d < Z; d++) postW2[(r * (H + 1) + H) * 2 * Z + Z + d] = Math.log(0.5); // initial posterior std 0.5
    }
    const polW2 = initDense(init, R, H, c.actionDim + 1, 0.1);
    const shapes: Record<ParamBlock, number[]> = {
      postW1: [R, c.startDim + 1, H],
      postW2: [R, H + 1, 2 * Z],
      polWo: [R, c.policyObsDim + 1, H],
      polWz: [R, Z, H],
      polW2: [R, H + 1, c.actionDim + 1],
      polLogStd: [R, 1, c.actionDim],
    };
    const size = (name: ParamBlock): Float32Array => new Float32Array(shapes[name].reduce((a, b) => a * b, 1));
    this.host = { postW1: size("postW1"), postW2: size("postW2"), polWo: size("polWo"), polWz: size("polWz"), polW2: size("polW2"), polLogStd: size("polLogStd") };
    this.host.postW1.set(initDense(init, R, c.startDim, H));
    this.host.postW2.set(postW2);
    this.host.polWo.set(initDense(init, R, c.policyObsDim, H));
    // polWz has no bias row: [R, Z, H]; rows a replica does not read (z_real in the ablation) stay 0.
    const wzMask = new Float32Array(R * Z);
    for (let r = 0; r < R; r++) {
      const read = this.policyReadsReal[r] === true ? Z : this.intentDim;
      for (let d = 0; d < read; d++) wzMask[r * Z + d] = 1;
      for (let d = 0; d < Z; d++) for (let k = 0; k < H; k++) this.host.polWz[(r * Z + d) * H + k] = (wzMask[r * Z + d] ?? 0) * init.normal(0, 1 / Math.sqrt(read));
    }
    this.polWzMask = tf.tensor3d(wzMask, [R, Z, 1]);
    const tubeMask = new Float32Array(R * Z);
    for (let r = 0; r < R; r++) for (let d = 0; d < Z; d++) tubeMask[r * Z + d] = d < this.intentDim || this.tubeReadsReal[r] === true ? 1 : 0;
    this.tubeLatentMask = this.tubeReadsReal.some((v) => v) && this.tubeReadsReal.some((v) => !v) ? tf.tensor3d(tubeMask, [R, 1, Z]) : undefined;
    this.host.polW2.set(polW2);
    this.host.polLogStd.fill(c.policyInitLogStd);
    this.tube = new FactoredSharedTube(
      {
        tubeObsDim: c.tubeObsDim,
        intentDim: this.intentDim,
        realDim: this.realDim,
        horizonSteps: c.horizonSteps,
        stateDim: c.stateDim,
        hiddenUnits: c.tubeHiddenUnits,
        replicas: R,
        intentOnlySigma: c.useFactoredZ ? c.intentOnlySigma : true,
        intentOnlyStop: c.useFactoredZ ? c.intentOnlyStop : true,
        muReadsReal: this.tubeReadsReal.some((v) => v),
        sigmaFloor: c.sigmaFloor,
      },
      rng.fork("tube-init"),
    );
    actorInstances += 1;
    // tidy frees the initial-value tensors (a variable keeps its own reference); variables survive it.
    const variable = (name: ParamBlock): Variable => tf.tidy(() => tf.variable(tf.tensor(this.host[name], shapes[name]), true, `factoredActor${actorInstances}_${name}`, "float32"));
    this.vars = {
      postW1: variable("postW1"),
      postW2: variable("postW2"),
      polWo: variable("polWo"),
      polWz: variable("polWz"),
      polW2: variable("polW2"),
      polLogStd: variable("polLogStd"),
      tubeW1: this.tube.model.w1,
      tubeW2: this.tube.model.w2,
      ...(this.tube.realReadout === undefined ? {} : { tubeReal: this.tube.realReadout }),
    };
    this.optimizer = new AdamWithMoments(this.vars, { learningRate: c.learningRate });
    this.prices = Array.from(
      { length: R },
      () =>
        new CommitmentPrice({
          ruleCount: c.ruleCount,
          ...(c.price.variant === undefined ? {} : { variant: c.price.variant }),
          ...(c.price.etaLambda === undefined ? {} : { etaLambda: c.price.etaLambda }),
          ...(c.price.lambdaInit === undefined ? {} : { lambdaInit: c.price.lambdaInit }),
          ...(c.price.lambdaMax === undefined ? {} : { lambdaMax: c.price.lambdaMax }),
        }),
    );
    this.intentStats = new RunningIntentStats(R, this.intentDim);
  }

  /** Number of replicas R. */
  get replicas(): number {
    return this.config.replicas;
  }

  /** Training steps taken. */
  get stepCount(): number {
    return this.steps;
  }

  /** The optimiser's current learning rate. */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  /** Set the optimiser's learning rate (schedules, e.g. the refine phase's decay; ADR 0610). */
  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  /** "fit" before {@link FactoredActor.beginRefine}, "refine" after. */
  get phase(): "fit" | "refine" {
    return this.refining ? "refine" : "fit";
  }

  /**
   * Enter the refine phase (ADR 0603). With `freezeSigmaDuringRefine`, the tube's cone (σ and stop)
   * weights are pinned from now on. Calling it twice is an error.
   */
  beginRefine(): void {
    if (this.refining) throw new Error("Error in FactoredActor.beginRefine: the actor is already in the refine phase.");
    this.refining = true;
    if (!this.config.freezeSigmaDuringRefine) return;
    const { horizonSteps: T, stateDim: D, tubeHiddenUnits: H } = this.config;
    const w1 = this.tube.model.w1;
    const w2 = this.tube.model.w2;
    const [, in1, out1] = w1.shape as [number, number, number];
    const [, in2, out2] = w2.shape as [number, number, number];
    // TubeModel layout (@tam/tube ADR 0202): w1 columns [0, H) are the μ trunk, [H, 2H) the cone trunk;
    // w2 columns [0, T·D) are μ, the rest σ and stop.
    const keep1 = new Float32Array(in1 * out1);
    for (let row = 0; row < in1; row++) for (let col = 0; col < H; col++) keep1[row * out1 + col] = 1;
    const keep2 = new Float32Array(in2 * out2);
    for (let row = 0; row < in2; row++) for (let col = 0; col < T * D; col++) keep2[row * out2 + col] = 1;
    this.frozenCone = {
      w1: tf.clone(w1),
      w2: tf.clone(w2),
      keep1: tf.tensor3d(keep1, [1, in1, out1]),
      keep2: tf.tensor3d(keep2, [1, in2, out2]),
      // The z_real read-out feeds σ or stop only: pinned whole.
      real: this.tube.realReadout === undefined ? undefined : tf.clone(this.tube.realReadout),
    };
  }

  /**
   * Sample latents for `n` episodes per replica from their starts `[R, n, startDim]`: returns
   * `(z, z_mu, z_logstd, z_intent, z_real)` and the per-part KLs. Host-side; no tensors.
   */
  sample(start: Float32Array, n: number, rng: Rng, options: SampleOptions = {}): FactoredZSample {
    const { startDim: S } = this.config;
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`Error in FactoredActor.sample: n must be an integer >= 1, got ${n}.`);
    if (options.replica !== undefined) this.checkReplica("sample", options.replica);
    const list = options.replica === undefined ? Array.from({ length: this.config.replicas }, (_, r) => r) : [options.replica];
    if (start.length !== list.length * n * S) throw new Error(`Error in FactoredActor.sample: start must have ${list.length}·n·startDim = ${list.length * n * S} values, got ${start.length}.`);
    const Z = this.latentDim;
    const I = this.intentDim;
    const out = this.emptySample(n, list.length);
    const deterministic = options.deterministic ?? false;
    list.forEach((r, k) => {
      const block = start.subarray(k * n * S, (k + 1) * n * S);
      const { mu, logStd, raw } = this.posteriorHost(block, r, n);
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < Z; d++) {
          const at = (k * n + i) * Z + d;
          const eps = deterministic ? 0 : rng.normal();
          out.eps[at] = eps;
          out.zMu[at] = mu[i * Z + d] ?? 0;
          out.zLogStd[at] = logStd[i * Z + d] ?? 0;
          out.z[at] = (mu[i * Z + d] ?? 0) + Math.exp(logStd[i * Z + d] ?? 0) * eps;
        }
      }
      out.rawIntentMean.set(raw, k * n * I);
    });
    this.finishSample(out, n);
    if (options.memory !== undefined) this.remember(out, options.memory, list);
    return out;
  }

  /**
   * `set_intent()` (001 §F L121–125): use the external intent `zIntent` `[R, n, intentDim]` (from a
   * functor or a source memory) with a native z_real drawn from q(z_real | s0). `klIntent` is then the
   * KL of N(zIntent, σ_intent(s0)) from the prior (how far the imposed intent is from it).
   */
  setIntent(start: Float32Array, n: number, zIntent: ArrayLike<number>, rng: Rng, options: { readonly deterministicReal?: boolean; readonly replica?: number } = {}): FactoredZSample {
    const I = this.intentDim;
    const R = options.replica === undefined ? this.config.replicas : 1;
    if (zIntent.length !== R * n * I) throw new Error(`Error in FactoredActor.setIntent: zIntent must have ${R}·n·intentDim = ${R * n * I} values, got ${zIntent.length}.`);
    const native = this.sample(start, n, rng, { deterministic: options.deterministicReal ?? false, ...(options.replica === undefined ? {} : { replica: options.replica }) });
    return this.withIntent(native, zIntent);
  }

  /** Replace z_intent of a sample, keeping its z_real (the intent-shuffled baseline, functor outputs). */
  withIntent(sample: FactoredZSample, zIntent: ArrayLike<number>): FactoredZSample {
    if (zIntent.length !== sample.zIntent.length) throw new Error(`Error in FactoredActor.withIntent: zIntent must have ${sample.zIntent.length} values, got ${zIntent.length}.`);
    const out = cloneSample(sample);
    const Z = this.latentDim;
    const I = this.intentDim;
    for (let row = 0; row < sample.replicas * sample.count; row++) {
      for (let d = 0; d < I; d++) {
        const value = zIntent[row * I + d] ?? 0;
        if (!Number.isFinite(value)) throw new Error(`Error in FactoredActor.withIntent: zIntent[${row * I + d}] is not finite (${value}).`);
        out.z[row * Z + d] = value;
        out.zMu[row * Z + d] = value;
        out.eps[row * Z + d] = 0;
      }
    }
    this.finishSample(out, sample.count);
    return out;
  }

  /** Replace z_real of a sample (for the real-shuffled baseline and functors of z_real). */
  withReal(sample: FactoredZSample, zReal: ArrayLike<number>): FactoredZSample {
    if (zReal.length !== sample.zReal.length) throw new Error(`Error in FactoredActor.withReal: zReal must have ${sample.zReal.length} values, got ${zReal.length}.`);
    const out = cloneSample(sample);
    const Z = this.latentDim;
    const I = this.intentDim;
    const Rl = this.realDim;
    for (let row = 0; row < sample.replicas * sample.count; row++) {
      for (let d = 0; d < Rl; d++) {
        out.z[row * Z + I + d] = zReal[row * Rl + d] ?? 0;
        out.zMu[row * Z + I + d] = zReal[row * Rl + d] ?? 0;
        out.eps[row * Z + I + d] = 0;
      }
    }
    this.finishSample(out, sample.count);
    return out;
  }

  /** The deterministic intent embedding: the normalised posterior mean of z_intent (001 L223). */
  intentEmbedding(start: Float32Array, n: number, replica?: number): Float32Array {
    return this.sample(start, n, createRng(0), { deterministic: true, ...(replica === undefined ? {} : { replica }) }).zIntent;
  }

  /** Policy of replica `replica` on observations `[n, policyObsDim]` with latents z `[n, latentDim]`. */
  act(replica: number, obs: ArrayLike<number>, z: ArrayLike<number>, n: number, rng?: Rng): PolicyOutput {
    const { policyObsDim: P, actionDim: A, hiddenUnits: H } = this.config;
    this.checkReplica("act", replica);
    if (obs.length !== n * P) throw new Error(`Error in FactoredActor.act: obs must have n·policyObsDim = ${n * P} values, got ${obs.length}.`);
    if (z.length !== n * this.latentDim) throw new Error(`Error in FactoredActor.act: z must have n·latentDim = ${n * this.latentDim} values, got ${z.length}.`);
    const Z = this.latentDim;
    const out = policyForward(
      {
        wo: this.host.polWo,
        woOffset: replica * (P + 1) * H,
        wz: this.host.polWz,
        wzOffset: replica * Z * H,
        w2: this.host.polW2,
        w2Offset: replica * (H + 1) * (A + 1),
        obsDim: P,
        latentDim: Z,
        readDim: this.policyReadsReal[replica] === true ? Z : this.intentDim,
        hiddenUnits: H,
        outDim: A + 1,
      },
      obs,
      z,
      n,
    );
    const actions = new Float32Array(n * A);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < A; a++) {
        const mean = out[i * (A + 1) + a] ?? 0;
        const logStd = Math.max(POLICY_LOG_STD_MIN, this.host.polLogStd[replica * A + a] ?? 0);
        actions[i * A + a] = rng === undefined ? mean : mean + Math.exp(logStd) * rng.normal();
      }
      values[i] = out[i * (A + 1) + A] ?? 0;
    }
    return { actions, values };
  }

  /**
   * The tube of every replica for latents `sample` (or raw z `[R, n, latentDim]`): tensors the caller
   * owns, `[R, n, T, D]`.
   */
  tubeOutputs(tubeObs: Float32Array, anchor: Float32Array, z: Float32Array, n: number): TubeOutput {
    const { replicas: R, tubeObsDim: O, horizonSteps: T, stateDim: D } = this.config;
    if (tubeObs.length !== R * n * O || anchor.length !== R * n * T * D || z.length !== R * n * this.latentDim) {
      throw new Error(`Error in FactoredActor.tubeOutputs: expected tubeObs ${R * n * O}, anchor ${R * n * T * D}, z ${R * n * this.latentDim} values; got ${tubeObs.length}, ${anchor.length}, ${z.length}.`);
    }
    const inputs = tf.tidy(() => ({
      obs: tf.tensor3d(tubeObs, [R, n, O]),
      latent: tf.tensor3d(z, [R, n, this.latentDim]),
      anchor: tf.tensor3d(anchor, [R, n, T * D]),
    }));
    try {
      if (this.tubeLatentMask !== undefined) {
        const masked = tf.mul<Tensor3D>(inputs.latent, this.tubeLatentMask);
        try {
          return this.tube.forward({ ...inputs, latent: masked });
        } finally {
          masked.dispose();
        }
      }
      return this.tube.forward(inputs);
    } finally {
      tf.dispose([inputs.obs, inputs.latent, inputs.anchor]);
    }
  }

  /**
   * The tube of one replica on `n` episodes: tubeObs `[n, tubeObsDim]`, anchor `[n, T·D]`, z
   * `[n, latentDim]` (z_real is masked when this replica's tube does not read it). Tensors `[1, n, T, D]`
   * the caller owns.
   */
  tubeOutputsFor(replica: number, tubeObs: Float32Array, anchor: Float32Array, z: Float32Array, n: number): TubeOutput {
    this.checkReplica("tubeOutputsFor", replica);
    const { tubeObsDim: O, horizonSteps: T, stateDim: D } = this.config;
    const Z = this.latentDim;
    if (tubeObs.length !== n * O || anchor.length !== n * T * D || z.length !== n * Z) {
      throw new Error(`Error in FactoredActor.tubeOutputsFor: expected tubeObs ${n * O}, anchor ${n * T * D}, z ${n * Z} values; got ${tubeObs.length}, ${anchor.length}, ${z.length}.`);
    }
    let latent = z;
    if (this.tubeReadsReal[replica] !== true && this.realDim > 0) {
      latent = z.slice();
      for (let i = 0; i < n; i++) for (let d = this.intentDim; d < Z; d++) latent[i * Z + d] = 0;
    }
    const inputs = tf.tidy(() => [tf.tensor2d(tubeObs, [n, O]), tf.tensor2d(latent, [n, Z]), tf.tensor2d(anchor, [n, T * D])] as const);
    try {
      return this.tube.forwardReplica(replica, ...inputs);
    } finally {
      tf.dispose([...inputs]);
    }
  }

  /** One advantage actor-critic + tube + KL update on `batch`; updates λ, the intent statistics and the history. */
  trainStep(batch: ActorTrainingBatch): ActorStepResult {
    const c = this.config;
    const { replicas: R, startDim: S, policyObsDim: P, actionDim: A, horizonSteps: T, stateDim: D, tubeObsDim: O, hiddenUnits: H } = c;
    const n = batch.count;
    const Z = this.latentDim;
    const I = this.intentDim;
    this.checkBatch(batch);
    const lambdas = this.prices.map((p) => p.lambda);
    let statsTensor: Tensor | undefined;
    let partsTensor: Tensor | undefined;
    tf.tidy(() => {
      const x0 = tf.tensor3d(withOnes(batch.start, R * n, S), [R, n, S + 1]);
      const eps = tf.tensor3d(batch.sample.eps, [R, n, Z]);
      const obs = tf.tensor3d(withOnes(batch.obs, R * n * T, P), [R, n * T, P + 1]);
      const actions = tf.tensor3d(batch.actions, [R, n * T, A]);
      const adv = tf.tensor2d(batch.advantages, [R, n * T]);
      const targets = tf.tensor2d(batch.returnsToGo, [R, n * T]);
      const traj = tf.tensor4d(batch.traj, [R, n, T, D]);
      const tubeObs = tf.tensor3d(batch.tubeObs, [R, n, O]);
      const anchor = tf.tensor3d(batch.anchor, [R, n, T * D]);
      const lambda = tf.tensor1d(lambdas);
      const klWeights = tf.tensor3d(this.klWeights, [1, 1, Z]);
      const onesN = tf.ones([R, n, 1]);
      const onesNT = tf.ones([R, n * T, 1]);
      const { value, grads } = tf.variableGrads(() => {
        const { muHat, logStd } = this.posteriorTensors(x0, onesN);
        const std = tf.exp(logStd);
        const zT = tf.add<Tensor3D>(muHat, tf.mul(std, eps));
        const klPerDim = tf.sub(tf.mul(tf.sub(tf.add(tf.square(std), tf.square(muHat)), 1), 0.5), logStd);
        const klLoss = tf.mul(tf.sum(tf.mul(klPerDim, klWeights)), 1 / n);
        // Policy and critic on every step of every episode.
        const hz = tf.reshape(tf.matMul(zT, tf.mul(this.block("polWz"), this.polWzMask)), [R, n, 1, H]);
        const ho = tf.reshape(tf.matMul(obs, this.block("polWo")), [R, n, T, H]);
        const h = tf.reshape(tf.tanh(tf.add(ho, hz)), [R, n * T, H]);
        const out = tf.matMul(tf.concat([h, onesNT], 2), this.block("polW2"));
        const mean = tf.slice(out, [0, 0, 0], [R, n * T, A]);
        const valuePred = tf.reshape(tf.slice(out, [0, 0, A], [R, n * T, 1]), [R, n * T]);
        const polLogStd = tf.maximum(this.block("polLogStd"), POLICY_LOG_STD_MIN);
        const scaled = tf.mul(tf.sub(actions, mean), tf.exp(tf.neg(polLogStd)));
        const logp = tf.sub(tf.mul(tf.sum(tf.square(scaled), -1), -0.5), tf.sum(polLogStd)); // [R, n·T] (+ const)
        const pgPer = tf.neg(tf.mean(tf.mul(logp, adv), 1)); // [R]
        const valuePer = tf.mean(tf.square(tf.sub(valuePred, targets)), 1);
        const entropy = tf.sum(polLogStd);
        // The tube on the realised trajectories, conditioned on the same z.
        const tubeOut = this.tube.forward({ obs: tubeObs, latent: this.tubeLatentMask === undefined ? zT : tf.mul<Tensor3D>(zT, this.tubeLatentMask), anchor });
        const tubeLoss = replicaTubeLoss(tubeOut, traj, lambda, { alphaVol: c.alphaVol, horizonWeight: c.horizonWeight });
        statsTensor = tf.keep(tubeLoss.stats);
        partsTensor = tf.keep(tf.stack([pgPer, valuePer, tubeLoss.perReplica]));
        return tf.addN([tf.sum(pgPer), tf.mul(tf.sum(valuePer), c.valueWeight), tf.mul(entropy, -c.entropyWeight), klLoss, tf.mul(tubeLoss.total, c.tubeWeight)]) as Scalar;
      }, Object.values(this.vars));
      const byName: Record<string, Tensor> = {};
      for (const [name, variable] of Object.entries(this.vars)) {
        const g = grads[variable.name];
        if (g !== undefined) byName[name] = g;
      }
      this.optimizer.applyGradients(byName);
      if (this.frozenCone !== undefined) {
        const f = this.frozenCone;
        this.vars.tubeW1.assign(tf.add(tf.mul(this.vars.tubeW1, f.keep1), tf.mul(f.w1, tf.sub(1, f.keep1))));
        this.vars.tubeW2.assign(tf.add(tf.mul(this.vars.tubeW2, f.keep2), tf.mul(f.w2, tf.sub(1, f.keep2))));
        if (f.real !== undefined) this.vars.tubeReal?.assign(f.real);
      }
      value.dispose();
    });
    const stats = (statsTensor as unknown as Tensor).dataSync() as Float32Array;
    const parts = (partsTensor as unknown as Tensor).dataSync();
    tf.dispose([statsTensor, partsTensor]);
    this.syncHost();
    // λ per replica, outside autodiff, once per step (000 §7).
    const failSoft: number[] = [];
    for (let r = 0; r < R; r++) {
      const columns = replicaColumns(stats, r, n);
      const update = this.prices[r]?.update({
        fail: columns.failSoft,
        residual: columns.residual,
        sigmaMean: columns.sigmaMean,
        rule: batch.rules.subarray(r * n, (r + 1) * n),
        failDeviation: columns.failDeviation,
        deviation: columns.deviation,
      });
      failSoft.push(update?.fail ?? Number.NaN);
    }
    this.intentStats.update(batch.sample.rawIntentMean, n, I, 0);
    this.steps += 1;
    const policyLoss = Array.from({ length: R }, (_, r) => parts[r] ?? Number.NaN);
    const valueLoss = Array.from({ length: R }, (_, r) => parts[R + r] ?? Number.NaN);
    const tubeLoss = Array.from({ length: R }, (_, r) => parts[2 * R + r] ?? Number.NaN);
    this.recordHistory(batch, failSoft, policyLoss, valueLoss, tubeLoss);
    return { lambdas: this.prices.map((p) => p.lambda), failSoft, policyLoss, valueLoss, tubeLoss, tubeStats: stats };
  }

  /** The trainable variables by name. */
  variables(): Readonly<Partial<Record<ActorVariableName, Variable>>> {
    return this.vars;
  }

  /** Free every tensor the actor holds. */
  dispose(): void {
    this.optimizer.dispose();
    for (const name of PARAM_BLOCKS) this.vars[name].dispose();
    this.tube.dispose();
    this.polWzMask.dispose();
    this.tubeLatentMask?.dispose();
    if (this.frozenCone !== undefined) tf.dispose(Object.values(this.frozenCone).filter((t): t is Tensor => t !== undefined));
  }

  // ---- internals ----

  /** One parameter block. */
  private block(name: ParamBlock): Tensor3D {
    return this.vars[name] as unknown as Tensor3D;
  }

  private posteriorTensors(x0: Tensor3D, onesN: Tensor): { muHat: Tensor3D; logStd: Tensor3D } {
    const { replicas: R } = this.config;
    const Z = this.latentDim;
    const I = this.intentDim;
    const n = x0.shape[1];
    const h = tf.tanh(tf.matMul(x0, this.block("postW1")));
    const o = tf.matMul(tf.concat([h, onesN], 2), this.block("postW2"));
    const mu = tf.slice(o, [0, 0, 0], [R, n, Z]);
    const logStd = tf.clipByValue(tf.slice(o, [0, 0, Z], [R, n, Z]), POSTERIOR_LOG_STD_MIN, POSTERIOR_LOG_STD_MAX) as Tensor3D;
    const muIntent = normaliseIntent(this.realDim > 0 ? tf.slice(mu, [0, 0, 0], [R, n, I]) : mu, this.config.intentNorm, this.intentStats);
    const muHat = (this.realDim > 0 ? tf.concat([muIntent, tf.slice(mu, [0, 0, I], [R, n, this.realDim])], 2) : muIntent) as Tensor3D;
    return { muHat, logStd };
  }

  /** Posterior mean (intent normalised), clipped log-std and raw intent mean of replica r on the host. */
  private posteriorHost(start: ArrayLike<number>, r: number, n: number): { mu: Float64Array; logStd: Float64Array; raw: Float32Array } {
    const { startDim: S, hiddenUnits: H } = this.config;
    const Z = this.latentDim;
    const I = this.intentDim;
    const h = tanhInPlace(denseForward(start, n, S, this.host.postW1, r, H));
    const o = denseForward(h, n, H, this.host.postW2, r, 2 * Z);
    const mu = new Float64Array(n * Z);
    const logStd = new Float64Array(n * Z);
    const raw = new Float32Array(n * I);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < Z; d++) {
        mu[i * Z + d] = o[i * 2 * Z + d] ?? 0;
        if (d < I) raw[i * I + d] = o[i * 2 * Z + d] ?? 0;
        logStd[i * Z + d] = Math.min(POSTERIOR_LOG_STD_MAX, Math.max(POSTERIOR_LOG_STD_MIN, o[i * 2 * Z + Z + d] ?? 0));
      }
    }
    normaliseIntentHost(mu, n, Z, 0, I, this.config.intentNorm, this.intentStats, r);
    return { mu, logStd, raw };
  }

  private emptySample(n: number, R: number): { -readonly [K in keyof FactoredZSample]: FactoredZSample[K] } {
    const Z = this.latentDim;
    return {
      replicas: R,
      count: n,
      intentDim: this.intentDim,
      realDim: this.realDim,
      z: new Float32Array(R * n * Z),
      zMu: new Float32Array(R * n * Z),
      zLogStd: new Float32Array(R * n * Z),
      zIntent: new Float32Array(R * n * this.intentDim),
      zReal: new Float32Array(R * n * this.realDim),
      eps: new Float32Array(R * n * Z),
      rawIntentMean: new Float32Array(R * n * this.intentDim),
      klIntent: new Float32Array(R * n),
      klReal: new Float32Array(R * n),
    };
  }

  /** Fill zIntent, zReal and the KLs from z, zMu and zLogStd. */
  private finishSample(out: FactoredZSample, n: number): void {
    const R = out.replicas;
    const Z = this.latentDim;
    const I = this.intentDim;
    const Rl = this.realDim;
    for (let row = 0; row < R * n; row++) {
      let klI = 0;
      let klR = 0;
      for (let d = 0; d < Z; d++) {
        const at = row * Z + d;
        const mu = out.zMu[at] ?? 0;
        const ls = out.zLogStd[at] ?? 0;
        const kl = 0.5 * (Math.exp(2 * ls) + mu * mu - 1) - ls;
        if (d < I) {
          out.zIntent[row * I + d] = out.z[at] ?? 0;
          klI += kl;
        } else {
          out.zReal[row * Rl + d - I] = out.z[at] ?? 0;
          klR += kl;
        }
      }
      out.klIntent[row] = klI;
      out.klReal[row] = klR;
    }
  }

  private remember(sample: FactoredZSample, memory: EpisodeMemory, replicas: readonly number[]): void {
    const Z = this.latentDim;
    const I = this.intentDim;
    const Rl = this.realDim;
    for (let row = 0; row < sample.replicas * sample.count; row++) {
      const zRow = sample.z.slice(row * Z, (row + 1) * Z);
      memory.add({
        replica: replicas[Math.floor(row / sample.count)] ?? 0,
        z: zRow,
        zFull: zRow.slice(),
        zIntent: sample.zIntent.slice(row * I, (row + 1) * I),
        zReal: sample.zReal.slice(row * Rl, (row + 1) * Rl),
        klIntent: sample.klIntent[row] ?? Number.NaN,
        klReal: sample.klReal[row] ?? Number.NaN,
      });
    }
  }

  private recordHistory(batch: ActorTrainingBatch, failSoft: readonly number[], policyLoss: readonly number[], valueLoss: readonly number[], tubeLoss: readonly number[]): void {
    const n = batch.count;
    const s = batch.sample;
    for (let r = 0; r < this.config.replicas; r++) {
      const intent = columnMoments(s.zIntent.subarray(r * n * this.intentDim), n, this.intentDim, 0, this.intentDim);
      const real = columnMoments(s.zReal.subarray(r * n * this.realDim), n, this.realDim, 0, this.realDim);
      let klI = 0;
      let klR = 0;
      for (let i = 0; i < n; i++) {
        klI += (s.klIntent[r * n + i] ?? 0) / n;
        klR += (s.klReal[r * n + i] ?? 0) / n;
      }
      this.history.push({
        step: this.steps,
        replica: r,
        zIntentNorm: intent.meanNorm,
        zRealNorm: real.meanNorm,
        klIntent: klI,
        klReal: klR,
        zIntentMean: intent.mean,
        zIntentStd: intent.std,
        zRealMean: real.mean,
        zRealStd: real.std,
        meanReturn: batch.meanReturns[r] ?? Number.NaN,
        lambda: this.prices[r]?.lambda ?? Number.NaN,
        failSoft: failSoft[r] ?? Number.NaN,
        policyLoss: policyLoss[r] ?? Number.NaN,
        valueLoss: valueLoss[r] ?? Number.NaN,
        tubeLoss: tubeLoss[r] ?? Number.NaN,
      });
    }
  }

  private syncHost(): void {
    for (const name of PARAM_BLOCKS) this.host[name].set(this.vars[name].dataSync());
  }

  private checkReplica(fn: string, replica: number): void {
    if (!(Number.isInteger(replica) && replica >= 0 && replica < this.config.replicas)) {
      throw new Error(`Error in FactoredActor.${fn}: replica must be an integer in [0, ${this.config.replicas}), got ${replica}.`);
    }
  }

  private checkBatch(batch: ActorTrainingBatch): void {
    const { replicas: R, startDim: S, policyObsDim: P, actionDim: A, horizonSteps: T, stateDim: D, tubeObsDim: O } = this.config;
    const n = batch.count;
    const expect: [string, number, number][] = [
      ["start", batch.start.length, R * n * S],
      ["obs", batch.obs.length, R * n * T * P],
      ["actions", batch.actions.length, R * n * T * A],
      ["advantages", batch.advantages.length, R * n * T],
      ["returnsToGo", batch.returnsToGo.length, R * n * T],
      ["traj", batch.traj.length, R * n * T * D],
      ["tubeObs", batch.tubeObs.length, R * n * O],
      ["anchor", batch.anchor.length, R * n * T * D],
      ["rules", batch.rules.length, R * n],
      ["sample.eps", batch.sample.eps.length, R * n * this.latentDim],
    ];
    for (const [name, got, want] of expect) {
      if (got !== want) throw new Error(`Error in FactoredActor.trainStep: batch.${name} has ${got} values, expected ${want}.`);
    }
  }
}

/** Rows `[rows, width]` with a column of ones appended (the bias input). */
function withOnes(values: ArrayLike<number>, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows * (width + 1));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) out[i * (width + 1) + j] = values[i * width + j] ?? 0;
    out[i * (width + 1) + width] = 1;
  }
  return out;
}

/** A deep copy of a sample. */
export function cloneSample(sample: FactoredZSample): { -readonly [K in keyof FactoredZSample]: FactoredZSample[K] } {
  return {
    ...sample,
    z: sample.z.slice(),
    zMu: sample.zMu.slice(),
    zLogStd: sample.zLogStd.slice(),
    zIntent: sample.zIntent.slice(),
    zReal: sample.zReal.slice(),
    eps: sample.eps.slice(),
    rawIntentMean: sample.rawIntentMean.slice(),
    klIntent: sample.klIntent.slice(),
    klReal: sample.klReal.slice(),
  };
}
