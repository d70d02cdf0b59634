/**
 * Hashing of seeds and fork labels into generator state.
 *
 * MurmurHash3 (x86, 32-bit; Austin Appleby, public domain) over 32-bit words, run with four lane seeds
 * to give the 128 bits of xoshiro128** state. Used only to derive state, never to draw numbers.
 */

/** Lane seeds: the first four words of the fractional part of pi, so no lane shares a seed. */
const LANE_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

/** Rotate a 32-bit word left by `r` bits. */
export function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** MurmurHash3 x86_32 of a sequence of 32-bit words with the given seed. */
export function murmur3Words(words: readonly number[], seed: number): number {
  let h = seed >>> 0;
  for (const word of words) {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = rotl32(k, 15);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** Hash words into four 32-bit state words, never all zero (xoshiro's one forbidden state). */
export function hashToState(words: readonly number[]): [number, number, number, number] {
  const state: [number, number, number, number] = [
    murmur3Words(words, LANE_SEEDS[0]),
    murmur3Words(words, LANE_SEEDS[1]),
    murmur3Words(words, LANE_SEEDS[2]),
    murmur3Words(words, LANE_SEEDS[3]),
  ];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

/** The UTF-16 code units of a string, as words for {@link murmur3Words}. */
export function stringWords(text: string): number[] {
  const words: number[] = [];
  for (let i = 0; i < text.length; i += 1) words.push(text.charCodeAt(i));
  return words;
}
