/**
 * Running one replica of a {@link FactoredActor} in a world with given latents (native, transported,
 * random, shuffled), acting with the policy mean (evaluation is deterministic given the spec), and
 * measuring each episode's cone signature under that replica's tube: log cone vol (mean log σ), E[T]
 * (stop head), hard bind rate at k = 2, plus the per-step normalised deviations that calibration
 * curves are built from (`@tam/tube`'s `normalisedDeviations`).
 *
 * Source: `001_4e7658869d462183.txt` §G L140–148 (per-episode cone stats, `sig`), §H L181–200;
 * `@tam/tube` ADR 0202 (signature definitions).
 */
import { tf, type Rng } from "@tam/tensor-backend";
import { BIND_WIDTH_K, expectedHorizon, normalisedDeviations } from "@tam/tube";
import type { EpisodeSpec, EquivalentWorld, WorldRollout, WorldStarts } from "./equivalent-world.js";
import type { FactoredActor } from "./factored-actor.js";

/** Per-episode cone signatures (001 L159: `IntentSignature = (log_cone_vol, E_T, bind_rate)`). */
export interface EpisodeSignatures {
  readonly count: number;
  /** Mean log σ per episode, in nats. */
  readonly logConeVol: Float32Array;
  /** E[T] per episode, in steps. */
  readonly expectedHorizon: Float32Array;
  /** Fraction of steps inside the tube at k = 2. */
  readonly bindRate: Float32Array;
  /** `max_d |τ − μ| / σ` per (episode, step), `[n, T]`. */
  readonly deviations: Float32Array;
}

/** A rollout with its signatures. */
export interface LatentEpisodes {
  readonly rollout: WorldRollout;
  readonly signatures: EpisodeSignatures;
}

/**
 * Cone signatures of `n` episodes of replica `replica`: starts (tube observation and anchor), latents
 * `[n, latentDim]` and realised trajectories `[n, T, D]`.
 */
export function episodeSignatures(actor: FactoredActor, replica: number, starts: WorldStarts, z: Float32Array, traj: Float32Array): EpisodeSignatures {
  const n = starts.count;
  const out = actor.tubeOutputsFor(replica, starts.tubeObs, starts.anchor, z, n);
  try {
    const { horizonSteps: T, stateDim: D } = actor.config;
    const [deviations, logVol, horizon] = tf.tidy(() => {
      const trajT = tf.tensor4d(traj, [1, n, T, D]);
      return [
        normalisedDeviations(out.mu, out.sigma, trajT),
        tf.mean(out.logSigma, [2, 3]).dataSync() as Float32Array,
        expectedHorizon(out.stopLogits).dataSync() as Float32Array,
      ] as const;
    });
    const bindRate = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let inside = 0;
      for (let t = 0; t < T; t++) if ((deviations[i * T + t] ?? Number.POSITIVE_INFINITY) < BIND_WIDTH_K) inside += 1;
      bindRate[i] = inside / T;
    }
    return { count: n, logConeVol: Float32Array.from(logVol), expectedHorizon: Float32Array.from(horizon), bindRate, deviations };
  } finally {
    tf.dispose([out.mu, out.logSigma, out.logSigmaRaw, out.sigma, out.stopLogits]);
  }
}

/**
 * Run replica `replica` in `world` on the episodes of `spec` with latents `z` `[n, latentDim]`, acting
 * with the policy mean (or sampling when `rng` is given), and measure the signatures.
 *
 * @example
 * ```ts
 * const native = actor.sample(worldB.starts(spec).start, spec.count, rng, { deterministic: true });
 * const { rollout, signatures } = runWithLatents(actor, 1, worldB, spec, native.z);
 * ```
 */
export function runWithLatents(actor: FactoredActor, replica: number, world: EquivalentWorld, spec: EpisodeSpec, z: Float32Array, rng?: Rng): LatentEpisodes {
  const n = spec.count;
  const Z = actor.latentDim;
  if (z.length !== n * Z) throw new Error(`Error in runWithLatents: z must have n·latentDim = ${n * Z} values, got ${z.length}.`);
  const rollout = world.rollout(spec, (obs) => actor.act(replica, obs, z, n, rng).actions);
  const signatures = episodeSignatures(actor, replica, world.starts(spec), z, rollout.traj);
  return { rollout, signatures };
}

/** Repeat a spec `times` times (candidate-major): episode `c·n + i` is episode i of the original. */
export function tileSpec(spec: EpisodeSpec, times: number): EpisodeSpec {
  if (!(Number.isInteger(times) && times >= 1)) throw new Error(`Error in tileSpec: times must be an integer >= 1, got ${times}.`);
  const tile = <A extends Float32Array | Int32Array>(a: A, make: (length: number) => A): A => {
    const out = make(a.length * times);
    for (let c = 0; c < times; c++) out.set(a, c * a.length);
    return out;
  };
  return {
    count: spec.count * times,
    horizonSteps: spec.horizonSteps,
    p0: tile(spec.p0, (l) => new Float32Array(l)),
    rules: tile(spec.rules, (l) => new Int32Array(l)),
    current: tile(spec.current, (l) => new Float32Array(l)),
    noise: tile(spec.noise, (l) => new Float32Array(l)),
  };
}
