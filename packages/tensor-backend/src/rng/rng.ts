/**
 * Seeded randomness for everything stochastic in TAM (issue item 2; SEED-INVENTORY TB-16).
 *
 * Generator: xoshiro128** 1.1 (Blackman and Vigna, 2018; public domain), 128-bit state, period 2^128 - 1,
 * passes BigCrush. State comes from MurmurHash3 of the seed (`hash-words.ts`). `fork(label)` hashes the
 * parent's key with the label, so a fork depends only on the seed and the chain of labels, never on how
 * many numbers the parent drew: adding a draw in one component does not shift any other component.
 * Seed uses: 002 L15-16 (choice without replacement, uniform), L61 (Bernoulli `rand() <= p`).
 */
import { hashToState, rotl32, stringWords } from "./hash-words.js";

/** A seed: a safe integer or a string. */
export type RngSeed = number | string;

/** 2^32, to combine two 32-bit words. */
const TWO_POW_32 = 4294967296;
/** 2^53, the resolution of a double in [0, 1). */
const TWO_POW_53 = 9007199254740992;
/** Largest seed handed to tfjs random ops: seeds are drawn in [0, 2^31 - 1). */
const MAX_TF_SEED = 2147483647;
/** Domain tags so a numeric seed, a string seed and a fork never hash the same words. */
const TAG_NUMBER = 0x6e756d62;
const TAG_STRING = 0x73747269;
const TAG_FORK = 0x666f726b;

/**
 * A deterministic random number generator. Same seed, same calls: same numbers, on every platform.
 * Not thread-safe and not cryptographic.
 */
export interface Rng {
  /** Where this stream comes from: the seed and the chain of fork labels, e.g. `seed(42)/fork(actor)`. */
  readonly path: string;
  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** A double in `[low, high)` (default `[0, 1)`), with 53 bits of resolution. */
  uniform(low?: number, high?: number): number;
  /** A normal draw with the given mean and standard deviation (Box-Muller). */
  normal(mean?: number, std?: number): number;
  /** An integer in `[low, high)`, unbiased; `high - low` at most 2^32. */
  int(low: number, high: number): number;
  /** `k` distinct integers from `[0, n)`, in the random order drawn (sort them if order matters). */
  choice(n: number, k: number): number[];
  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** True with probability `p`: `uniform() < p`. */
  bernoulli(p: number): boolean;
  /** A seed for a tfjs random op (`tf.randomNormal(shape, 0, 1, "float32", rng.nextSeed())`). */
  nextSeed(): number;
  /** An independent stream named by `label`; the same label always gives the same stream. */
  fork(label: string): Rng;
}

/**
 * Create a seeded {@link Rng}.
 *
 * @example
 * ```ts
 * import { createRng } from "@tam/tensor-backend";
 * const rng = createRng(42);
 * const picks = rng.choice(10, 3);            // 3 distinct ints in [0, 10)
 * const actorRng = rng.fork("actor");         // independent of rng's own draws
 * ```
 * @param seed - a safe integer or a string.
 * @throws Error when the seed is not a safe integer or a string.
 */
export function createRng(seed: RngSeed): Rng {
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`Error in createRng: seed must be a safe integer or a string, got ${seed}.`);
    }
    const hi = Math.floor(seed / TWO_POW_32);
    const lo = seed - hi * TWO_POW_32;
    return new Xoshiro128(hashToState([TAG_NUMBER, lo >>> 0, hi >>> 0]), `seed(${seed})`);
  }
  if (typeof seed === "string") {
    return new Xoshiro128(hashToState([TAG_STRING, ...stringWords(seed)]), `seed(${JSON.stringify(seed)})`);
  }
  throw new Error(`Error in createRng: seed must be a safe integer or a string, got ${typeof seed}.`);
}

/**
 * An {@link Rng} that starts from raw xoshiro128** state words (internal: for reference-vector tests and
 * state restore). `state` must not be all zero.
 */
export function rngFromState(state: readonly [number, number, number, number], path = "state"): Rng {
  if ((state[0] | state[1] | state[2] | state[3]) === 0) {
    throw new Error("Error in rngFromState: xoshiro128** state must not be all zero.");
  }
  return new Xoshiro128([state[0] >>> 0, state[1] >>> 0, state[2] >>> 0, state[3] >>> 0], path);
}

/** xoshiro128** over a 4-word state; `key` is the state it started from, used to derive forks. */
class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private readonly key: readonly number[];

  constructor(
    state: readonly [number, number, number, number],
    readonly path: string,
  ) {
    [this.s0, this.s1, this.s2, this.s3] = state;
    this.key = state;
  }

  nextUint32(): number {
    const result = Math.imul(rotl32(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl32(this.s3, 11);
    return result;
  }

  uniform(low = 0, high = 1): number {
    if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
      throw new Error(`Error in Rng.uniform: need finite low < high, got low=${low}, high=${high}.`);
    }
    const u = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / TWO_POW_53;
    const x = low + (high - low) * u;
    return x < high ? x : low;
  }

  normal(mean = 0, std = 1): number {
    if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
      throw new Error(`Error in Rng.normal: need finite mean and std >= 0, got mean=${mean}, std=${std}.`);
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  int(low: number, high: number): number {
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && low < high && high - low <= TWO_POW_32)) {
      throw new Error(`Error in Rng.int: need integers low < high with high - low <= 2^32, got low=${low}, high=${high}.`);
    }
    const range = high - low;
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % range);
  }

  choice(n: number, k: number): number[] {
    if (!(Number.isSafeInteger(n) && Number.isSafeInteger(k) && n >= 0 && k >= 0 && k <= n && n <= TWO_POW_32)) {
      throw new Error(`Error in Rng.choice: need integers 0 <= k <= n <= 2^32, got n=${n}, k=${k}.`);
    }
    // Partial Fisher-Yates over a virtual array 0..n-1; only swapped slots are stored, so memory is O(k).
    const swapped = new Map<number, number>();
    const picks: number[] = [];
    for (let i = 0; i < k; i += 1) {
      const j = this.int(i, n);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      picks.push(atJ);
    }
    return picks;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = this.int(0, i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new Error(`Error in Rng.bernoulli: p must be in [0, 1], got ${p}.`);
    return this.uniform() < p;
  }

  nextSeed(): number {
    return this.int(0, MAX_TF_SEED);
  }

  fork(label: string): Rng {
    if (typeof label !== "string") {
      throw new Error(`Error in Rng.fork: label must be a string, got ${typeof label}.`);
    }
    return new Xoshiro128(hashToState([TAG_FORK, ...this.key, ...stringWords(label)]), `${this.path}/fork(${label})`);
  }
}
