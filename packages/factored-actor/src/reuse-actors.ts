/**
 * Intent-aware reuse (001 §F L106–125): reuse replaces **only** z_intent and keeps the native z_real.
 * - `MemoryReuseActor`: sample native (z_intent_B, z_real_B), then replace z_intent_B by the nearest
 *   z_intent among the source memory's records (mapped by a functor when one is given).
 * - `PrototypeReuseActor`: prototypes live in z_intent space (k-means centres of the source memory's
 *   intents, mapped by a functor when given); each episode takes the prototype nearest its native intent.
 * - Baselines: `shuffleIntents` (intent-shuffled: intents permuted across episodes, real native) and
 *   `shuffleReals` (real-shuffled: reals permuted, intent native; "should hurt control more than
 *   calibration", 001 L118).
 * Nearest = Euclidean distance in z_intent space; prototypes by Lloyd's k-means with k-means++ seeding
 * (ADR 0605).
 *
 * Source: `001_4e7658869d462183.txt` §F L106–125; SEED-INVENTORY.md §6.6–6.7, §15.6 item 4.
 */
import type { Rng } from "@tam/tensor-backend";
import type { EpisodeMemory } from "./episode-memory.js";
import type { FactoredActor } from "./factored-actor.js";
import type { FactoredZSample } from "./factored-z-sample.js";
import type { IntentFunctor } from "./intent-functor.js";

/** Default number of prototypes: one per rule of the equivalent worlds (ADR 0605). */
export const DEFAULT_PROTOTYPE_COUNT = 4;
/** Lloyd iterations of k-means (ADR 0605). */
export const KMEANS_ITERATIONS = 50;

/** Index of the row of `candidates` `[m, d]` nearest `query` (at `offset` in `query`). */
export function nearestRow(candidates: ArrayLike<number>, dim: number, query: ArrayLike<number>, offset = 0): number {
  const m = candidates.length / dim;
  if (!(Number.isInteger(m) && m >= 1)) throw new Error(`Error in nearestRow: candidates must be [m >= 1, ${dim}], got ${candidates.length} values.`);
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let j = 0; j < m; j++) {
    let dist = 0;
    for (let d = 0; d < dim; d++) dist += ((query[offset + d] ?? 0) - (candidates[j * dim + d] ?? 0)) ** 2;
    if (dist < bestDistance) {
      bestDistance = dist;
      best = j;
    }
  }
  return best;
}

/**
 * k-means (k-means++ seeding, then Lloyd iterations) of `points` `[m, d]`; returns the centres `[k, d]`.
 * Deterministic given `rng`.
 */
export function kMeans(points: ArrayLike<number>, dim: number, k: number, rng: Rng, iterations: number = KMEANS_ITERATIONS): Float64Array {
  const m = points.length / dim;
  if (!(Number.isInteger(m) && m >= 1)) throw new Error(`Error in kMeans: points must be [m >= 1, ${dim}], got ${points.length} values.`);
  if (!(Number.isInteger(k) && k >= 1 && k <= m)) throw new Error(`Error in kMeans: k must be an integer in [1, ${m}], got ${k}.`);
  const centres = new Float64Array(k * dim);
  const first = rng.int(0, m);
  for (let d = 0; d < dim; d++) centres[d] = points[first * dim + d] ?? 0;
  const dist = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += ((points[i * dim + d] ?? 0) - (centres[(c - 1) * dim + d] ?? 0)) ** 2;
      dist[i] = Math.min(dist[i] ?? Number.POSITIVE_INFINITY, s);
      total += dist[i] ?? 0;
    }
    let target = rng.uniform() * total;
    let pick = m - 1;
    for (let i = 0; i < m; i++) {
      target -= dist[i] ?? 0;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    for (let d = 0; d < dim; d++) centres[c * dim + d] = points[pick * dim + d] ?? 0;
  }
  const assign = new Int32Array(m);
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let i = 0; i < m; i++) {
      const a = nearestRow(centres, dim, points, i * dim);
      if (a !== assign[i]) changed = true;
      assign[i] = a;
    }
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < m; i++) {
      const c = assign[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      for (let d = 0; d < dim; d++) sums[c * dim + d] = (sums[c * dim + d] ?? 0) + (points[i * dim + d] ?? 0);
    }
    for (let c = 0; c < k; c++) {
      if ((counts[c] ?? 0) === 0) continue; // an empty cluster keeps its centre
      for (let d = 0; d < dim; d++) centres[c * dim + d] = (sums[c * dim + d] ?? 0) / (counts[c] ?? 1);
    }
    if (!changed && it > 0) break;
  }
  return centres;
}

/** The intents of `memory`'s records of `replica` (all when undefined), `[m, d]`, mapped by `functor`. */
function candidateIntents(memory: EpisodeMemory, replica: number | undefined, functor: IntentFunctor | undefined): { intents: Float32Array; dim: number } {
  const records = replica === undefined ? memory.records() : memory.ofReplica(replica);
  if (records.length === 0) throw new Error("Error in reuse: the source memory has no records to reuse.");
  const dim = records[0]?.zIntent.length ?? 0;
  const flat = new Float32Array(records.length * dim);
  records.forEach((r, i) => flat.set(r.zIntent, i * dim));
  return { intents: functor === undefined ? flat : functor.apply(flat), dim };
}

