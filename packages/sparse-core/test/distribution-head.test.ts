// The Distribution Head (seed 002 L1185-1227, L1296-1302, L1356; SEED-INVENTORY §3.11, C-2): the mixture and
// categorical NLL equal a direct computation, NLL gradients match finite differences, the Cold head is the
// point head, memoryless sampling is i.i.d. and deterministic per seed, and no tensor leaks.
import { createRng, tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { DistributionHead, categoricalNll, gaussianMixtureNll, normalCdf, type DistributionBatch } from "../src/index.js";
import { TEST_BACKENDS, maxAbsDiff, useBackend } from "./helpers/backends.js";

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** A small continuous batch with d = 2. */
function continuousBatch(seed: number, size = 16): DistributionBatch {
  const rng = createRng(seed);
  const state = Float32Array.from({ length: size * 2 }, () => rng.normal());
  const point = Float32Array.from({ length: size }, () => rng.normal());
  const target = Float32Array.from({ length: size }, () => rng.normal(0, 2));
  return { state: tf.tensor2d(state, [size, 2]), point: tf.tensor2d(point, [size, 1]), target: tf.tensor2d(target, [size, 1]) };
}

function categoricalBatch(seed: number, size = 16, k = 3): DistributionBatch {
  const rng = createRng(seed);
  const state = Float32Array.from({ length: size * 2 }, () => rng.normal());
  const onehot = (label: number): number[] => Array.from({ length: k }, (_, c) => (c === label ? 1 : 0));
  const point = Float32Array.from(Array.from({ length: size }, () => onehot(rng.int(0, k))).flat());
  const target = Float32Array.from(Array.from({ length: size }, () => onehot(rng.int(0, k))).flat());
  return { state: tf.tensor2d(state, [size, 2]), point: tf.tensor2d(point, [size, k]), target: tf.tensor2d(target, [size, k]) };
}

function dispose(b: DistributionBatch): void {
  tf.dispose([b.state, b.point, b.target]);
}

/** A component / bucket's parameters with every entry set from the rng (small, so the maths stays tame). */
function randomParams(head: DistributionHead, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: head.cellParams }, () => rng.normal(0, 0.5));
}

