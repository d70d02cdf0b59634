import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  blockIdentityInit,
  createRng,
  disposeSparse,
  identityInit,
  orthogonalPalette,
  quasiRandomPalette,
  randomSparseTemporalWeights,
  tf,
} from "@tam/tensor-backend";

import { maxAbsDiff, useBackend } from "./helpers/backends.js";

describe("initialisers", () => {
  it("identityInit: square and non-square, with gain", async () => {
    await useBackend("cpu");
    const cases: [number, number, number[][]][] = [
      [2, 2, [[1, 0], [0, 1]]],
      [2, 3, [[1, 0, 0], [0, 1, 0]]],
      [3, 2, [[1, 0], [0, 1], [0, 0]]],
    ];
    for (const [r, c, want] of cases) {
      const t = identityInit(r, c);
      expect(t.arraySync()).toEqual(want);
      t.dispose();
    }
    const g = identityInit(2, 2, { gain: 0.5 });
    expect(g.arraySync()).toEqual([[0.5, 0], [0, 0.5]]);
    g.dispose();
    expect(() => identityInit(0, 2)).toThrow(/Error in identityInit: rows must be a positive integer, got 0/);
  });

  it("identityInit preserves the function: x · I(n, m) keeps the first min(n, m) features", async () => {
    await useBackend("wasm");
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3]]), identityInit(3, 5)).arraySync());
    expect(y).toEqual([[1, 2, 3, 0, 0]]);
  });

  it("blockIdentityInit puts one identity block per channel on the diagonal", async () => {
    await useBackend("cpu");
    const t = blockIdentityInit(2, 2, 3);
    expect(t.arraySync()).toEqual([
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 1, 0],
    ]);
    t.dispose();
  });

  it("randomSparseTemporalWeights: k distinct sorted slots, values in [low, high), deterministic per seed", async () => {
    await useBackend("cpu");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, h, frac) => {
        const k = Math.floor(frac * h);
        const w = randomSparseTemporalWeights(createRng(seed), { historyLength: h, activeCount: k, low: -0.5, high: 0.25 });
        const again = randomSparseTemporalWeights(createRng(seed), { historyLength: h, activeCount: k, low: -0.5, high: 0.25 });
        const idx = w.indices.arraySync();
        expect(w.shape).toEqual([1, h]);
        expect(idx).toHaveLength(k);
        idx.forEach(([r, c], i) => {
          expect(r).toBe(0);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThan(h);
          if (i > 0) expect(c).toBeGreaterThan((idx[i - 1] as number[])[1] as number);
        });
        for (const v of w.values.dataSync()) expect(v >= -0.5 && v < 0.25).toBe(true);
        expect(again.indices.arraySync()).toEqual(idx);
        expect(again.values.dataSync()).toEqual(w.values.dataSync());
        disposeSparse(w);
        disposeSparse(again);
      }),
      { numRuns: 50 },
    );
    const d = randomSparseTemporalWeights(createRng(0), { historyLength: 6 });
    expect(d.indices.shape).toEqual([2, 2]);
    for (const v of d.values.dataSync()) expect(v >= 0 && v < 0.1).toBe(true);
    disposeSparse(d);
    expect(() => randomSparseTemporalWeights(createRng(0), { historyLength: 3, activeCount: 4 })).toThrow(/activeCount must be an integer in \[0, historyLength=3\], got 4/);
  });

  it("orthogonalPalette has orthonormal columns (tall) or rows (wide), same on every backend", async () => {
    for (const [r, c] of [[5, 5], [7, 3], [3, 7]] as const) {
      await useBackend("cpu");
      const w = orthogonalPalette(createRng(r * 10 + c), r, c, { gain: 2 });
      const gram = tf.tidy(() => (r >= c ? tf.matMul(w, w, true, false) : tf.matMul(w, w, false, true)).dataSync());
      const k = Math.min(r, c);
      const eye4 = Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) === i % k ? 4 : 0));
      expect(maxAbsDiff(gram, eye4)).toBeLessThan(1e-5);
      await useBackend("wasm");
      const w2 = orthogonalPalette(createRng(r * 10 + c), r, c, { gain: 2 });
      expect(w2.dataSync()).toEqual(w.dataSync());
      tf.dispose([w, w2]);
    }
  });

  it("quasiRandomPalette is deterministic, in range, and evenly spread", async () => {
    await useBackend("cpu");
    const a = quasiRandomPalette(8, 16, { low: -0.1, high: 0.1 });
    const b = quasiRandomPalette(8, 16, { low: -0.1, high: 0.1 });
    const data = a.dataSync();
    expect(b.dataSync()).toEqual(data);
    const bins = new Array<number>(8).fill(0);
    for (const v of data) {
      expect(v >= -0.1 && v < 0.1).toBe(true);
      const bin = Math.min(7, Math.floor(((v + 0.1) / 0.2) * 8));
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    for (const count of bins) expect(Math.abs(count - 16)).toBeLessThanOrEqual(2);
    tf.dispose([a, b]);
  });
});
