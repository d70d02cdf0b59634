/**
 * Training an intent functor `F: Z_intent^A → Z_intent^B` with the actor and its tubes frozen in both
 * worlds (001 §G L130–177, §H L185), by evolution strategies on the **cone-matching** objective (001
 * L146–148):
 * `L(F) = mean_i ‖(sig_B(F(z_A,i), s0_B,i) − sig_A(z_A,i, s0_A,i)) / scale‖² / 3 + w_norm·norm(F) + w_jac·jac(F)`,
 * `sig = (log cone vol, E[T], bind rate)` per episode (the seed's implemented `IntentSignature`, L159),
 * each component divided by its standard deviation over the source episodes (units differ, §15.6 item 7).
 * sig_B needs a rollout of B's policy with `[F(z_A), z_real_B]`, so the objective is not differentiable:
 * hence ES (C-15). Every candidate of a generation runs on the same paired episodes with the same native
 * z_real_B (common random numbers). z_A is the deterministic posterior mean (001 L216–218).
 * Options (ADRs 0608, 0612): a teacher anchor `+ w·mean ‖F(z_A) − z_B,native‖²`, and the cone term divided
 * by the value B's native intents reach (`coneScale: "native"`). `smoothedLosses` estimates the
 * Gaussian-smoothed objective ES actually descends (ADR 0613).
 * An optional teacher bootstrap first fits `F(z_A) ≈ z_B,native` by ES (001 L149–150).
 * With `functorMaps.real` (001 L14) a second functor `F_real: Z_real^A → Z_real^B` is trained jointly (one
 * ES parameter vector) and B acts with `[F(z_intent_A), F_real(z_real_A)]` instead of its native z_real.
 *
 * Source: `001_4e7658869d462183.txt` §G L128–177, §I L213–218; SEED-INVENTORY.md §6.9, §15.6 items 6–8;
 * ADRs 0606, 0608, 0609, 0612, 0613.
 */
import type { Rng } from "@tam/tensor-backend";
import type { EpisodeSpec, EquivalentWorld, WorldStarts } from "./equivalent-world.js";
import { EvolutionStrategy } from "./evolution-strategy.js";
import type { FactoredActor } from "./factored-actor.js";
import type { IntentFunctor } from "./intent-functor.js";
import { episodeSignatures, runWithLatents, tileSpec, type EpisodeSignatures } from "./latent-rollout.js";

/** Floor of a signature component's scale (ADR 0606). */
const SIGNATURE_SCALE_FLOOR = 1e-3;
/** Floor of the cone-matching divisor with `coneScale: "native"` (ADR 0612). */
const CONE_DIVISOR_FLOOR = 1e-3;
/** Default ES settings for functors (ADR 0606). */
export const DEFAULT_FUNCTOR_ES = { pairs: 8, noiseStd: 0.05, learningRate: 0.005, weightDecay: 0 } as const;
/** Default weight of the norm penalty (ADR 0606). */
export const DEFAULT_NORM_PENALTY = 1e-3;
/** Default weight of the Jacobian penalty (ADR 0606). */
export const DEFAULT_JACOBIAN_PENALTY = 1e-2;
/** Step-size schedules of functor training (ADR 0609). */
export const ES_STEP_SCHEDULES = ["linearDecay", "constant"] as const;
/** A step-size schedule of functor training: decay linearly over the call's generations, or keep α. */
export type EsStepSchedule = (typeof ES_STEP_SCHEDULES)[number];
/** Default weight of the teacher anchor in the cone-matching loss: off (ADR 0608). */
export const DEFAULT_TEACHER_WEIGHT = 0;
/** Scales of the cone-matching term (ADR 0612). */
export const CONE_SCALES = ["none", "native"] as const;
/**
 * Scale of the cone-matching term: `none` = the mean squared signature distance as is; `native` = divided
 * by the same distance of B's native intents on the paired episodes (1 = as close to A's cones as B's own
 * intents come), so that a teacher anchor weighs the same against it on every pair and seed.
 */
export type ConeScale = (typeof CONE_SCALES)[number];

/** One side of a world pair: which replica of the actor acts in which world. */
export interface PairSide {
  readonly replica: number;
  readonly world: EquivalentWorld;
}

