/**
 * A small seeded pseudo-random generator for the lab world and the agent policies.
 *
 * The seeds need randomness (`003_9e0f6a831bfd364e.txt` leaves the lab world open, SEED-INVENTORY.md
 * §11 E7) and DESIGN.md forbids `Math.random`. This package must not depend on `@tam/tensor-backend`
 * (DESIGN.md dependency rule), so it carries its own generator: SFC32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, 128-bit state, period at least 2^32, passes PractRand to 2^40+) seeded through
 * SplitMix32, with Box–Muller normals. Not for cryptography.
 */

/** A deterministic random stream: same seed, same numbers, on every platform. */
export interface SeededRng {
  /** The seed this stream was created from (after forking, the derived seed). */
  readonly seed: number;
  /** A float uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number;
  /** A standard normal draw (mean 0, standard deviation 1). */
  normal(): number;
  /** An integer uniform in [0, n). */
  int(n: number): number;
  /** An independent stream derived from this stream's seed and a label; does not advance this stream. */
  fork(label: string): SeededRng;
}

/** FNV-1a hash of a string, 32 bits: turns a fork label into a number. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i += 1) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** One SplitMix32 step: a well-mixed 32-bit value from a counter (used only to seed SFC32). */
function splitMix32(state: number): number {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Create a seeded generator.
 *
 * @param seed - any safe integer (negative and large values are folded to 32 bits).
 * @example
 * ```ts
 * const rng = createSeededRng(42);
 * const u = rng.uniform(); // same value on every run
 * const noise = rng.fork("noise").normal();
 * ```
 */
export function createSeededRng(seed: number): SeededRng {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`createSeededRng: seed must be a safe integer, got ${String(seed)}`);
  }
  const folded = (seed >>> 0) ^ (Math.floor(seed / 0x100000000) >>> 0);
  let a = splitMix32(folded);
  let b = splitMix32(a ^ 0x6a09e667);
  let c = splitMix32(b ^ 0xbb67ae85);
  let d = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs so that nearby seeds decorrelate.
  for (let i = 0; i < 12; i += 1) nextUint32();
  let spareNormal: number | undefined;
  const rng: SeededRng = {
    seed,
    uniform: () => nextUint32() / 0x100000000,
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // Box–Muller on (0, 1] × [0, 1): 1 - u avoids log(0).
      const u1 = 1 - nextUint32() / 0x100000000;
      const u2 = nextUint32() / 0x100000000;
      const radius = Math.sqrt(-2 * Math.log(u1));
      spareNormal = radius * Math.sin(2 * Math.PI * u2);
      return radius * Math.cos(2 * Math.PI * u2);
    },
    int: (n: number) => {
      if (!Number.isInteger(n) || n <= 0) {
        throw new Error(`SeededRng.int: n must be a positive integer, got ${String(n)}`);
      }
      return Math.floor((nextUint32() / 0x100000000) * n);
    },
    fork: (label: string) => createSeededRng(splitMix32((folded ^ hashLabel(label)) >>> 0)),
  };
  return rng;
}
