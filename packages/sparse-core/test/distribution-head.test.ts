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

  it("grown mixture weights, means and σs equal the gate formula computed directly (property; ADR 0324)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const rng = createRng(seed);
        const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 3 });
        const cells = [0, 2].map((key) => ({ key, anchor: Float32Array.of(rng.normal(), rng.normal()), params: randomParams(head, seed + key) }));
        for (const c of cells) head.commitCell(c.key, c.anchor, c.params);
        const b = continuousBatch(seed + 1, 6);
        const dist = head.hostDistribution(b);
        if (dist.kind !== "gaussian-mixture") throw new Error("expected a mixture");
        const h = b.state.dataSync();
        const point = b.point.dataSync();
        for (let i = 0; i < 6; i += 1) {
          const terms = cells.map(({ anchor, params: p }) => {
            const diff = [0, 1].map((j) => (h[i * 2 + j] as number) - (anchor[j] as number));
            const squared = diff.reduce((s2, v) => s2 + v * v, 0);
            const dot = (at: number): number => diff.reduce((s2, v, j) => s2 + v * (p[at + j] as number), 0);
            const gate = (p[0] as number) + Math.exp(p[4] as number) * (dot(6) - squared / (2 * Math.exp(2 * (p[1] as number))));
            return { gate, takeover: Math.exp(p[5] as number) / (1 + Math.exp(-gate)), mean: (point[i] as number) + (p[3] as number) + dot(8), sigma: Math.exp(p[2] as number) };
          });
          const logits = [-terms.reduce((s2, t) => s2 + t.takeover, 0), ...terms.map((t) => t.gate)];
          const total = logits.reduce((s2, l) => s2 + Math.exp(l), 0);
          const row = (a: Float32Array): number[] => Array.from(a.subarray(i * 3, (i + 1) * 3));
          expect(maxAbsDiff(row(dist.weights), logits.map((l) => Math.exp(l) / total))).toBeLessThan(1e-5);
          expect(maxAbsDiff(row(dist.means), [point[i] as number, ...terms.map((t) => t.mean)])).toBeLessThan(1e-5);
          expect(maxAbsDiff(row(dist.sigmas).slice(1), terms.map((t) => t.sigma))).toBeLessThan(1e-5);
        }
        head.dispose();
        dispose(b);
      }),
      { numRuns: 20 },
    );
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
    // At the anchor ℓ = c = 2 and the base logit is −σ(2) (takeover e^0 = 1).
    const pi = Math.exp(2) / (Math.exp(-1 / (1 + Math.exp(-2))) + Math.exp(2));
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

  it("a lowered learningRate sets the size of the next Adam step, also after a structural edit", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 2, cells: 3 });
    const b = continuousBatch(7);
    head.learningRate = 1e-3;
    expect(head.learningRate).toBe(1e-3);
    const theta0 = head.baseParameter();
    head.trainStep(b).dispose();
    // Adam's first step moves each parameter by exactly the step size (m̂/√v̂ = ±1).
    expect(Math.abs(Math.abs(head.baseParameter() - theta0) - 1e-3)).toBeLessThan(1e-6);
    head.commitCell(0, Float32Array.of(0, 0), randomParams(head, 3));
    const before = head.hotParams();
    head.trainStep(b).dispose();
    const moved = Array.from(head.hotParams(), (v, j) => Math.abs(v - (before[j] as number)));
    // A new cell's moments start at zero under the carried step count: its step is 0.74 of the step size.
    expect(Math.max(...moved)).toBeLessThan(1.01e-3);
    expect(Math.max(...moved)).toBeGreaterThan(0.7e-3);
    expect(() => {
      head.learningRate = 0;
    }).toThrow(/learningRate/);
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