/** A paired episode data set (001 L132–142): matched episodes in A and B with their latents and cone stats. */
export interface PairedDataset {
  readonly spec: EpisodeSpec;
  readonly source: PairSide & {
    readonly starts: WorldStarts;
    /** Deterministic z_intent_A `[N, intentDim]`. */
    readonly zIntent: Float32Array;
    /** Deterministic z_A `[N, latentDim]`. */
    readonly z: Float32Array;
    /** Deterministic z_real_A `[N, realDim]` (the input of a z_real functor). */
    readonly zReal: Float32Array;
    readonly signatures: EpisodeSignatures;
    readonly returns: Float32Array;
  };
  readonly target: PairSide & {
    readonly starts: WorldStarts;
    /** Native deterministic z_intent_B `[N, intentDim]` (the teacher's target). */
    readonly zIntentNative: Float32Array;
    /** Native z_real_B drawn once from q_B `[N, realDim]`. */
    readonly zRealNative: Float32Array;
  };
  /** Standard deviation of each signature component over the source episodes (floored). */
  readonly scale: readonly [number, number, number];
}

/**
 * Build the paired data set of `spec` for the pair (source → target).
 *
 * @example
 * ```ts
 * const data = buildPairedDataset(actor, { replica: 0, world: standard }, { replica: 1, world: mirrored }, spec, rng);
 * ```
 */
export function buildPairedDataset(actor: FactoredActor, source: PairSide, target: PairSide, spec: EpisodeSpec, rng: Rng): PairedDataset {
  const n = spec.count;
  const sourceStarts = source.world.starts(spec);
  const sourceSample = actor.sample(sourceStarts.start, n, rng, { replica: source.replica, deterministic: true });
  const sourceRun = runWithLatents(actor, source.replica, source.world, spec, sourceSample.z);
  const targetStarts = target.world.starts(spec);
  const targetDeterministic = actor.sample(targetStarts.start, n, rng, { replica: target.replica, deterministic: true });
  const targetDrawn = actor.sample(targetStarts.start, n, rng, { replica: target.replica });
  const sig = sourceRun.signatures;
  const scale = [sig.logConeVol, sig.expectedHorizon, sig.bindRate].map((c) => Math.max(std(c), SIGNATURE_SCALE_FLOOR)) as [number, number, number];
  return {
    spec,
    source: { ...source, starts: sourceStarts, zIntent: sourceSample.zIntent, z: sourceSample.z, zReal: sourceSample.zReal, signatures: sig, returns: sourceRun.rollout.returns },
    target: { ...target, starts: targetStarts, zIntentNative: targetDeterministic.zIntent, zRealNative: targetDrawn.zReal },
    scale,
  };
}

/** Per-episode signature distance `sqrt(mean_c ((a_c − b_c)/scale_c)²)` between two signature sets. */
export function signatureDistances(a: EpisodeSignatures, b: EpisodeSignatures, scale: readonly [number, number, number]): Float32Array {
  if (a.count !== b.count) throw new Error(`Error in signatureDistances: ${a.count} vs ${b.count} episodes.`);
  const out = new Float32Array(a.count);
  for (let i = 0; i < a.count; i++) {
    const d0 = ((a.logConeVol[i] ?? 0) - (b.logConeVol[i] ?? 0)) / scale[0];
    const d1 = ((a.expectedHorizon[i] ?? 0) - (b.expectedHorizon[i] ?? 0)) / scale[1];
    const d2 = ((a.bindRate[i] ?? 0) - (b.bindRate[i] ?? 0)) / scale[2];
    out[i] = Math.sqrt((d0 * d0 + d1 * d1 + d2 * d2) / 3);
  }
  return out;
}

