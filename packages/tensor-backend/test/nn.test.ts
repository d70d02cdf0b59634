import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createRng, diagGaussianKl, diagGaussianSample, layerNorm, softThreshold, tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

import { finiteDifferenceGrad, maxAbsDiff, randomArray, runOn, TEST_BACKENDS, useBackend } from "./helpers/backends.js";

describe("softThreshold", () => {
  it("shrinks toward zero by lambda (prox-L1)", async () => {
    await useBackend("cpu");
    const y = tf.tidy(() => softThreshold(tf.tensor1d([-2, -0.5, 0, 0.5, 3]), 1).dataSync());
    expect(Array.from(y)).toEqual([-1, 0, 0, 0, 2]);
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.float({ min: 0, max: 10, noNaN: true }), (w, lambda) => {
        const out = tf.tidy(() => softThreshold(tf.tensor1d(w), lambda).dataSync());
        w.forEach((x, i) => {
          const want = Math.sign(x) * Math.max(Math.abs(x) - lambda, 0);
          expect(Math.abs((out[i] as number) - want)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x)));
        });
      }),
      { numRuns: 50 },
    );
    expect(() => softThreshold(tf.scalar(1), -1)).toThrow(/Error in softThreshold: lambda must be finite and >= 0, got -1/);
  });
});

describe("layerNorm", () => {
  for (const backend of TEST_BACKENDS) {
    it(`normalises the last axis, with and without affine, and its gradient matches finite differences (${backend})`, async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const rng = createRng(8);
      const xData = randomArray(rng, 4 * 6);
      const { mean, variance } = tf.tidy(() => {
        const m = tf.moments(layerNorm(tf.tensor2d(xData, [4, 6])), -1);
        return { mean: m.mean.dataSync(), variance: m.variance.dataSync() };
      });
      expect(maxAbsDiff(mean, new Float32Array(4))).toBeLessThan(1e-5);
      expect(maxAbsDiff(variance, new Float32Array(4).fill(1))).toBeLessThan(1e-3);
      const gain = Float32Array.from([1, 2, 3, 4, 5, 6]);
      const bias = Float32Array.from([0, 1, 0, 1, 0, 1]);
      const affine = tf.tidy(() => {
        const plain = layerNorm(tf.tensor2d(xData, [4, 6]));
        const got = layerNorm(tf.tensor2d(xData, [4, 6]), { gain: tf.tensor1d(gain), bias: tf.tensor1d(bias) });
        return maxAbsDiff(got.dataSync(), tf.add(tf.mul(plain, tf.tensor1d(gain)), tf.tensor1d(bias)).dataSync());
      });
      expect(affine).toBeLessThan(1e-6);
      const weights = tf.tensor2d(randomArray(rng, 24), [4, 6]);
      const f = (x: Tensor): Tensor => tf.sum(tf.mul(layerNorm(x), weights));
      const g = tf.tidy(() => tf.grad(f)(tf.tensor2d(xData, [4, 6])).dataSync());
      const fd = finiteDifferenceGrad(f, xData, [4, 6], 1e-2);
      expect(maxAbsDiff(g, fd)).toBeLessThan(3e-2);
      weights.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("rejects a gain that does not match the last axis, naming both shapes", async () => {
    await useBackend("cpu");
    const x = tf.zeros([2, 3]);
    const gain = tf.tensor1d([1, 1, 1, 1]);
    expect(() => layerNorm(x, { gain })).toThrow(/Error in layerNorm: gain must have shape \[3\] to match x's last axis \(x shape \[2,3\]\), got \[4\]/);
    tf.dispose([x, gain]);
  });
});

describe("diagonal Gaussian", () => {
  it("sample is mean + exp(logStd) * eps, deterministic per seed and backend, with reparameterised gradients", async () => {
    for (const backend of TEST_BACKENDS) {
      const run = (): Promise<Float32Array[]> =>
        runOn(backend, () => {
          const mean = tf.tensor2d([[1, -1, 0]]);
          const logStd = tf.tensor2d([[0, Math.log(2), -1]]);
          const z = diagGaussianSample(createRng(3), mean, logStd);
          const [gm, gs] = tf.grads((m: Tensor, s: Tensor) => tf.sum(diagGaussianSample(createRng(3), m, s)))([mean, logStd]) as [Tensor, Tensor];
          return [z, gm, gs];
        });
      const [z, gm, gs] = await run();
      const [z2] = await run();
      expect(z2).toEqual(z);
      expect(Array.from(gm as Float32Array)).toEqual([1, 1, 1]);
      // d z / d logStd = exp(logStd) * eps = z - mean.
      const eps = [(z as Float32Array)[0]! - 1, (z as Float32Array)[1]! + 1, (z as Float32Array)[2]!];
      expect(maxAbsDiff(gs as Float32Array, eps)).toBeLessThan(1e-5);
    }
  });

  it("KL matches the closed form, is zero at the prior, and is summed over the last axis", async () => {
    await useBackend("cpu");
    const mu = [0.5, -1, 2];
    const logStd = [0, Math.log(0.5), Math.log(3)];
    const pm = [0, 1, 1];
    const ps = [0, 0, Math.log(2)];
    const want = mu.reduce((acc, m, i) => {
      const s1 = Math.exp(logStd[i]!);
      const s2 = Math.exp(ps[i]!);
      return acc + Math.log(s2 / s1) + (s1 * s1 + (m - pm[i]!) ** 2) / (2 * s2 * s2) - 0.5;
    }, 0);
    const standard = mu.reduce((acc, m, i) => acc + 0.5 * (Math.exp(2 * logStd[i]!) + m * m - 1) - logStd[i]!, 0);
    const [kl, klStd, zero, shape] = tf.tidy(() => {
      const m = tf.tensor2d([mu]);
      const s = tf.tensor2d([logStd]);
      return [
        diagGaussianKl(m, s, { mean: tf.tensor2d([pm]), logStd: tf.tensor2d([ps]) }).dataSync()[0],
        diagGaussianKl(m, s).dataSync()[0],
        diagGaussianKl(tf.zeros([5, 4]), tf.zeros([5, 4])).dataSync(),
        diagGaussianKl(tf.zeros([5, 4]), tf.zeros([5, 4])).shape,
      ];
    });
    expect(kl).toBeCloseTo(want, 5);
    expect(klStd).toBeCloseTo(standard, 5);
    expect(Array.from(zero as Float32Array)).toEqual([0, 0, 0, 0, 0]);
    expect(shape).toEqual([5]);
    expect(() => diagGaussianKl(tf.zeros([2]), tf.zeros([3]))).toThrow(/mean and logStd must have the same shape, got \[2\] and \[3\]/);
  });
});
