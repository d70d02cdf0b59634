// The fused tube step (ADR 0206): the closed-form kernel reproduces the tfjs model + tubeLoss (loss,
// statistics, autodiff gradients) with every loss option, its gradient matches finite differences, and
// FusedTubeTrainer follows TubeTrainer step for step; determinism, no leaked tensors, errors by field.
import { createRng, tf, type Tensor } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CommitmentPrice,
  EPISODE_STATS,
  FusedTubeKernel,
  FusedTubeTrainer,
  RuleWorld,
  TubeModel,
  TubeTrainer,
  resolveTubeLossOptions,
  tubeLoss,
  tubeMasks,
  type EpisodeBatch,
  type TubeLossOptions,
} from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const world = new RuleWorld();
const LATENT = 3;

function latent(seed: number, rows: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(rows * LATENT).map(() => rng.normal());
}

/** A model whose σ is narrow enough that rule 3 leaves the tube (exits, soft fail and the floor all matter). */
function narrowModel(seed: number, replicas = 2): TubeModel {
  return new TubeModel(
    { obsDim: world.obsDim, latentDim: LATENT, horizonSteps: world.horizonSteps, stateDim: world.stateDim, replicas, coneLatent: { start: 0, end: 1 }, initSigma: 0.06, sigmaFloor: 0.04 },
    createRng(seed),
  );
}

function inputs(model: TubeModel, batch: EpisodeBatch, z: Float32Array): Float32Array {
  const { obsDim } = model.config;
  const inRows = obsDim + LATENT + 1;
  const x = new Float32Array(batch.count * inRows);
  for (let b = 0; b < batch.count; b++) {
    x.set(batch.obs.subarray(b * obsDim, (b + 1) * obsDim), b * inRows);
    x.set(z.subarray(b * LATENT, (b + 1) * LATENT), b * inRows + obsDim);
    x[b * inRows + inRows - 1] = 1;
  }
  return x;
}

function kernelFor(model: TubeModel, options: TubeLossOptions): FusedTubeKernel {
  const c = model.config;
  return new FusedTubeKernel(
    { replicas: c.replicas, hiddenUnits: c.hiddenUnits, horizonSteps: c.horizonSteps, stateDim: c.stateDim, sigmaFloor: c.sigmaFloor },
    tubeMasks(c),
    resolveTubeLossOptions("test", options),
  );
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] ?? 0));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

const OPTION_SETS: readonly [string, TubeLossOptions, boolean][] = [
  ["defaults", {}, false],
  ["every option on (k, γ, α, barrier A, change C, horizon weight)", { k: 1.5, gamma: 10, alphaVol: 0.3, volumeBarrierWeight: 0.7, volumeChangeWeight: 0.4, horizonWeight: 0.2 }, true],
];

describe.each(BACKENDS)("FusedTubeKernel against the tfjs reference on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(OPTION_SETS)("reproduces tubeLoss and its autodiff gradients: %s", (_name, options, withPrevious) => {
    const model = narrowModel(11);
    const batch = world.sampleEpisodes(createRng(12), 24);
    const z = latent(13, batch.count);
    const lambdas = [0.7, 2.5];
    const previous = [-2.4, -3.1];
    const B = batch.count;
    const reference = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [B, world.obsDim]);
      const anchor = tf.tensor2d(batch.anchor, [B, batch.horizonSteps * batch.stateDim]);
      const traj = tf.tensor3d(batch.traj, [B, batch.horizonSteps, batch.stateDim]);
      let perReplica: Tensor | undefined;
      let stats: Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const output = model.forward({ obs, anchor, latent: tf.tensor2d(z, [B, LATENT]) });
        const loss = tubeLoss(
          withPrevious
            ? { output, traj, lambda: tf.tensor1d(lambdas), sigmaFloor: model.config.sigmaFloor, previousLogVol: tf.tensor1d(previous) }
            : { output, traj, lambda: tf.tensor1d(lambdas), sigmaFloor: model.config.sigmaFloor },
          options,
        );
        perReplica = tf.keep(loss.perReplica);
        stats = tf.keep(loss.stats);
        return loss.total;
      }, [model.w1, model.w2]);
      return {
        g1: grads[model.w1.name]?.dataSync() ?? new Float32Array(0),
        g2: grads[model.w2.name]?.dataSync() ?? new Float32Array(0),
        perReplica: (perReplica as Tensor).dataSync(),
        stats: (stats as Tensor).dataSync(),
      };
    });
    const kernel = kernelFor(model, options);
    const stats = new Float32Array(2 * B * EPISODE_STATS.length);
    const grad1 = new Float64Array(model.w1.size);
    const grad2 = new Float64Array(model.w2.size);
    const losses = kernel.run({
      w1: Float64Array.from(model.w1.dataSync()),
      w2: Float64Array.from(model.w2.dataSync()),
      x: inputs(model, batch, z),
      anchor: batch.anchor,
      traj: batch.traj,
      batch: B,
      lambdas,
      ...(withPrevious ? { previousLogVol: previous } : {}),
      stats,
      grad1,
      grad2,
    });
    // The episodes exercise the interesting regions: some leave the hard tube, some σ sit at the floor.
    const bindColumn = EPISODE_STATS.indexOf("bindHard");
    const binds = Array.from({ length: 2 * B }, (_, i) => stats[i * EPISODE_STATS.length + bindColumn] ?? 1);
    expect(Math.min(...binds)).toBeLessThan(1);
    expect(maxAbsDiff(losses, reference.perReplica)).toBeLessThan(1e-4 * Math.max(1, maxAbs(reference.perReplica)));
    expect(maxAbsDiff(stats, reference.stats)).toBeLessThan(2e-4);
    expect(maxAbsDiff(grad1, reference.g1)).toBeLessThan(1e-4 * maxAbs(reference.g1));
    expect(maxAbsDiff(grad2, reference.g2)).toBeLessThan(1e-4 * maxAbs(reference.g2));
    expect(maxAbs(reference.g1)).toBeGreaterThan(0);
    model.dispose();
  });
});