/** Options of {@link IntentFunctorTrainer}. */
export interface FunctorTrainerOptions {
  readonly pairs?: number;
  readonly noiseStd?: number;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  /**
   * Step-size schedule of {@link IntentFunctorTrainer.train}: `linearDecay` (default) scales α by
   * (generations left) / generations, from 1 to 1/generations, so ES settles instead of random-walking
   * at a fixed step length near the optimum; `constant` keeps α (ADR 0609).
   */
  readonly stepSchedule?: EsStepSchedule;
  readonly normPenalty?: number;
  readonly jacobianPenalty?: number;
  /**
   * Weight of the teacher anchor added to the cone-matching loss: `w·mean ‖F(z_A) − z_B,native‖²` (and
   * the same for z_real with a z_real functor); 0 = pure cone matching (ADR 0608).
   */
  readonly teacherWeight?: number;
  /** The z_real functor, required exactly when the actor's `functorMaps.real` is true (001 L14). */
  readonly realFunctor?: IntentFunctor;
  /** Scale of the cone-matching term (default `none`; ADR 0612). */
  readonly coneScale?: ConeScale;
}

/** One logged point of functor training. */
export interface FunctorTrainingPoint {
  readonly generation: number;
  /** Cone-matching loss of the current functor (penalties included). */
  readonly loss: number;
  /** Mean and standard deviation of ‖F(z_A)‖ over the data set (001 L169). */
  readonly outputNormMean: number;
  readonly outputNormStd: number;
  /** Mean Pearson correlation of the three signature components, A vs mapped-B (001 L170). */
  readonly signatureCorrelation: number;
}

/**
 * ES training of an intent functor on a paired data set.
 *
 * @example
 * ```ts
 * const trainer = new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(5));
 * trainer.train(100);
 * const functor = trainer.functor;
 * ```
 */
export class IntentFunctorTrainer {
  private es: EvolutionStrategy;
  private current: IntentFunctor;
  private currentReal: IntentFunctor | undefined;
  private readonly tiled: Map<number, EpisodeSpec> = new Map();
  /** Loss curve and output-norm statistics, one point per evaluation. */
  readonly curve: FunctorTrainingPoint[] = [];
  readonly options: Required<Omit<FunctorTrainerOptions, "realFunctor">>;
  /**
   * Divisor of the cone-matching term: 1 with `coneScale: "none"`, else the mean squared signature
   * distance of B's native intents (and native z_real) to A's on the paired episodes (floored).
   */
  readonly coneDivisor: number;

  constructor(
    readonly actor: FactoredActor,
    readonly data: PairedDataset,
    functor: IntentFunctor,
    private readonly rng: Rng,
    options: FunctorTrainerOptions = {},
  ) {
    if (functor.dim !== actor.intentDim) throw new Error(`Error in IntentFunctorTrainer: functor dim ${functor.dim} != the actor's intentDim ${actor.intentDim}.`);
    const real = options.realFunctor;
    if (actor.config.functorMaps.real !== (real !== undefined)) {
      throw new Error(`Error in IntentFunctorTrainer: options.realFunctor must be given exactly when the actor's functorMaps.real is true (it is ${actor.config.functorMaps.real}).`);
    }
    if (real !== undefined && real.dim !== actor.realDim) throw new Error(`Error in IntentFunctorTrainer: realFunctor dim ${real.dim} != the actor's realDim ${actor.realDim}.`);
    this.options = {
      pairs: options.pairs ?? DEFAULT_FUNCTOR_ES.pairs,
      noiseStd: options.noiseStd ?? DEFAULT_FUNCTOR_ES.noiseStd,
      learningRate: options.learningRate ?? DEFAULT_FUNCTOR_ES.learningRate,
      weightDecay: options.weightDecay ?? DEFAULT_FUNCTOR_ES.weightDecay,
      stepSchedule: options.stepSchedule ?? "linearDecay",
      normPenalty: options.normPenalty ?? DEFAULT_NORM_PENALTY,
      jacobianPenalty: options.jacobianPenalty ?? DEFAULT_JACOBIAN_PENALTY,
      teacherWeight: options.teacherWeight ?? DEFAULT_TEACHER_WEIGHT,
      coneScale: options.coneScale ?? "none",
    };
    if (!(CONE_SCALES as readonly string[]).includes(this.options.coneScale)) {
      throw new Error(`Error in IntentFunctorTrainer: coneScale must be one of ${CONE_SCALES.join(", ")}, got ${String(this.options.coneScale)}.`);
    }
    if (!(ES_STEP_SCHEDULES as readonly string[]).includes(this.options.stepSchedule)) {
      throw new Error(`Error in IntentFunctorTrainer: stepSchedule must be one of ${ES_STEP_SCHEDULES.join(", ")}, got ${String(this.options.stepSchedule)}.`);
    }
    if (!(this.options.teacherWeight >= 0 && Number.isFinite(this.options.teacherWeight))) {
      throw new Error(`Error in IntentFunctorTrainer: teacherWeight must be finite and >= 0, got ${this.options.teacherWeight}.`);
    }
    this.current = functor.withReference(data.source.zIntent);
    this.currentReal = real?.withReference(data.source.zReal);
    this.es = this.makeEs(this.joinParameters());
    this.coneDivisor =
      this.options.coneScale === "native"
        ? Math.max(meanSquare(signatureDistances(this.signaturesOf([data.target.zIntentNative], [data.target.zRealNative])[0] as EpisodeSignatures, data.source.signatures, data.scale)), CONE_DIVISOR_FLOOR)
        : 1;
  }

