/**
 * Episode memory of the factored actor (001 §B L33–35): each record stores z (and `zFull`, the seed's
 * backward-compatible name, as the same values), z_intent, z_real and the two KLs, plus the world
 * replica and, when known, the episode's cone signature. A ring buffer of fixed capacity; nearest-intent
 * look-up for memory reuse (001 §F L110–113) by Euclidean distance in z_intent space (ADR 0605).
 *
 * Source: `001_4e7658869d462183.txt` L33–35, L110–113; SEED-INVENTORY.md §6.4, §6.7, §15.6 item 4.
 */

/** One remembered episode. */
export interface MemoryRecord {
  /** Which replica (world) produced it. */
  readonly replica: number;
  readonly z: Float32Array;
  /** Same values as `z` (the seed keeps `z_full` for backward compatibility, 001 L34). */
  readonly zFull: Float32Array;
  readonly zIntent: Float32Array;
  readonly zReal: Float32Array;
  readonly klIntent: number;
  readonly klReal: number;
  /** Cone signature `[logConeVol, E[T], bindRate]` of the episode, when it was measured. */
  readonly signature?: readonly [number, number, number];
}

/**
 * A bounded memory of episodes (oldest dropped first).
 *
 * @example
 * ```ts
 * const memory = new EpisodeMemory(1024);
 * actor.sample(starts, n, rng, { memory });            // records every sampled episode
 * const nearest = memory.nearestIntent(query);         // index of the closest z_intent
 * ```
 */
export class EpisodeMemory {
  private readonly items: MemoryRecord[] = [];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`Error in EpisodeMemory: capacity must be an integer >= 1, got ${capacity}.`);
  }

  /** Number of records held. */
  get size(): number {
    return this.items.length;
  }

  /** Add a record (replacing the oldest when full). */
  add(record: MemoryRecord): void {
    if (record.zIntent.length + record.zReal.length !== record.z.length) {
      throw new Error(`Error in EpisodeMemory.add: z has ${record.z.length} values but zIntent + zReal have ${record.zIntent.length + record.zReal.length}.`);
    }
    if (this.items.length < this.capacity) this.items.push(record);
    else this.items[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The records, oldest first. */
  records(): MemoryRecord[] {
    return this.items.length < this.capacity ? [...this.items] : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }

  /** Records of one replica, oldest first. */
  ofReplica(replica: number): MemoryRecord[] {
    return this.records().filter((r) => r.replica === replica);
  }

  /** Index (into `candidates`, default all records in order) of the record whose z_intent is nearest `query`. */
  nearestIntent(query: ArrayLike<number>, candidates: readonly MemoryRecord[] = this.records()): number {
    if (candidates.length === 0) throw new Error("Error in EpisodeMemory.nearestIntent: no candidates (the memory is empty).");
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    candidates.forEach((record, index) => {
      if (record.zIntent.length !== query.length) throw new Error(`Error in EpisodeMemory.nearestIntent: query has ${query.length} values, z_intent has ${record.zIntent.length}.`);
      let d = 0;
      for (let i = 0; i < query.length; i++) d += ((query[i] ?? 0) - (record.zIntent[i] ?? 0)) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = index;
      }
    });
    return best;
  }

  /** Forget everything. */
  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}
