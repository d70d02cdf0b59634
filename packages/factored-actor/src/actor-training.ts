/**
 * Collecting episodes with a {@link FactoredActor} in its worlds (one world per replica, matched
 * episodes from one shared spec) and training it: sample z per episode from q(z | s0), act on the host
 * with Gaussian exploration, compute discounted returns-to-go and advantages against the critic, run
 * the same episodes again with the policy mean for the tube's trajectories, then one
 * {@link FactoredActor.trainStep}. The refine phase starts after `1 − refineFraction` of the steps
 * (ADR 0603), and the learning rate decays linearly over it (ADR 0610).
 *
 * Source: `001_4e7658869d462183.txt` §B, §D (policy on (obs, z)), §K L243 (the actor trains);
 * SEED-INVENTORY.md §15.6 item 3 (RL algorithm: advantage actor-critic, ADR 0602).
 */
import type { Rng } from "@tam/tensor-backend";
import type { EpisodeMemory } from "./episode-memory.js";
import { EquivalentWorld, type EpisodeSpec } from "./equivalent-world.js";
import type { ActorStepResult, ActorTrainingBatch, FactoredActor } from "./factored-actor.js";

/** Floor of the advantage standard deviation before normalising (ADR 0602). */
const ADVANTAGE_STD_FLOOR = 1e-6;

/**
 * Run the episodes of `spec` in every replica's world and build a training batch.
 *
 * @example
 * ```ts
 * const batch = collectEpisodes(actor, [standard, mirrored], EquivalentWorld.sampleSpecs(rng, 64), rng);
 * actor.trainStep(batch);
 * ```
 */
export function collectEpisodes(actor: FactoredActor, worlds: readonly EquivalentWorld[], spec: EpisodeSpec, rng: Rng, options: { readonly memory?: EpisodeMemory } = {}): ActorTrainingBatch {
  const R = actor.replicas;
  if (worlds.length !== R) throw new Error(`Error in collectEpisodes: give one world per replica (${R}), got ${worlds.length}.`);
  const { startDim: S, policyObsDim: P, actionDim: A, horizonSteps: T, stateDim: D, tubeObsDim: O, discount } = actor.config;
  const first = worlds[0] as EquivalentWorld;
  if (first.startDim !== S || first.policyObsDim !== P || first.actionDim !== A || first.horizonSteps !== T || first.stateDim !== D || first.tubeObsDim !== O) {
    throw new Error("Error in collectEpisodes: the worlds' dimensions do not match the actor's config.");
  }
  const n = spec.count;
  const start = new Float32Array(R * n * S);
  const tubeObs = new Float32Array(R * n * O);
  const anchor = new Float32Array(R * n * T * D);
  const rules = new Int32Array(R * n);
  worlds.forEach((world, r) => {
    const starts = world.starts(spec);
    start.set(starts.start, r * n * S);
    tubeObs.set(starts.tubeObs, r * n * O);
    anchor.set(starts.anchor, r * n * T * D);
    rules.set(starts.rules, r * n);
  });
  const sample = actor.sample(start, n, rng, options.memory === undefined ? {} : { memory: options.memory });
  const Z = actor.latentDim;
  const obs = new Float32Array(R * n * T * P);
  const actions = new Float32Array(R * n * T * A);
  const traj = new Float32Array(R * n * T * D);
  const advantages = new Float32Array(R * n * T);
  const returnsToGo = new Float32Array(R * n * T);
  const meanReturns: number[] = [];
  worlds.forEach((world, r) => {
    const zRows = sample.z.subarray(r * n * Z, (r + 1) * n * Z);
    const values = new Float32Array(n * T);
    const out = world.rollout(spec, (stepObs, t) => {
      const { actions: a, values: v } = actor.act(r, stepObs, zRows, n, rng);
      for (let i = 0; i < n; i++) values[i * T + t] = v[i] ?? 0;
      return a;
    });
    obs.set(out.obs, r * n * T * P);
    actions.set(out.actions, r * n * T * A);
    // The tube is the actor's commitment about what its policy does: it learns from the same episodes
    // acted with the policy mean (exploration noise is a training device, not part of the commitment;
    // ADR 0602).
    const greedy = world.rollout(spec, (stepObs) => actor.act(r, stepObs, zRows, n).actions);
    traj.set(greedy.traj, r * n * T * D);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let g = 0;
      for (let t = T - 1; t >= 0; t--) {
        g = (out.rewards[i * T + t] ?? 0) + discount * g;
        returnsToGo[(r * n + i) * T + t] = g;
        advantages[(r * n + i) * T + t] = g - (values[i * T + t] ?? 0);
      }
      sum += out.returns[i] ?? 0;
    }
    meanReturns.push(sum / n);
    // Normalise this replica's advantages.
    const block = advantages.subarray(r * n * T, (r + 1) * n * T);
    let mean = 0;
    for (const a of block) mean += a / block.length;
    let variance = 0;
    for (const a of block) variance += (a - mean) ** 2 / block.length;
    const std = Math.max(Math.sqrt(variance), ADVANTAGE_STD_FLOOR);
    for (let k = 0; k < block.length; k++) block[k] = ((block[k] ?? 0) - mean) / std;
  });
  return { count: n, start, sample, obs, actions, advantages, returnsToGo, traj, tubeObs, anchor, rules, meanReturns };
}