  /** The current functor (reference statistics on the source intents). */
  get functor(): IntentFunctor {
    return this.current;
  }

  /** The current z_real functor (undefined unless `functorMaps.real`). */
  get realFunctor(): IntentFunctor | undefined {
    return this.currentReal;
  }

  /** The intent and z_real functors' parameters as one ES vector. */
  private joinParameters(): Float64Array {
    const a = this.current.parameters();
    const b = this.currentReal?.parameters() ?? new Float64Array(0);
    const out = new Float64Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }

  /** Split an ES vector into (intent functor, z_real functor). */
  private split(theta: ArrayLike<number>): { intent: IntentFunctor; real: IntentFunctor | undefined } {
    const k = this.current.parameterCount;
    const flat = Float64Array.from(theta);
    return { intent: this.current.withParameters(flat.subarray(0, k)), real: this.currentReal?.withParameters(flat.subarray(k)) };
  }

  private adopt(theta: ArrayLike<number>): void {
    const { intent, real } = this.split(theta);
    this.current = intent;
    this.currentReal = real;
  }

  /** Teacher bootstrap (001 L149–150): `generations` ES steps on mean ‖F(z_A) − z_B,native‖² (no rollouts). */
  bootstrapTeacher(generations: number): void {
    for (let g = 0; g < generations; g++) {
      this.es.step((thetas) =>
        thetas.map((theta) => {
          const { intent, real } = this.split(theta);
          return -this.teacherLoss(intent, real);
        }),
      );
      this.adopt(this.es.theta);
    }
  }

  /** Teacher loss: mean ‖F(z_intent_A) − z_intent_B,native‖² per coordinate (+ the same for z_real with a z_real functor). */
  teacherLoss(intent: IntentFunctor, real?: IntentFunctor): number {
    const { zIntent: source, zReal: sourceReal } = this.data.source;
    const { zIntentNative: target, zRealNative: targetReal } = this.data.target;
    const squared = (mapped: Float32Array, goal: Float32Array): number => {
      let s = 0;
      for (let i = 0; i < mapped.length; i++) s += ((mapped[i] ?? 0) - (goal[i] ?? 0)) ** 2;
      return s / Math.max(1, mapped.length);
    };
    return squared(intent.apply(source), target) + (real === undefined ? 0 : squared(real.apply(sourceReal), targetReal));
  }

  /** `generations` ES steps on the cone-matching loss; logs a point every `logEvery` generations and at the end. */
  train(generations: number, logEvery = 10): void {
    if (!(Number.isInteger(generations) && generations >= 0)) throw new Error(`Error in IntentFunctorTrainer.train: generations must be an integer >= 0, got ${generations}.`);
    if (this.curve.length === 0) this.log();
    for (let g = 0; g < generations; g++) {
      const stepScale = this.options.stepSchedule === "linearDecay" ? (generations - g) / generations : 1;
      this.es.step((thetas) => {
        const candidates = thetas.map((theta) => this.split(theta));
        return this.losses(
          candidates.map((c) => c.intent),
          candidates.map((c) => c.real),
        ).map((loss) => -loss);
      }, stepScale);
      this.adopt(this.es.theta);
      if ((g + 1) % logEvery === 0 || g === generations - 1) this.log();
    }
  }