describe.each(TEST_BACKENDS)("Distribution Head maths (%s)", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("gaussianMixtureNll equals −log Σ π N(y; μ, σ²) computed directly (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), (m, b, seed) => {
        const rng = createRng(seed);
        const draw = (n: number, std: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal(0, std));
        const [logits, means, logSigmas, y] = [draw(b * m, 2), draw(b * m, 2), draw(b * m, 0.5), draw(b, 2)];
        const got = tf.tidy(() => gaussianMixtureNll(tf.tensor2d(logits, [b, m]), tf.tensor2d(means, [b, m]), tf.tensor2d(logSigmas, [b, m]), tf.tensor2d(y, [b, 1])).dataSync());
        for (let i = 0; i < b; i += 1) {
          const row = (a: Float32Array, k: number): number => a[i * m + k] as number;
          const z = Array.from({ length: m }, (_, k) => Math.exp(row(logits, k)));
          const total = z.reduce((s, v) => s + v, 0);
          let density = 0;
          for (let k = 0; k < m; k += 1) {
            const sigma = Math.exp(row(logSigmas, k));
            density += ((z[k] as number) / total) * Math.exp(-0.5 * LOG_TWO_PI - Math.log(sigma) - 0.5 * (((y[i] as number) - row(means, k)) / sigma) ** 2);
          }
          expect(Math.abs((got[i] as number) + Math.log(density))).toBeLessThan(1e-4 * Math.max(1, Math.abs(Math.log(density))));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("categoricalNll equals −log softmax(ℓ)_y computed directly", () => {
    const logits = [0.5, -1, 2, 0, 0.3, -0.2];
    const got = tf.tidy(() => categoricalNll(tf.tensor2d(logits, [2, 3]), tf.tensor2d([0, 0, 1, 1, 0, 0], [2, 3])).dataSync());
    const direct = (row: number[], label: number): number => -Math.log(Math.exp(row[label] as number) / row.reduce((s, v) => s + Math.exp(v), 0));
    expect(maxAbsDiff(got, [direct(logits.slice(0, 3), 2), direct(logits.slice(3), 0)])).toBeLessThan(1e-5);
  });

  it("the Cold continuous head is N(point, σ0²), and pointPrediction returns the point itself", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 3, initialSigma: 0.7 });
    const b = continuousBatch(1);
    const point = b.point.dataSync();
    const y = b.target.dataSync();
    const direct = Array.from(y, (t, i) => 0.5 * LOG_TWO_PI + Math.log(0.7) + 0.5 * ((t - (point[i] as number)) / 0.7) ** 2);
    const got = head.perSampleNll(b);
    expect(maxAbsDiff(got.dataSync(), direct)).toBeLessThan(1e-4);
    got.dispose();
    expect(head.pointPrediction(b)).toBe(b.point);
    expect(head.callCounts.fastPath).toBe(1);
    head.dispose();
    dispose(b);
  });

  it("the Cold discrete head is q·onehot(point) + (1 − q)/K; a committed bucket at zero changes nothing", () => {
    const head = new DistributionHead({ id: "dh", kind: "categorical", stateDim: 2, cells: 3, initialConfidence: 0.8 });
    const b = categoricalBatch(2);
    const p = b.point.dataSync();
    const t = b.target.dataSync();
    const direct = Array.from({ length: 16 }, (_, i) => -Math.log(0.8 * (p.slice(i * 3, i * 3 + 3).findIndex((v) => v === 1) === t.slice(i * 3, i * 3 + 3).findIndex((v) => v === 1) ? 1 : 0) + 0.2 / 3));
    const cold = head.perSampleNll(b);
    expect(maxAbsDiff(cold.dataSync(), direct)).toBeLessThan(1e-4);
    const zeros = new Float32Array(head.cellParams);
    zeros[1] = Math.log(0.5);
    head.commitCell(1, Float32Array.of(0.3, -0.2), zeros);
    const hot = head.perSampleNll(b);
    expect(maxAbsDiff(hot.dataSync(), cold.dataSync())).toBeLessThan(1e-6);
    tf.dispose([cold, hot]);
    head.dispose();
    dispose(b);
  });

  it.each(["gaussian-mixture", "categorical"] as const)("%s: NLL gradients w.r.t. a candidate's parameters match central finite differences", (kind) => {
    const head = new DistributionHead({ id: "dh", kind, stateDim: 2, cells: 3 });
    const b = kind === "categorical" ? categoricalBatch(3) : continuousBatch(3);
    head.commitCell(0, Float32Array.of(0.2, 0.1), randomParams(head, 10));
    const anchor = Float32Array.of(-0.3, 0.4);
    const base = randomParams(head, 11);
    base[1] = 0.3;
    const lossAt = (p: Float32Array): number => tf.tidy(() => head.nll(b, { candidate: { key: 2, anchor, params: tf.tensor1d(p) } }).dataSync()[0] as number);
    const grad = tf.tidy(() => tf.grad((p) => head.nll(b, { candidate: { key: 2, anchor, params: p as Tensor1D } }))(tf.tensor1d(base)).dataSync());
    const h = 1e-2;
    for (let j = 0; j < base.length; j += 1) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[j] = (plus[j] as number) + h;
      minus[j] = (minus[j] as number) - h;
      const fd = (lossAt(plus) - lossAt(minus)) / (2 * h);
      expect(Math.abs((grad[j] as number) - fd)).toBeLessThan(3e-3 + 2e-2 * Math.abs(fd));
    }
    head.dispose();
    dispose(b);
  });

  it("the mixture mean is Σ π μ, and far from every anchor the grown head is the point head", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 1, cells: 2 });
    const params = new Float32Array(head.cellParams);
    params[0] = 2; // c
    params[1] = Math.log(0.3); // r
    params[3] = 1.5; // m
    head.commitCell(0, Float32Array.of(1), params);
    const inputs = { state: tf.tensor2d([[1], [-3]]), point: tf.tensor2d([[0.25], [0.5]]) };
    const mean = head.pointPrediction(inputs);
    const pi = Math.exp(2) / (1 + Math.exp(2));
    expect(maxAbsDiff(mean.dataSync(), [0.25 + pi * 1.5, 0.5])).toBeLessThan(1e-5);
    tf.dispose([mean, inputs.state, inputs.point]);
    head.dispose();
  });

  it("memoryless sampling: i.i.d. draws follow the probabilities, the same seed gives the same draws", () => {
    const head = new DistributionHead({ id: "dh", kind: "categorical", stateDim: 1, cells: 3, initialConfidence: 0.4 });
    const n = 3000;
    const inputs = { state: tf.zeros<tf.Rank.R2>([n, 1]), point: tf.tidy(() => tf.oneHot(tf.fill([n], 1, "int32"), 3).toFloat() as Tensor2D) };
    const a = head.sample(inputs, createRng(7));
    const b = head.sample(inputs, createRng(7));
    expect(Array.from(b)).toEqual(Array.from(a));
    const share = (label: number): number => Array.from(a).filter((v) => v === label).length / n;
    const expected = [0.2, 0.6, 0.2];
    expected.forEach((p, label) => expect(Math.abs(share(label) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n)));
    tf.dispose([inputs.state, inputs.point]);
    head.dispose();
  });

  it("continuous draws have the mixture's mean and spread; PIT of y = point is ½ for a Cold head", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 1, cells: 2, initialSigma: 0.5 });
    const n = 4000;
    const inputs = { state: tf.zeros<tf.Rank.R2>([n, 1]), point: tf.fill<tf.Rank.R2>([n, 1], 2) };
    const draws = Array.from(head.sample(inputs, createRng(3)));
    const mean = draws.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 2)).toBeLessThan(4 * (0.5 / Math.sqrt(n)));
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
    const pit = head.pit({ ...inputs, target: inputs.point });
    expect(maxAbsDiff(pit, new Float32Array(n).fill(0.5))).toBeLessThan(1e-6);
    tf.dispose([inputs.state, inputs.point]);
    head.dispose();
  });

  it("training, prediction, sampling, PIT and structural edits leak no tensor", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 3 });
    const b = continuousBatch(4);
    head.commitCell(1, Float32Array.of(0, 0), randomParams(head, 5));
    head.trainStep(b).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1) head.trainStep(b).dispose();
    head.nll(b).dispose();
    head.pointPrediction(b).dispose();
    head.sample(b, createRng(1));
    head.pit(b);
    head.commitCell(0, Float32Array.of(1, 1), randomParams(head, 6));
    head.removeCell(0);
    head.trainStep(b).dispose();
    expect(tf.memory().numTensors).toBe(before);
    head.dispose();
    dispose(b);
  });

  it("structural edits keep surviving cells and their Adam moments; Hot cells count as tokens", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 3, budget: { structCap: 2 } });
    const b = continuousBatch(6);
    const p1 = randomParams(head, 8);
    head.commitCell(1, Float32Array.of(0.5, 0.5), p1);
    head.trainStep(b).dispose();
    const trained = head.hotParams();
    head.commitCell(0, Float32Array.of(-1, 0), randomParams(head, 9));
    expect(Array.from(head.hotKeys())).toEqual([0, 1]);
    expect(Array.from(head.hotParams().subarray(head.cellParams))).toEqual(Array.from(trained));
    expect(head.counters(1e-4)).toMatchObject({ cStruct: 2, computeCells: 2 });
    expect(head.heatCounts()).toEqual({ hot: 2, warm: 0, cold: 1 });
    expect(Array.from(head.anchorOf(1))).toEqual([0.5, 0.5]);
    head.removeCell(0);
    expect(Array.from(head.hotParams())).toEqual(Array.from(trained));
    head.dispose();
    dispose(b);
  });

  it("bad input gets an error naming the field", () => {
    expect(() => new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 0, cells: 2 })).toThrow(/stateDim/);
    expect(() => new DistributionHead({ id: "dh", kind: "categorical", stateDim: 1, cells: 1 })).toThrow(/cells/);
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 2 });
    const bad = { state: tf.zeros<tf.Rank.R2>([4, 3]), point: tf.zeros<tf.Rank.R2>([4, 1]), target: tf.zeros<tf.Rank.R2>([4, 1]) };
    expect(() => head.nll(bad)).toThrow(/state must be \[B, 2\]/);
    expect(() => head.commitCell(5, Float32Array.of(0, 0), new Float32Array(head.cellParams))).toThrow(/key 5/);
    expect(() => head.removeCell(0)).toThrow(/not Hot/);
    tf.dispose([bad.state, bad.point, bad.target]);
    head.dispose();
  });
});

describe("normalCdf", () => {
  it("matches tabulated values of Φ", () => {
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(1e-7);
    expect(Math.abs(normalCdf(1) - 0.8413447461)).toBeLessThan(2e-7);
    expect(Math.abs(normalCdf(1.959963985) - 0.975)).toBeLessThan(2e-7);
    expect(Math.abs(normalCdf(-2.326347874) - 0.01)).toBeLessThan(2e-7);
  });
});