/** Options of the reuse actors. */
export interface ReuseOptions {
  /** Use only the memory's records of this source replica. */
  readonly sourceReplica?: number;
  /** Map source intents through this functor before comparing and reusing them. */
  readonly functor?: IntentFunctor;
}

/**
 * Memory reuse: native z_real, z_intent replaced by the nearest remembered intent (001 L110–113).
 *
 * @example
 * ```ts
 * const reuse = new MemoryReuseActor(actor, 1, sourceMemory, { sourceReplica: 0, functor });
 * const z = reuse.sample(worldB.starts(spec).start, spec.count, rng);
 * ```
 */
export class MemoryReuseActor {
  private readonly intents: Float32Array;

  constructor(
    readonly actor: FactoredActor,
    readonly replica: number,
    memory: EpisodeMemory,
    options: ReuseOptions = {},
  ) {
    const { intents, dim } = candidateIntents(memory, options.sourceReplica, options.functor);
    if (dim !== actor.intentDim) throw new Error(`Error in MemoryReuseActor: memory intents have ${dim} dims, the actor's z_intent ${actor.intentDim}.`);
    this.intents = intents;
  }

  /** Latents for `n` episodes of this replica (`start` `[n, startDim]`). */
  sample(start: Float32Array, n: number, rng: Rng, options: { readonly deterministic?: boolean } = {}): FactoredZSample {
    const native = this.actor.sample(start, n, rng, { replica: this.replica, deterministic: options.deterministic ?? false });
    const I = this.actor.intentDim;
    const chosen = new Float32Array(n * I);
    for (let i = 0; i < n; i++) {
      const j = nearestRow(this.intents, I, native.zIntent, i * I);
      chosen.set(this.intents.subarray(j * I, (j + 1) * I), i * I);
    }
    return this.actor.withIntent(native, chosen);
  }
}

/**
 * Prototype reuse: z_intent replaced by the prototype (k-means centre of the source intents) nearest the
 * native intent (001 L114–116).
 */
export class PrototypeReuseActor {
  /** Prototypes `[k, intentDim]`. */
  readonly prototypes: Float64Array;

  constructor(
    readonly actor: FactoredActor,
    readonly replica: number,
    memory: EpisodeMemory,
    rng: Rng,
    options: ReuseOptions & { readonly prototypes?: number } = {},
  ) {
    const { intents, dim } = candidateIntents(memory, options.sourceReplica, options.functor);
    if (dim !== actor.intentDim) throw new Error(`Error in PrototypeReuseActor: memory intents have ${dim} dims, the actor's z_intent ${actor.intentDim}.`);
    this.prototypes = kMeans(intents, dim, Math.min(options.prototypes ?? DEFAULT_PROTOTYPE_COUNT, intents.length / dim), rng);
  }

  /** Latents for `n` episodes of this replica (`start` `[n, startDim]`). */
  sample(start: Float32Array, n: number, rng: Rng, options: { readonly deterministic?: boolean } = {}): FactoredZSample {
    const native = this.actor.sample(start, n, rng, { replica: this.replica, deterministic: options.deterministic ?? false });
    const I = this.actor.intentDim;
    const chosen = new Float32Array(n * I);
    for (let i = 0; i < n; i++) {
      const j = nearestRow(this.prototypes, I, native.zIntent, i * I);
      for (let d = 0; d < I; d++) chosen[i * I + d] = this.prototypes[j * I + d] ?? 0;
    }
    return this.actor.withIntent(native, chosen);
  }
}

/** A random permutation of `n` episodes that moves every episode when n > 1 (a derangement by rotation of a shuffle). */
function derangement(n: number, rng: Rng): number[] {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const perm = new Array<number>(n);
  for (let k = 0; k < n; k++) perm[order[k] ?? 0] = order[(k + 1) % n] ?? 0;
  return perm;
}

/** Intent-shuffled baseline: every episode gets another episode's z_intent; z_real stays native. */
export function shuffleIntents(actor: FactoredActor, sample: FactoredZSample, rng: Rng): FactoredZSample {
  const I = sample.intentDim;
  const out = new Float32Array(sample.zIntent.length);
  for (let r = 0; r < sample.replicas; r++) {
    const perm = derangement(sample.count, rng);
    for (let i = 0; i < sample.count; i++) {
      const from = r * sample.count + (perm[i] ?? i);
      out.set(sample.zIntent.subarray(from * I, (from + 1) * I), (r * sample.count + i) * I);
    }
  }
  return actor.withIntent(sample, out);
}

/** Real-shuffled baseline: every episode gets another episode's z_real; z_intent stays native. */
export function shuffleReals(actor: FactoredActor, sample: FactoredZSample, rng: Rng): FactoredZSample {
  const Rl = sample.realDim;
  if (Rl === 0) throw new Error("Error in shuffleReals: the sample has no z_real (an unfactored actor).");
  const out = new Float32Array(sample.zReal.length);
  for (let r = 0; r < sample.replicas; r++) {
    const perm = derangement(sample.count, rng);
    for (let i = 0; i < sample.count; i++) {
      const from = r * sample.count + (perm[i] ?? i);
      out.set(sample.zReal.subarray(from * Rl, (from + 1) * Rl), (r * sample.count + i) * Rl);
    }
  }
  return actor.withReal(sample, out);
}