  /**
   * Cone-matching loss (with penalties) of each functor (and, with `functorMaps.real`, its z_real functor
   * in `reals`), evaluated in one batched rollout.
   */
  losses(functors: readonly IntentFunctor[], reals: readonly (IntentFunctor | undefined)[] = []): number[] {
    return this.lossesOf(functors, reals, this.mappedSignatures(functors, reals));
  }

  /** The losses of {@link losses} from the functors' signatures in B (`sigs[c]` for functor c). */
  private lossesOf(functors: readonly IntentFunctor[], reals: readonly (IntentFunctor | undefined)[], sigs: readonly EpisodeSignatures[]): number[] {
    const source = this.data.source;
    const penalty = (f: IntentFunctor, z: Float32Array): number => this.options.normPenalty * f.normPenalty(z) + this.options.jacobianPenalty * f.jacobianPenalty(z);
    return functors.map((f, c) => {
      const sig = sigs[c] as EpisodeSignatures;
      const match = meanSquare(signatureDistances(sig, source.signatures, this.data.scale)) / this.coneDivisor;
      const real = reals[c];
      const anchor = this.options.teacherWeight > 0 ? this.options.teacherWeight * this.teacherLoss(f, real) : 0;
      return match + anchor + penalty(f, source.zIntent) + (real === undefined ? 0 : penalty(real, source.zReal));
    });
  }

  /**
   * The objective ES descends (ADR 0613): the Gaussian-smoothed loss `E_ε[L(θ + σ·ε)]`, σ the trainer's
   * `noiseStd` (Salimans et al. 2017: ES follows the gradient of the smoothed objective, not of L at θ),
   * estimated for each functor (with its z_real functor from `reals`, as in {@link losses}) over the same
   * `pairs` antithetic directions ±ε drawn from `rng` — common random numbers, so two functors' estimates
   * differ by the functors, not by the draws. One batched rollout of `functors.length · 2 · pairs` candidates.
   */
  smoothedLosses(functors: readonly IntentFunctor[], pairs: number, rng: Rng, reals: readonly (IntentFunctor | undefined)[] = []): number[] {
    if (!(Number.isInteger(pairs) && pairs >= 1)) throw new Error(`Error in IntentFunctorTrainer.smoothedLosses: pairs must be an integer >= 1, got ${pairs}.`);
    if (functors.length === 0) return [];
    const sizes = functors.map((f, c) => f.parameterCount + (reals[c]?.parameterCount ?? 0));
    const size = sizes[0] ?? 0;
    if (sizes.some((k) => k !== size)) throw new Error(`Error in IntentFunctorTrainer.smoothedLosses: every functor must have the same parameter count, got ${sizes.join(", ")}.`);
    const sigma = this.options.noiseStd;
    const directions = Array.from({ length: pairs }, () => Float64Array.from({ length: size }, () => rng.normal()));
    const intents: IntentFunctor[] = [];
    const realCandidates: (IntentFunctor | undefined)[] = [];
    functors.forEach((f, c) => {
      const real = reals[c];
      const theta = new Float64Array(size);
      theta.set(f.parameters());
      if (real !== undefined) theta.set(real.parameters(), f.parameterCount);
      for (const eps of directions) {
        for (const sign of [1, -1]) {
          const moved = theta.map((v, k) => v + sign * sigma * (eps[k] ?? 0));
          intents.push(f.withParameters(moved.subarray(0, f.parameterCount)));
          realCandidates.push(real?.withParameters(moved.subarray(f.parameterCount)));
        }
      }
    });
    const all = this.losses(intents, realCandidates);
    return functors.map((_, c) => {
      let total = 0;
      for (let j = 0; j < 2 * pairs; j++) total += all[c * 2 * pairs + j] ?? Number.NaN;
      return total / (2 * pairs);
    });
  }

