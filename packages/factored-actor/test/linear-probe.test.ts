// Linear probes (001 §E L96, ADR 0607): exact recovery of a linear map, chance-level accuracy on labels
// independent of the input, argmax accuracy of separable classes, invariance to an invertible linear
// change of the input (a probe reads information, not axes), and named errors on bad shapes.
// Source: 001_4e7658869d462183.txt §E L94–96; SEED-INVENTORY.md §6.12.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { EquivalentWorld, FactoredActor, actorConfigFor, fitLinearProbe, latentProbes, probeScore } from "../src/index.js";
import { useBackend } from "./backends.js";

function gaussian(seed: number, count: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: count }, () => rng.normal());
}

/** One-hot labels `[n, k]` from an argmax rule on rows of x `[n, d]` (class c = the largest of x·w_c). */
function labelsOf(x: Float64Array, n: number, d: number, w: number[][]): Float64Array {
  const y = new Float64Array(n * w.length);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    w.forEach((wc, c) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] ?? 0) * (wc[j] ?? 0);
      if (s > bestScore) [best, bestScore] = [c, s];
    });
    y[i * w.length + best] = 1;
  }
  return y;
}

describe("linear probe", () => {
  it("recovers an affine map exactly (R² = 1) for any weights", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 1000 }), (w, seed) => {
        const n = 64;
        const x = gaussian(seed, n * 3);
        const y = new Float64Array(n * 2);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < 2; k++) y[i * 2 + k] = (w[4 * k] ?? 0) * (x[i * 3] ?? 0) + (w[4 * k + 1] ?? 0) * (x[i * 3 + 1] ?? 0) + (w[4 * k + 2] ?? 0) * (x[i * 3 + 2] ?? 0) + (w[4 * k + 3] ?? 0);
        }
        const probe = fitLinearProbe({ count: n, x, y }, 3, 2, 0);
        const predicted = probe.predict(x, n);
        for (let i = 0; i < y.length; i++) expect(predicted[i]).toBeCloseTo(y[i] ?? 0, 6);
      }),
      { numRuns: 30 },
    );
  });

  it("separates linearly separable classes and stays near chance on labels independent of the input", () => {
    const n = 2000;
    const d = 3;
    const w = [
      [1, 0, 0],
      [-1, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
    ];
    const xTrain = gaussian(1, n * d);
    const xTest = gaussian(2, n * d);
    const separable = probeScore({ count: n, x: xTrain, y: labelsOf(xTrain, n, d, w) }, { count: n, x: xTest, y: labelsOf(xTest, n, d, w) }, d, 4);
    // Argmax of 4 linear scores is not itself linear in one-hot least squares, but it is well above chance.
    expect(separable.accuracy).toBeGreaterThan(0.7);
    const noise = (seed: number) => labelsOf(gaussian(seed, n * d), n, d, w);
    const independent = probeScore({ count: n, x: xTrain, y: noise(3) }, { count: n, x: xTest, y: noise(4) }, d, 4);
    expect(independent.accuracy).toBeLessThan(0.32);
    expect(independent.accuracy).toBeGreaterThan(0.18);
    expect(independent.r2).toBeLessThan(0.01);
  });

  it("reads information, not axes: an invertible linear change of the input leaves the score unchanged", () => {
    const n = 500;
    const d = 3;
    const x = gaussian(5, n * d);
    const xt = gaussian(6, n * d);
    const target = (rows: Float64Array) => Float64Array.from({ length: n }, (_, i) => Math.tanh(2 * (rows[i * d] ?? 0)) + 0.3 * (rows[i * d + 2] ?? 0));
    const mix = (rows: Float64Array) => {
      const out = new Float64Array(rows.length);
      for (let i = 0; i < n; i++) {
        const [a, b, c] = [rows[i * d] ?? 0, rows[i * d + 1] ?? 0, rows[i * d + 2] ?? 0];
        out[i * d] = 2 * a + b;
        out[i * d + 1] = a - 3 * c + 5;
        out[i * d + 2] = 0.5 * b + c;
      }
      return out;
    };
    const plain = probeScore({ count: n, x, y: target(x) }, { count: n, x: xt, y: target(xt) }, d, 1, 0);
    const mixed = probeScore({ count: n, x: mix(x), y: target(x) }, { count: n, x: mix(xt), y: target(xt) }, d, 1, 0);
    expect(plain.r2).toBeGreaterThan(0.5);
    expect(mixed.r2).toBeCloseTo(plain.r2, 6);
  });

  it("names the field and the value on bad input", () => {
    expect(() => fitLinearProbe({ count: 2, x: [1, 2, 3], y: [0, 1] }, 2, 1)).toThrow(/x must have count·inputDim = 4 values, got 3/);
    expect(() => fitLinearProbe({ count: 2, x: [1, 2], y: [0] }, 1, 1)).toThrow(/y must have count·targetDim = 2 values, got 1/);
    expect(() => fitLinearProbe({ count: 2, x: [1, 2], y: [0, 1] }, 1, 1, -1)).toThrow(/ridge must be finite and >= 0, got -1/);
    expect(() => probeScore({ count: 2, x: [1, 2], y: [0, 1] }, { count: 0, x: [], y: [] }, 1, 1)).toThrow(/count must be an integer >= 1, got 0/);
  });
});

describe("latentProbes", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("scores the rule and the current from each part of z, deterministically and without tensors", () => {
    const world = new EquivalentWorld("mirrored");
    const actor = new FactoredActor(actorConfigFor(world), createRng(1));
    const train = EquivalentWorld.sampleSpecs(createRng(2), 128);
    const test = EquivalentWorld.sampleSpecs(createRng(3), 128);
    const before = tf.memory().numTensors;
    const scores = latentProbes(actor, 0, world, train, test);
    expect(tf.memory().numTensors).toBe(before);
    expect(latentProbes(actor, 0, world, train, test)).toEqual(scores);
    for (const accuracy of [scores.ruleFromIntent, scores.ruleFromReal]) {
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    expect(scores.currentFromIntent).toBeLessThanOrEqual(1);
    actor.dispose();
    // An unfactored latent has no z_real to probe.
    const unfactored = new FactoredActor(actorConfigFor(world, { useFactoredZ: false }), createRng(4));
    const single = latentProbes(unfactored, 0, world, train, test);
    expect(single.ruleFromReal).toBeNaN();
    expect(single.currentFromReal).toBeNaN();
    unfactored.dispose();
  });
});