describe("FusedTubeKernel", () => {
  beforeAll(() => useBackend("cpu"));

  it("its gradient matches central finite differences of its own loss (float64)", () => {
    const model = narrowModel(21, 1);
    const batch = world.sampleEpisodes(createRng(22), 16);
    const z = latent(23, batch.count);
    const options: TubeLossOptions = { volumeBarrierWeight: 0.5, volumeChangeWeight: 0.3, horizonWeight: 0.2 };
    const kernel = kernelFor(model, options);
    const w1 = Float64Array.from(model.w1.dataSync());
    const w2 = Float64Array.from(model.w2.dataSync());
    const x = inputs(model, batch, z);
    const stats = new Float32Array(batch.count * EPISODE_STATS.length);
    const base = { x, anchor: batch.anchor, traj: batch.traj, batch: batch.count, lambdas: [1.3], previousLogVol: [-2.5], stats };
    const grad1 = new Float64Array(w1.length);
    const grad2 = new Float64Array(w2.length);
    kernel.run({ ...base, w1, w2, grad1, grad2 });
    const loss = (a: Float64Array, b: Float64Array): number => kernel.run({ ...base, w1: a, w2: b })[0] ?? Number.NaN;
    const rng = createRng(24);
    const masks = tubeMasks(model.config);
    let checked = 0;
    for (let trial = 0; trial < 80 && checked < 30; trial++) {
      const inFirst = trial % 2 === 0;
      const params = inFirst ? w1 : w2;
      const index = rng.int(0, params.length);
      const connected = (inFirst ? masks.mask1 : masks.mask2)[index] === 1;
      const analytic = (inFirst ? grad1 : grad2)[index] ?? Number.NaN;
      if (!connected) {
        expect(Math.abs(analytic)).toBe(0);
        continue;
      }
      const eps = 1e-6;
      const original = params[index] ?? 0;
      params[index] = original + eps;
      const up = loss(w1, w2);
      params[index] = original - eps;
      const down = loss(w1, w2);
      params[index] = original;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(numeric - analytic)).toBeLessThan(1e-6 + 1e-4 * Math.abs(numeric));
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    model.dispose();
  });

  it("rejects arrays of the wrong size by name, and masks it cannot use", () => {
    const model = narrowModel(31, 1);
    const kernel = kernelFor(model, {});
    const stats = new Float32Array(4 * EPISODE_STATS.length);
    const good = { w1: new Float64Array(model.w1.size), w2: new Float64Array(model.w2.size), x: new Float32Array(4 * 10), anchor: new Float32Array(64), traj: new Float32Array(64), batch: 4, lambdas: [1], stats };
    expect(() => kernel.run(good)).not.toThrow();
    expect(() => kernel.run({ ...good, traj: new Float32Array(63) })).toThrow(/traj must have 64 values, got 63/);
    expect(() => kernel.run({ ...good, lambdas: [1, 2] })).toThrow(/lambdas must have 1 values, got 2/);
    expect(() => kernel.run({ ...good, grad1: new Float64Array(model.w1.size) })).toThrow(/both grad1 and grad2/);
    const masks = tubeMasks(model.config);
    const broken = { ...masks, mask2: Float32Array.from(masks.mask2, (v, i) => (i === 0 ? 1 - v : v)) };
    const c = model.config;
    expect(
      () => new FusedTubeKernel({ replicas: 1, hiddenUnits: c.hiddenUnits, horizonSteps: c.horizonSteps, stateDim: c.stateDim, sigmaFloor: c.sigmaFloor }, broken, resolveTubeLossOptions("test")),
    ).toThrow(/mask2/);
    expect(() => resolveTubeLossOptions("test", { gamma: 0 })).toThrow(/gamma must be finite and > 0, got 0/);
    model.dispose();
  });
});