  /**
   * Signatures in B of `[F(z_intent_A), z_real]` for each functor, z_real = `reals[c](z_real_A)` when
   * given, else B's native draw (one rollout of C·N episodes).
   */
  mappedSignatures(functors: readonly IntentFunctor[], reals: readonly (IntentFunctor | undefined)[] = []): EpisodeSignatures[] {
    const { target, source } = this.data;
    return this.signaturesOf(
      functors.map((f) => f.apply(source.zIntent)),
      functors.map((_, c) => reals[c]?.apply(source.zReal) ?? target.zRealNative),
    );
  }

  /** Signatures in B of `[intents[c], reals[c]]` (`[N, intentDim]`, `[N, realDim]` each), one rollout of C·N episodes. */
  private signaturesOf(intents: readonly Float32Array[], reals: readonly Float32Array[]): EpisodeSignatures[] {
    const C = intents.length;
    const { spec, target } = this.data;
    const n = spec.count;
    const I = this.actor.intentDim;
    const Rl = this.actor.realDim;
    const Z = I + Rl;
    const z = new Float32Array(C * n * Z);
    intents.forEach((mapped, c) => {
      const real = reals[c] as Float32Array;
      for (let i = 0; i < n; i++) {
        z.set(mapped.subarray(i * I, (i + 1) * I), (c * n + i) * Z);
        z.set(real.subarray(i * Rl, (i + 1) * Rl), (c * n + i) * Z + I);
      }
    });
    let tiled = this.tiled.get(C);
    if (tiled === undefined) {
      tiled = tileSpec(spec, C);
      this.tiled.set(C, tiled);
    }
    const rollout = target.world.rollout(tiled, (obs) => this.actor.act(target.replica, obs, z, C * n).actions);
    const starts = target.world.starts(tiled);
    const all = episodeSignatures(this.actor, target.replica, starts, z, rollout.traj);
    const T = this.actor.config.horizonSteps;
    return intents.map((_, c) => ({
      count: n,
      logConeVol: all.logConeVol.slice(c * n, (c + 1) * n),
      expectedHorizon: all.expectedHorizon.slice(c * n, (c + 1) * n),
      bindRate: all.bindRate.slice(c * n, (c + 1) * n),
      deviations: all.deviations.slice(c * n * T, (c + 1) * n * T),
    }));
  }

  private log(): void {
    const f = this.current;
    const source = this.data.source;
    const sigs = this.mappedSignatures([f], [this.currentReal]);
    const sig = sigs[0] as EpisodeSignatures;
    const loss = this.lossesOf([f], [this.currentReal], sigs)[0] ?? Number.NaN;
    const mapped = f.apply(source.zIntent);
    const I = f.dim;
    const norms = Array.from({ length: mapped.length / I }, (_, i) => Math.hypot(...mapped.subarray(i * I, (i + 1) * I)));
    const mean = norms.reduce((a, b) => a + b, 0) / norms.length;
    this.curve.push({
      generation: this.es.generationCount,
      loss,
      outputNormMean: mean,
      outputNormStd: Math.sqrt(norms.reduce((a, b) => a + (b - mean) ** 2, 0) / norms.length),
      signatureCorrelation: signatureCorrelation(source.signatures, sig),
    });
  }

  private makeEs(theta: Float64Array): EvolutionStrategy {
    const { pairs, noiseStd, learningRate, weightDecay } = this.options;
    return new EvolutionStrategy(theta, this.rng.fork("es"), { pairs, noiseStd, learningRate, weightDecay });
  }
}

/** Pearson correlation of two equal-length arrays (0 when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`Error in pearson: lengths ${a.length} and ${b.length} must be equal and > 0.`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += (a[i] ?? 0) / n;
    mb += (b[i] ?? 0) / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/** Mean Pearson correlation over the three signature components, across episodes. */
export function signatureCorrelation(a: EpisodeSignatures, b: EpisodeSignatures): number {
  return (pearson(a.logConeVol, b.logConeVol) + pearson(a.expectedHorizon, b.expectedHorizon) + pearson(a.bindRate, b.bindRate)) / 3;
}

function meanSquare(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] ?? 0) ** 2;
  return s / Math.max(1, values.length);
}

function std(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let m = 0;
  for (let i = 0; i < n; i++) m += (values[i] ?? 0) / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((values[i] ?? 0) - m) ** 2 / n;
  return Math.sqrt(v);
}
