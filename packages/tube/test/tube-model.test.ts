// The tube model and trainer: shapes, head wiring (σ and stop restricted to a slice of z, 001 §C),
// the floor, replicas, gradients of the loss vs finite differences, learning, determinism, no leaks.
import { createRng, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import { CommitmentPrice, EPISODE_STAT_INDEX, EPISODE_STATS, RuleWorld, TubeModel, TubeTrainer, replicaColumns, tubeLoss } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const world = new RuleWorld();

function latent(seed: number, rows: number, dim: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(rows * dim).map(() => rng.normal());
}

describe.each(BACKENDS)("TubeModel on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("outputs μ, σ, stop with a replica axis, σ ≥ floor, μ starting at the anchor", () => {
    const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: 8, stateDim: 2, replicas: 2, sigmaFloor: 0.05 }, createRng(1));
    const batch = world.sampleEpisodes(createRng(2), 5);
    tf.tidy(() => {
      const out = model.forward({ obs: tf.tensor2d(batch.obs, [5, world.obsDim]), anchor: tf.tensor2d(batch.anchor, [5, 16]) });
      expect(out.mu.shape).toEqual([2, 5, 8, 2]);
      expect(out.sigma.shape).toEqual([2, 5, 8, 2]);
      expect(out.stopLogits.shape).toEqual([2, 5, 8]);
      expect(tf.min(out.sigma).dataSync()[0]).toBeGreaterThanOrEqual(0.05 * (1 - 1e-6));
      const drift = tf.max(tf.abs(tf.sub(out.mu, tf.reshape(tf.tensor2d(batch.anchor, [5, 16]), [1, 5, 8, 2])))).dataSync()[0] ?? 1;
      expect(drift).toBeLessThan(0.5);
    });
    model.dispose();
  });

  it("restricts σ and stop to coneLatent: changing z outside it moves μ only", () => {
    const model = new TubeModel({ obsDim: world.obsDim, latentDim: 3, horizonSteps: 8, stateDim: 2, coneLatent: { start: 0, end: 1 } }, createRng(3));
    const batch = world.sampleEpisodes(createRng(4), 4);
    tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [4, world.obsDim]);
      const z = latent(5, 4, 3);
      const zReal = Float32Array.from(z, (v, i) => (i % 3 === 0 ? v : v + 1.5));
      const zIntent = Float32Array.from(z, (v, i) => (i % 3 === 0 ? v + 1.5 : v));
      const a = model.forward({ obs, latent: tf.tensor2d(z, [4, 3]) });
      const b = model.forward({ obs, latent: tf.tensor2d(zReal, [4, 3]) });
      const c = model.forward({ obs, latent: tf.tensor2d(zIntent, [4, 3]) });
      const diff = (x: tf.Tensor, y: tf.Tensor): number => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0] ?? Number.NaN;
      expect(diff(a.sigma, b.sigma)).toBe(0);
      expect(diff(a.stopLogits, b.stopLogits)).toBe(0);
      expect(diff(a.mu, b.mu)).toBeGreaterThan(1e-4);
      expect(diff(a.sigma, c.sigma)).toBeGreaterThan(1e-4);
      expect(diff(a.stopLogits, c.stopLogits)).toBeGreaterThan(1e-6);
    });
    expect(() => new TubeModel({ obsDim: 6, latentDim: 2, horizonSteps: 8, stateDim: 2, coneLatent: { start: 1, end: 3 } }, createRng(1))).toThrow(
      /coneLatent \[1, 3\) must lie within \[0, latentDim = 2\)/,
    );
    expect(() => model.forward({ obs: tf.zeros<tf.Rank.R2>([2, world.obsDim]) })).toThrow(/latent \[B, 3\] is required/);
    model.dispose();
  });

  it("the loss gradient matches finite differences", () => {
    const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: 4, stateDim: 2, hiddenUnits: 4 }, createRng(6));
    const batch = new RuleWorld({ horizonSteps: 4 }).sampleEpisodes(createRng(7), 8);
    const obs = tf.tensor2d(batch.obs, [8, world.obsDim]);
    const anchor = tf.tensor2d(batch.anchor, [8, 8]);
    const traj = tf.tensor3d(batch.traj, [8, 4, 2]);
    const lambda = tf.tensor1d([1.5]);
    const loss = (): tf.Scalar => tubeLoss({ output: model.forward({ obs, anchor }), traj, lambda, sigmaFloor: 0.01 }, { gamma: 10 }).total;
    const value = (): number => tf.tidy(() => loss().dataSync()[0] ?? Number.NaN);
    const grads = tf.tidy(() => Array.from(tf.variableGrads(loss, [model.w2]).grads[model.w2.name]?.dataSync() ?? []));
    const weights = model.w2.dataSync().slice();
    // A μ weight, a log σ weight and a stop weight of the first hidden row / bias row.
    const cols = model.w2.shape[2] ?? 0;
    for (const index of [0 * cols + 1, 4 * cols + 9, 8 * cols + 2 * 8 + 1, 8 * cols + 8]) {
      const set = (delta: number): void => {
        const next = weights.slice();
        next[index] = (next[index] ?? 0) + delta;
        model.w2.assign(tf.tensor3d(next, model.w2.shape as [number, number, number]));
      };
      set(1e-2);
      const up = value();
      set(-1e-2);
      const down = value();
      set(0);
      const fd = (up - down) / 2e-2;
      expect(Math.abs((grads[index] ?? 0) - fd)).toBeLessThan(0.02 * Math.max(1, Math.abs(fd)) + 2e-3);
    }
    tf.dispose([obs, anchor, traj, lambda]);
    model.dispose();
  });

  it("back-propagates into the latent input with replicas: the gradient matches finite differences (R = 2)", () => {
    const B = 5;
    const model = new TubeModel({ obsDim: world.obsDim, latentDim: 3, horizonSteps: 4, stateDim: 2, hiddenUnits: 4, replicas: 2, coneLatent: { start: 0, end: 2 } }, createRng(11));
    const batch = new RuleWorld({ horizonSteps: 4 }).sampleEpisodes(createRng(12), B);
    const obs = tf.tensor2d(batch.obs, [B, world.obsDim]);
    const anchor = tf.tensor2d(batch.anchor, [B, 8]);
    const traj = tf.tensor3d(batch.traj, [B, 4, 2]);
    const lambda = tf.tensor1d([1.5, 0.5]);
    const z0 = latent(13, B, 3);
    // The replicas differ (their own initial weights), so the latent gradient is a sum of two different parts.
    const loss = (z: tf.Tensor): tf.Scalar => {
      const output = model.forward({ obs, latent: z as tf.Tensor2D, anchor });
      return tf.sum(tf.mul(tubeLoss({ output, traj, lambda, sigmaFloor: 0.01 }, { gamma: 10 }).perReplica, tf.tensor1d([1, 2])));
    };
    const value = (z: Float32Array): number => tf.tidy(() => loss(tf.tensor2d(z, [B, 3])).dataSync()[0] ?? Number.NaN);
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => Array.from(tf.grad(loss)(tf.tensor2d(z0, [B, 3])).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    expect(grad.length).toBe(B * 3);
    let largest = 0;
    for (let index = 0; index < B * 3; index++) {
      const shifted = (delta: number): Float32Array => Float32Array.from(z0, (v, i) => (i === index ? v + delta : v));
      const fd = (value(shifted(1e-2)) - value(shifted(-1e-2))) / 2e-2;
      largest = Math.max(largest, Math.abs(fd));
      expect(Math.abs((grad[index] ?? 0) - fd), `z[${index}]`).toBeLessThan(0.02 * Math.max(1, Math.abs(fd)) + 2e-3);
    }
    expect(largest).toBeGreaterThan(1e-2);
    tf.dispose([obs, anchor, traj, lambda]);
    model.dispose();
  });

  it("a model's life (construct, forward, dispose) leaves no tensor behind", () => {
    const before = tf.memory().numTensors;
    const model = new TubeModel({ obsDim: world.obsDim, latentDim: 2, horizonSteps: 8, stateDim: 2, replicas: 2 }, createRng(5).fork("model"));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains: residual falls, λ moves, each replica has its own λ, no tensors leak, same seed gives the same numbers", () => {
    const run = (): { first: number; last: number; lambdas: number[]; stats: Float32Array; leaked: number } => {
      const rng = createRng(11);
      const model = new TubeModel({ obsDim: world.obsDim, latentDim: 2, horizonSteps: 8, stateDim: 2, replicas: 2 }, rng.fork("model"));
      const prices = [new CommitmentPrice({ variant: "faithful", ruleCount: 4 }), new CommitmentPrice({ variant: "dual", ruleCount: 4 })];
      const trainer = new TubeTrainer(model, prices, { learningRate: 0.01, loss: { volumeBarrierWeight: 0.1, volumeChangeWeight: 0.1 } });
      const before = tf.memory().numTensors;
      let first = 0;
      let last = 0;
      let stats: Float32Array = new Float32Array();
      for (let step = 0; step < 60; step++) {
        const batch = world.sampleEpisodes(rng, 16);
        stats = trainer.step(batch, latent(step, 16, 2)).stats;
        const residual = replicaColumns(stats, 0, 16).residual.reduce((a, b) => a + b, 0) / 16;
        if (step === 0) first = residual;
        last = residual;
      }
      const leaked = tf.memory().numTensors - before;
      const evaluated = trainer.evaluate(world.sampleEpisodes(rng, 8), latent(99, 8, 2));
      expect(evaluated.length).toBe(2 * 8 * EPISODE_STATS.length);
      trainer.dispose();
      model.dispose();
      return { first, last, lambdas: prices.map((p) => p.lambda), stats, leaked };
    };
    const a = run();
    const b = run();
    expect(a.leaked).toBe(0);
    expect(a.last).toBeLessThan(a.first);
    expect(a.lambdas[0]).not.toBe(1);
    expect(a.lambdas[0]).not.toBe(a.lambdas[1]);
    expect(b.stats).toEqual(a.stats);
    expect(b.lambdas).toEqual(a.lambdas);
    expect(a.stats[EPISODE_STAT_INDEX.failSoft]).toBeGreaterThanOrEqual(0);
  });
});