/** Learning-rate schedules of the refine phase (ADR 0610). */
export const REFINE_LEARNING_RATES = ["linearDecay", "constant"] as const;
/** A learning-rate schedule of the refine phase: decay linearly towards 0, or keep the configured rate. */
export type RefineLearningRate = (typeof REFINE_LEARNING_RATES)[number];

/** Options of {@link trainFactoredActor}. */
export interface TrainActorOptions {
  readonly steps: number;
  /** Episodes per replica per step. */
  readonly batchEpisodes: number;
  readonly rng: Rng;
  /** Fraction of the steps, at the end, run in the refine phase (default 0: never). */
  readonly refineFraction?: number;
  /**
   * Learning rate in the refine phase (ADR 0610): `linearDecay` (default) scales the configured rate by
   * (steps left) / (refine steps), from 1 at the phase's first step to 1/(refine steps) at the last, as
   * in A2C's linear schedule; `constant` keeps it. The configured rate is restored at the end.
   */
  readonly refineLearningRate?: RefineLearningRate;
  /** Called after every step. */
  readonly onStep?: (step: number, result: ActorStepResult, batch: ActorTrainingBatch) => void;
}

/**
 * Train `actor` in `worlds` (one per replica) for `steps` actor-critic updates on fresh matched
 * episodes. Leaves no tensors behind.
 */
export function trainFactoredActor(actor: FactoredActor, worlds: readonly EquivalentWorld[], options: TrainActorOptions): void {
  const { steps, batchEpisodes } = options;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`Error in trainFactoredActor: steps must be an integer >= 0, got ${steps}.`);
  if (!(Number.isInteger(batchEpisodes) && batchEpisodes >= 1)) throw new Error(`Error in trainFactoredActor: batchEpisodes must be an integer >= 1, got ${batchEpisodes}.`);
  const refineFraction = options.refineFraction ?? 0;
  if (!(refineFraction >= 0 && refineFraction <= 1)) throw new Error(`Error in trainFactoredActor: refineFraction must be in [0, 1], got ${refineFraction}.`);
  const refineFrom = refineFraction > 0 ? Math.floor(steps * (1 - refineFraction)) : Number.POSITIVE_INFINITY;
  const schedule = options.refineLearningRate ?? "linearDecay";
  if (!(REFINE_LEARNING_RATES as readonly string[]).includes(schedule)) {
    throw new Error(`Error in trainFactoredActor: refineLearningRate must be one of ${REFINE_LEARNING_RATES.join(", ")}, got ${String(schedule)}.`);
  }
  const decay = schedule === "linearDecay";
  const data = options.rng.fork("episodes");
  const acting = options.rng.fork("acting");
  const horizon = worlds[0]?.horizonSteps ?? actor.config.horizonSteps;
  const halfWidth = worlds[0]?.options.currentHalfWidth;
  for (let step = 0; step < steps; step++) {
    if (step >= refineFrom && actor.phase === "fit") actor.beginRefine();
    if (decay && step >= refineFrom) actor.learningRate = (actor.config.learningRate * (steps - step)) / (steps - refineFrom);
    const spec = EquivalentWorld.sampleSpecs(data, batchEpisodes, horizon, halfWidth);
    const batch = collectEpisodes(actor, worlds, spec, acting);
    const result = actor.trainStep(batch);
    options.onStep?.(step, result, batch);
  }
  actor.learningRate = actor.config.learningRate;
}
