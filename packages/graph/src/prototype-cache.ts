/**
 * PrototypeCache: a sparse cache of transient parameters keyed by novelty signatures (seed 002 L848-867, L975;
 * SEED-INVENTORY §4.7; ADR 0405). `lookup(signature)` returns the parameters stored under the same key, else
 * those of the nearest stored signature within `PROTOTYPE_MATCH_DISTANCE` (L1 over the quantised codes), else
 * undefined ("a similar condition was seen" or not). Entries persist (consolidation keeps the cache, L975).
 */
import { PROTOTYPE_MATCH_DISTANCE } from "./constants.js";

/** A stored prototype. */
export interface Prototype {
  readonly key: string;
  readonly code: Int8Array;
  readonly params: readonly Float32Array[];
  /** Times it was stored or refreshed. */
  readonly writes: number;
}

/**
 * The cache.
 *
 * @example
 * ```ts
 * const cache = new PrototypeCache();
 * cache.store(signatureOf(z), [values]);
 * cache.lookup(signatureOf(zLater))?.params;   // reused when the condition recurs
 * ```
 */
export class PrototypeCache {
  private readonly entries = new Map<string, Prototype>();
  private readonly maxDistance: number;
  private hitCount = 0;
  private missCount = 0;

  /** @throws Error when the distance is negative. */
  constructor(maxDistance: number = PROTOTYPE_MATCH_DISTANCE) {
    if (!(Number.isFinite(maxDistance) && maxDistance >= 0)) throw new Error(`Error in PrototypeCache: maxDistance must be finite and >= 0, got ${maxDistance}.`);
    this.maxDistance = maxDistance;
  }

  /** Stored prototypes. */
  get size(): number {
    return this.entries.size;
  }

  /** Lookups that found a prototype / did not. */
  get stats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }

  /** Store (or refresh) parameters under a signature (copies are kept). */
  store(signature: { readonly code: Int8Array; readonly key: string }, params: readonly Float32Array[]): void {
    const old = this.entries.get(signature.key);
    this.entries.set(signature.key, { key: signature.key, code: Int8Array.from(signature.code), params: params.map((p) => Float32Array.from(p)), writes: (old?.writes ?? 0) + 1 });
  }

  /** The prototype for this signature or the nearest within the distance (ties: the earliest stored). */
  lookup(signature: { readonly code: Int8Array; readonly key: string }): Prototype | undefined {
    let found = this.entries.get(signature.key);
    if (found === undefined) {
      let best = Number.POSITIVE_INFINITY;
      for (const p of this.entries.values()) {
        if (p.code.length !== signature.code.length) continue;
        let d = 0;
        for (let i = 0; i < p.code.length; i += 1) d += Math.abs((p.code[i] as number) - (signature.code[i] as number));
        if (d <= this.maxDistance && d < best) {
          best = d;
          found = p;
        }
      }
    }
    if (found === undefined) this.missCount += 1;
    else this.hitCount += 1;
    return found;
  }
}