describe.each(BACKENDS)("FusedTubeTrainer on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  const prices = (): CommitmentPrice[] => (["faithful", "dual"] as const).map((variant) => new CommitmentPrice({ variant, ruleCount: 4 }));

  it("follows TubeTrainer step for step (weights, λ, statistics) and writes the model's variables", () => {
    const reference = narrowModel(41);
    const fused = narrowModel(41);
    const options = { learningRate: 0.01, loss: { volumeChangeWeight: 0.1 } };
    const slow = new TubeTrainer(reference, prices(), options);
    const fast = new FusedTubeTrainer(fused, prices(), options);
    const data = createRng(42);
    for (let step = 0; step < 15; step++) {
      const batch = world.sampleEpisodes(data, 16);
      const z = latent(100 + step, batch.count);
      const a = slow.step(batch, z);
      const b = fast.step(batch, z);
      expect(maxAbsDiff(b.lambdas, a.lambdas)).toBeLessThan(1e-4);
      expect(maxAbsDiff(b.stats, a.stats)).toBeLessThan(2e-3);
    }
    expect(maxAbsDiff(fused.w1.dataSync(), reference.w1.dataSync())).toBeLessThan(1e-3);
    expect(maxAbsDiff(fused.w2.dataSync(), reference.w2.dataSync())).toBeLessThan(1e-3);
    expect(maxAbsDiff(fused.w2.dataSync(), narrowModel(41).w2.dataSync())).toBeGreaterThan(0.05); // it did train
    const evalBatch = world.sampleEpisodes(createRng(43), 32);
    const z = latent(44, evalBatch.count);
    expect(maxAbsDiff(fast.evaluate(evalBatch, z), slow.evaluate(evalBatch, z))).toBeLessThan(2e-3);
    slow.dispose();
    fast.dispose();
    reference.dispose();
    fused.dispose();
  });

  it("is deterministic per seed and leaves no tensor behind", () => {
    const run = (): Float32Array => {
      const model = narrowModel(51);
      const trainer = new FusedTubeTrainer(model, prices());
      const data = createRng(52);
      let stats: Float32Array = new Float32Array(0);
      for (let step = 0; step < 10; step++) {
        const batch = world.sampleEpisodes(data, 8);
        stats = trainer.step(batch, latent(200 + step, batch.count)).stats;
      }
      trainer.dispose();
      model.dispose();
      return stats;
    };
    const before = tf.memory().numTensors;
    const first = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(run()).toEqual(first);
  });

  it("rejects a wrong number of prices, a missing latent and a batch of another shape", () => {
    const model = narrowModel(61);
    expect(() => new FusedTubeTrainer(model, [new CommitmentPrice({ ruleCount: 4 })])).toThrow(/one CommitmentPrice per replica \(2\), got 1/);
    const trainer = new FusedTubeTrainer(model, prices());
    const batch = world.sampleEpisodes(createRng(62), 4);
    expect(() => trainer.step(batch)).toThrow(/latent must have 12 values/);
    const longer = new RuleWorld({ horizonSteps: 6 }).sampleEpisodes(createRng(63), 4);
    expect(() => trainer.step(longer, latent(64, 4))).toThrow(/T = 6, D = 2; the model is T = 8/);
    expect(() => new FusedTubeTrainer(model, prices(), { learningRate: -1 })).toThrow(/learningRate must be finite and > 0, got -1/);
    model.dispose();
  });
});
