import { describe, expect, it } from "vitest";

import { AdamWithMoments, createRng, denseSparseMatMul, disposeSparse, randomNormal, randomSparseTemporalWeights, sparseWithValues, tf } from "@tam/tensor-backend";
import type { Scalar, Tensor2D } from "@tam/tensor-backend";

import { maxAbsDiff, TEST_BACKENDS, variableOf, useBackend } from "./helpers/backends.js";

/** Adam in float64 JavaScript, straight from Kingma and Ba's Algorithm 1. */
function adamByHand(w0: number[], grads: (w: number[]) => number[], steps: number, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  let w = w0.slice();
  const m = new Array<number>(w.length).fill(0);
  const v = new Array<number>(w.length).fill(0);
  for (let t = 1; t <= steps; t += 1) {
    const g = grads(w);
    w = w.map((wi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      return wi - (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    });
  }
  return { w, m, v };
}

describe("AdamWithMoments", () => {
  for (const backend of TEST_BACKENDS) {
    it(`matches hand-computed Adam steps and exposes m and v (${backend})`, async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const w = variableOf(tf.tensor1d([0.5, -1, 2]));
      const frozen = variableOf(tf.tensor1d([7]));
      const adam = new AdamWithMoments({ w }, { learningRate: 0.05 });
      const target = [1, 2, -3];
      // loss = sum((w - target)^2 * frozen / 7): the frozen variable takes part but is not trained.
      const loss = (): Scalar => tf.sum(tf.mul(tf.square(tf.sub(w, tf.tensor1d(target))), tf.div(frozen, 7)));
      for (let i = 0; i < 5; i += 1) adam.minimize(loss).dispose();
      const want = adamByHand([0.5, -1, 2], (x) => x.map((xi, i) => 2 * (xi - target[i]!)), 5, 0.05);
      expect(maxAbsDiff(w.dataSync(), want.w)).toBeLessThan(1e-5);
      expect(maxAbsDiff(adam.firstMoment("w").dataSync(), want.m)).toBeLessThan(1e-5);
      expect(maxAbsDiff(adam.secondMoment(w).dataSync(), want.v)).toBeLessThan(1e-5);
      expect(Array.from(frozen.dataSync())).toEqual([7]);
      expect(adam.stepCount).toBe(5);
      adam.dispose();
      tf.dispose([w, frozen]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("the first step moves each weight by about the learning rate (bias correction)", async () => {
    await useBackend("wasm");
    const w = variableOf(tf.tensor1d([0, 0]));
    const adam = new AdamWithMoments({ w }, { learningRate: 0.01 });
    adam.applyGradients({ w: tf.tensor1d([3, -0.001]) });
    expect(maxAbsDiff(w.dataSync(), [-0.01, 0.01])).toBeLessThan(1e-4);
    adam.dispose();
    w.dispose();
  });

  it("the training loop leaks no tensors, and the prox-L1 post-step zeroes small weights", async () => {
    await useBackend("wasm");
    const a = variableOf(tf.tensor1d([0.001, 1]));
    const b = variableOf(tf.tensor1d([0.001]));
    const adam = new AdamWithMoments({ a, b }, { learningRate: 0.001, proxL1: { lambda: 5, params: ["a"] } });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i += 1) adam.minimize(() => tf.add(tf.sum(a), tf.sum(b))).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const [a0, a1] = Array.from(a.dataSync());
    expect(a0).toBe(0);
    expect(a1).toBeGreaterThan(0.9);
    expect(b.dataSync()[0]).toBeLessThan(0);
    adam.dispose();
    tf.dispose([a, b]);
  });

  it("rejects bad options and gradients, naming them", async () => {
    await useBackend("cpu");
    const w = variableOf(tf.zeros([2]));
    expect(() => new AdamWithMoments({ w }, { learningRate: -1 })).toThrow(/Error in AdamWithMoments: option learningRate = -1: /);
    expect(() => new AdamWithMoments({ w }, { beta2: 1 })).toThrow(/option beta2 = 1: /);
    expect(() => new AdamWithMoments({ w }, { proxL1: { lambda: 1, params: ["nope"] } })).toThrow(/proxL1.params names "nope"/);
    expect(() => new AdamWithMoments({})).toThrow(/params is empty/);
    const adam = new AdamWithMoments({ w });
    const g = tf.zeros([3]);
    expect(() => adam.applyGradients({ w: g })).toThrow(/gradient of "w" has shape \[3\], the param \[2\]/);
    expect(() => adam.applyGradients({ u: g })).toThrow(/"u" is not a param/);
    expect(() => adam.secondMoment("u")).toThrow(/AdamWithMoments.secondMoment: "u" is not a param/);
    expect(() => adam.minimize(() => tf.mul(w, 2))).toThrow(/minimize: loss must return a scalar, got shape \[2\]/);
    expect(adam.stepCount).toBe(0);
    adam.dispose();
    tf.dispose([w, g]);
  });

  for (const backend of TEST_BACKENDS) {
    it(`a seeded sparse training run is bit-identical when repeated (${backend})`, async () => {
      await useBackend(backend);
      const train = (seed: number): Float32Array => {
        const rng = createRng(seed);
        const w = randomSparseTemporalWeights(rng.fork("w"), { historyLength: 12, activeCount: 5, low: -1, high: 1 });
        const values = variableOf(tf.clone(w.values));
        const x = randomNormal(rng.fork("x"), [16, 1]) as Tensor2D;
        const y = randomNormal(rng.fork("y"), [16, 12]);
        const adam = new AdamWithMoments({ values }, { learningRate: 0.05 });
        for (let i = 0; i < 8; i += 1) {
          adam.minimize(() => tf.mean(tf.square(tf.sub(denseSparseMatMul(x, sparseWithValues(w, values)), y)))).dispose();
        }
        const out = Float32Array.from([...values.dataSync(), ...adam.secondMoment("values").dataSync()]);
        adam.dispose();
        disposeSparse(w);
        tf.dispose([values, x, y]);
        return out;
      };
      const before = tf.memory().numTensors;
      const a = train(123);
      expect(train(123)).toEqual(a);
      expect(train(124)).not.toEqual(a);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
