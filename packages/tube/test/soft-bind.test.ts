// Soft and hard bind: the seed's formula (000 L93–117, L243–251), γ → ∞ limit, ranges, gradients.
import { tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hardBind, hardInside, softBind } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Host reference of the seed's compute_soft_fail for one episode [T][D]. */
function reference(mu: number[][], sigma: number[][], traj: number[][], k: number, gamma: number): number {
  const steps = mu.map((row, t) => row.reduce((p, m, d) => p * sigmoid(gamma * (k * (sigma[t]?.[d] ?? 0) - Math.abs((traj[t]?.[d] ?? 0) - m))), 1));
  return steps.reduce((a, b) => a + b, 0) / steps.length;
}

const episode = (T: number, D: number) =>
  fc.record({
    mu: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
    sigma: fc.array(fc.array(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
    traj: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
  });

describe.each(BACKENDS)("soft bind on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("matches the seed's formula: product over D, mean over T (k = 2, γ = 25 by default)", () => {
    fc.assert(
      fc.property(episode(3, 2), ({ mu, sigma, traj }) => {
        const got = tf.tidy(() => softBind(tf.tensor3d([mu]), tf.tensor3d([sigma]), tf.tensor3d([traj])).bindSoft.dataSync()[0] ?? Number.NaN);
        expect(got).toBeCloseTo(reference(mu, sigma, traj, 2, 25), 4);
      }),
      { numRuns: 30 },
    );
  });

  it("is in [0, 1], and fail = 1 − bind", () => {
    fc.assert(
      fc.property(episode(4, 3), ({ mu, sigma, traj }) => {
        const [bind, fail] = tf.tidy(() => {
          const r = softBind(tf.tensor3d([mu]), tf.tensor3d([sigma]), tf.tensor3d([traj]), { gamma: 10 });
          return [r.bindSoft.dataSync()[0] ?? -1, r.failSoft.dataSync()[0] ?? -1];
        });
        expect(bind).toBeGreaterThanOrEqual(0);
        expect(bind).toBeLessThanOrEqual(1);
        expect(bind + fail).toBeCloseTo(1, 6);
      }),
      { numRuns: 30 },
    );
  });

  it("tends to the hard bind as γ → ∞ (margins away from 0)", () => {
    fc.assert(
      fc.property(episode(5, 2), ({ mu, sigma, traj }) => {
        const farFromEdge = mu.every((row, t) => row.every((m, d) => Math.abs(2 * (sigma[t]?.[d] ?? 0) - Math.abs((traj[t]?.[d] ?? 0) - m)) > 0.01));
        fc.pre(farFromEdge);
        const [soft, hard] = tf.tidy(() => {
          const [m, s, x] = [tf.tensor3d([mu]), tf.tensor3d([sigma]), tf.tensor3d([traj])];
          return [softBind(m, s, x, { gamma: 5000 }).bindSoft.dataSync()[0] ?? -1, hardBind(m, s, x).dataSync()[0] ?? -1];
        });
        expect(soft).toBeCloseTo(hard, 3);
      }),
      { numRuns: 40 },
    );
  });

  it("positive margin = inside: a tube with σ = 0.1 around an exact trajectory binds at sigmoid(25·0.2)^D", () => {
    const bind = tf.tidy(() => softBind(tf.zeros([1, 3, 2]), tf.fill([1, 3, 2], 0.1), tf.zeros([1, 3, 2])).bindSoft.dataSync()[0]);
    expect(bind).toBeCloseTo(sigmoid(5) ** 2, 5);
  });

  it("has gradients in μ and σ that match finite differences", () => {
    const mu0 = [0.1, -0.05, 0.02, 0.0];
    const sigma0 = [0.05, 0.08, 0.04, 0.06];
    const traj = tf.tensor3d([[[0.12, -0.1], [0.0, 0.05]]]);
    const f = (mu: number[], sigma: number[]): number =>
      tf.tidy(() => softBind(tf.tensor3d(mu, [1, 2, 2]), tf.tensor3d(sigma, [1, 2, 2]), traj).failSoft.dataSync()[0] ?? Number.NaN);
    const [gMu, gSigma] = tf.tidy(() =>
      tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(softBind(m, s, traj).failSoft))([tf.tensor3d(mu0, [1, 2, 2]), tf.tensor3d(sigma0, [1, 2, 2])]).map((g) => Array.from(g.dataSync())),
    ) as [number[], number[]];
    const eps = 1e-3;
    for (let i = 0; i < 4; i++) {
      const bump = (v: number[], by: number): number[] => v.map((x, j) => (j === i ? x + by : x));
      const fdMu = (f(bump(mu0, eps), sigma0) - f(bump(mu0, -eps), sigma0)) / (2 * eps);
      const fdSigma = (f(mu0, bump(sigma0, eps)) - f(mu0, bump(sigma0, -eps))) / (2 * eps);
      expect(gMu[i]).toBeCloseTo(fdMu, 1);
      expect(gSigma[i]).toBeCloseTo(fdSigma, 1);
      expect(Math.abs((gSigma[i] ?? 0) - fdSigma)).toBeLessThan(0.02 * Math.max(1, Math.abs(fdSigma)));
    }
    traj.dispose();
  });

  it("hard bind is strict (|e| = k·σ is outside) and needs every dimension inside", () => {
    const inside = tf.tidy(() =>
      Array.from(hardInside(tf.zeros([1, 3, 2]), tf.fill([1, 3, 2], 0.5), tf.tensor3d([[[1, 0], [0.99, 0.99], [0, 1.5]]])).dataSync()),
    );
    expect(inside).toEqual([0, 1, 0]);
  });

  it("rejects mismatched shapes and bad k / γ by name", () => {
    tf.tidy(() => {
      expect(() => softBind(tf.zeros([1, 3, 2]), tf.zeros([1, 3, 1]), tf.zeros([1, 3, 2]))).toThrow(/softBind: sigma has shape \[1,3,1\]/);
      expect(() => softBind(tf.zeros([1, 3, 2]), tf.zeros([1, 3, 2]), tf.zeros([1, 3, 2]), { k: 0 })).toThrow(/softBind: k must be finite and > 0, got 0/);
      expect(() => softBind(tf.zeros([1, 3, 2]), tf.zeros([1, 3, 2]), tf.zeros([1, 3, 2]), { gamma: Number.NaN })).toThrow(/gamma/);
      expect(() => hardBind(tf.zeros([3]), tf.zeros([3]), tf.zeros([3]))).toThrow(/rank >= 2/);
    });
  });

  it("leaks no tensors", () => {
    const [m, s, x] = [tf.zeros([2, 3, 2]), tf.ones([2, 3, 2]), tf.zeros([2, 3, 2])];
    const before = tf.memory().numTensors;
    const r = softBind(m, s, x);
    tf.dispose([r.bindSoft, r.failSoft]);
    tf.dispose(hardBind(m, s, x));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, s, x]);
  });
});
