import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createRng, randomNormal, randomUniform, tf } from "@tam/tensor-backend";

import { rngFromState } from "../src/rng/rng.js";
import { TEST_BACKENDS, useBackend } from "./helpers/backends.js";

const draw = (seed: number | string, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.nextUint32());
};

describe("createRng", () => {
  it("matches the xoshiro128** reference output for state (1, 2, 3, 4)", () => {
    // First outputs of the reference C implementation (prng.di.unimi.it/xoshiro128starstar.c).
    const rng = rngFromState([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it("same seed, same sequence; different seeds, different sequences", () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.string()), fc.oneof(fc.maxSafeInteger(), fc.string()), (a, b) => {
        expect(draw(a, 16)).toEqual(draw(a, 16));
        if (a !== b) expect(draw(a, 16)).not.toEqual(draw(b, 16));
      }),
    );
    expect(draw(1, 8)).not.toEqual(draw("1", 8));
  });

  it("rejects seeds that are not safe integers or strings", () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer or a string, got 1.5/);
    expect(() => createRng(Number.NaN)).toThrow(/got NaN/);
  });

  it("fork(label) depends on the seed and label only, and labels give distinct streams", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.string(), fc.string(), fc.nat(20), (seed, l1, l2, burn) => {
        const parent = createRng(seed);
        const before = parent.fork(l1);
        for (let i = 0; i < burn; i += 1) parent.nextUint32();
        const after = parent.fork(l1);
        const x = Array.from({ length: 8 }, () => before.nextUint32());
        expect(Array.from({ length: 8 }, () => after.nextUint32())).toEqual(x);
        if (l1 !== l2) {
          const other = createRng(seed).fork(l2);
          expect(Array.from({ length: 8 }, () => other.nextUint32())).not.toEqual(x);
        }
        expect(draw(seed, 8)).not.toEqual(x);
      }),
    );
    expect(createRng(5).fork("a").path).toBe("seed(5)/fork(a)");
  });

  it("choice(n, k) gives k distinct integers in [0, n)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, n, frac) => {
        const k = Math.floor(frac * n);
        const picks = createRng(seed).choice(n, k);
        expect(picks).toHaveLength(k);
        expect(new Set(picks).size).toBe(k);
        for (const p of picks) expect(Number.isInteger(p) && p >= 0 && p < n).toBe(true);
      }),
    );
    expect(createRng(0).choice(5, 5).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => createRng(0).choice(3, 4)).toThrow(/Rng.choice: need integers 0 <= k <= n/);
  });

  it("choice covers every k-subset position evenly (each index chosen with probability k/n)", () => {
    const rng = createRng(11);
    const counts = new Array<number>(10).fill(0);
    const trials = 20000;
    for (let t = 0; t < trials; t += 1) for (const p of rng.choice(10, 3)) counts[p] = (counts[p] ?? 0) + 1;
    for (const c of counts) expect(Math.abs(c / trials - 0.3)).toBeLessThan(0.02);
  });

  it("uniform, int, normal and bernoulli stay in range with the right moments", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (seed, low, width) => {
        const rng = createRng(seed);
        for (let i = 0; i < 50; i += 1) {
          const u = rng.uniform(low, low + width);
          expect(u >= low && u < low + width).toBe(true);
          const k = rng.int(low, low + width);
          expect(Number.isInteger(k) && k >= low && k < low + width).toBe(true);
        }
      }),
    );
    const rng = createRng(2024);
    const n = 40000;
    let sum = 0;
    let sumSq = 0;
    let hits = 0;
    for (let i = 0; i < n; i += 1) {
      const x = rng.normal(3, 2);
      sum += x;
      sumSq += x * x;
      if (rng.bernoulli(0.25)) hits += 1;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(2, 1);
    expect(hits / n).toBeCloseTo(0.25, 2);
    expect(() => rng.bernoulli(1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
    expect(() => rng.uniform(1, 1)).toThrow(/need finite low < high/);
  });

  it("shuffle returns a permutation; nextSeed is an int in [0, 2^31 - 1)", () => {
    const rng = createRng(9);
    const items = ["a", "b", "c", "d", "e", "f"];
    const shuffled = rng.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(["a", "b", "c", "d", "e", "f"]);
    for (let i = 0; i < 100; i += 1) {
      const s = rng.nextSeed();
      expect(Number.isInteger(s) && s >= 0 && s < 2147483647).toBe(true);
    }
  });

  for (const backend of TEST_BACKENDS) {
    it(`random tensors are bit-identical per seed on ${backend}, and differ across seeds`, async () => {
      await useBackend(backend);
      const sample = (seed: number): Float32Array =>
        tf.tidy(() => {
          const rng = createRng(seed);
          return tf.concat([tf.reshape(randomNormal(rng, [5, 7], { mean: 1, std: 2 }), [-1]), randomUniform(rng, [11], { low: -1, high: 1 })]).dataSync() as Float32Array;
        });
      const before = tf.memory().numTensors;
      expect(sample(42)).toEqual(sample(42));
      expect(sample(42)).not.toEqual(sample(43));
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
