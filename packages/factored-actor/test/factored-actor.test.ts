// The factored actor: typed samples with separate KLs, σ and stop independent of z_real, set_intent,
// the refine phase's frozen cone and learning-rate decay, determinism per seed, no leaked tensors, config validation, the
// tube loss gradient against finite differences, and learning in a world — on cpu and wasm.
// Source: 001_4e7658869d462183.txt §A–§F, §I; SEED-INVENTORY.md §6.1–6.6, H001-E; ADRs 0601–0603, 0610.
import { createRng, diagGaussianKl, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EpisodeMemory,
  EquivalentWorld,
  FactoredActor,
  actorConfigFor,
  checkSample,
  collectEpisodes,
  klTotal,
  replicaTubeLoss,
  trainFactoredActor,
  type FactoredActorConfig,
} from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const world = new EquivalentWorld("standard");
const config = (extra: Omit<FactoredActorConfig, "startDim" | "policyObsDim" | "tubeObsDim" | "actionDim" | "horizonSteps" | "stateDim"> = {}): FactoredActorConfig =>
  actorConfigFor(world, extra);

describe.each(BACKENDS)("FactoredActor on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("samples (z, z_mu, z_logstd, z_intent, z_real) with shapes asserted and KL_total = KL_intent + KL_real", () => {
    const actor = new FactoredActor(config({ replicas: 2 }), createRng(1));
    const spec = EquivalentWorld.sampleSpecs(createRng(2), 6);
    const starts = world.starts(spec).start;
    const both = new Float32Array([...starts, ...starts]);
    const sample = actor.sample(both, 6, createRng(3));
    expect(() => checkSample("test", sample)).not.toThrow();
    expect(sample.zIntent).toHaveLength(2 * 6 * 3);
    expect(sample.zReal).toHaveLength(2 * 6 * 3);
    const Z = actor.latentDim;
    for (let row = 0; row < 12; row++) {
      for (let d = 0; d < Z; d++) {
        expect(sample.z[row * Z + d]).toBeCloseTo((sample.zMu[row * Z + d] ?? 0) + Math.exp(sample.zLogStd[row * Z + d] ?? 0) * (sample.eps[row * Z + d] ?? 0), 5);
      }
    }
    // The per-part KLs equal the tensor-backend's diagonal Gaussian KL on each part.
    const [klI, klR] = tf.tidy(() => {
      const mu = tf.tensor3d(sample.zMu, [2, 6, Z]);
      const ls = tf.tensor3d(sample.zLogStd, [2, 6, Z]);
      const part = (begin: number, size: number): Float32Array =>
        diagGaussianKl(tf.slice(mu, [0, 0, begin], [2, 6, size]), tf.slice(ls, [0, 0, begin], [2, 6, size])).dataSync() as Float32Array;
      return [part(0, 3), part(3, 3)];
    });
    for (let i = 0; i < 12; i++) {
      expect(sample.klIntent[i]).toBeCloseTo(klI[i] ?? Number.NaN, 4);
      expect(sample.klReal[i]).toBeCloseTo(klR[i] ?? Number.NaN, 4);
      expect(klTotal(sample)[i]).toBeCloseTo((sample.klIntent[i] ?? 0) + (sample.klReal[i] ?? 0), 6);
    }
    // One replica only.
    const one = actor.sample(starts, 6, createRng(3), { replica: 1, deterministic: true });
    expect(one.replicas).toBe(1);
    expect(Array.from(one.eps).every((e) => e === 0)).toBe(true);
    expect(Array.from(one.z)).toEqual(Array.from(one.zMu));
    actor.dispose();
  });

  it("wires σ and stop to (s0, z_intent) only, μ to all of z; the ablation removes z_real from the tube", () => {
    const actor = new FactoredActor(config({ replicas: 2, tubeUsesReal: [true, false] }), createRng(4));
    const n = 5;
    const spec = EquivalentWorld.sampleSpecs(createRng(5), n);
    const starts = world.starts(spec);
    const z1 = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i));
    const z2 = z1.map((v, i) => (i % 6 >= 3 ? v + 1 : v)); // change z_real only
    const read = (replica: number, z: Float32Array): { mu: number[]; sigma: number[]; stop: number[] } => {
      const out = actor.tubeOutputsFor(replica, starts.tubeObs, starts.anchor, z, n);
      const result = { mu: Array.from(out.mu.dataSync()), sigma: Array.from(out.sigma.dataSync()), stop: Array.from(out.stopLogits.dataSync()) };
      tf.dispose([out.mu, out.sigma, out.logSigma, out.logSigmaRaw, out.stopLogits]);
      return result;
    };
    const [a, b] = [read(0, z1), read(0, z2)];
    expect(b.sigma).toEqual(a.sigma);
    expect(b.stop).toEqual(a.stop);
    expect(b.mu).not.toEqual(a.mu);
    const [c, d] = [read(1, z1), read(1, z2)];
    expect(d.mu).toEqual(c.mu);
    // Changing z_intent moves σ.
    const z3 = z1.map((v, i) => (i % 6 < 3 ? v + 1 : v));
    expect(read(0, z3).sigma).not.toEqual(a.sigma);
    actor.dispose();
  });

  it("wires intentOnlySigma and intentOnlyStop separately: only the head that may read z_real sees it, it learns, and refine pins it", () => {
    const n = 6;
    const spec = EquivalentWorld.sampleSpecs(createRng(30), n);
    const starts = world.starts(spec);
    const z1 = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i));
    const z2 = z1.map((v, i) => (i % 6 >= 3 ? v + 1 : v)); // change z_real only
    const read = (actor: FactoredActor, z: Float32Array): { sigma: number[]; stop: number[] } => {
      const out = actor.tubeOutputsFor(0, starts.tubeObs, starts.anchor, z, n);
      const result = { sigma: Array.from(out.sigma.dataSync()), stop: Array.from(out.stopLogits.dataSync()) };
      tf.dispose([out.mu, out.sigma, out.logSigma, out.logSigmaRaw, out.stopLogits]);
      return result;
    };
    for (const [intentOnlySigma, intentOnlyStop] of [
      [true, false],
      [false, true],
    ] as const) {
      const actor = new FactoredActor(config({ intentOnlySigma, intentOnlyStop, freezeSigmaDuringRefine: true }), createRng(31));
      expect(actor.variables().tubeReal).toBeDefined();
      // The read-out starts at zero: the wiring starts as the intent-only cone.
      expect(read(actor, z2)).toEqual(read(actor, z1));
      trainFactoredActor(actor, [world], { steps: 3, batchEpisodes: 8, rng: createRng(32) });
      const [a, b] = [read(actor, z1), read(actor, z2)];
      if (intentOnlySigma) {
        expect(b.sigma).toEqual(a.sigma);
        expect(b.stop).not.toEqual(a.stop);
      } else {
        expect(b.sigma).not.toEqual(a.sigma);
        expect(b.stop).toEqual(a.stop);
      }
      actor.beginRefine();
      const before = read(actor, z2);
      trainFactoredActor(actor, [world], { steps: 2, batchEpisodes: 8, rng: createRng(33) });
      expect(read(actor, z2)).toEqual(before);
      actor.dispose();
    }
    const both = new FactoredActor(config(), createRng(34));
    expect(both.variables().tubeReal).toBeUndefined();
    both.dispose();
  });

  it("set_intent uses the external intent with the native z_real; withReal keeps the intent", () => {
    const actor = new FactoredActor(config(), createRng(6));
    const spec = EquivalentWorld.sampleSpecs(createRng(7), 4);
    const starts = world.starts(spec).start;
    const intent = Float32Array.from({ length: 4 * 3 }, (_, i) => i / 10);
    const native = actor.sample(starts, 4, createRng(8));
    const set = actor.setIntent(starts, 4, intent, createRng(8));
    expect(Array.from(set.zIntent)).toEqual(Array.from(intent));
    expect(Array.from(set.zReal)).toEqual(Array.from(native.zReal));
    const real = Float32Array.from({ length: 4 * 3 }, (_, i) => -i);
    const swapped = actor.withReal(native, real);
    expect(Array.from(swapped.zIntent)).toEqual(Array.from(native.zIntent));
    expect(Array.from(swapped.zReal)).toEqual(Array.from(real));
    expect(() => actor.setIntent(starts, 4, new Float32Array(3), createRng(8))).toThrow(/zIntent must have/);
    expect(() => actor.setIntent(starts, 4, intent.map(() => Number.NaN), createRng(8))).toThrow(/not finite/);
    actor.dispose();
  });

  it("records memory (z, z_full, z_intent, z_real, KLs) and a history of norms and KLs", () => {
    const actor = new FactoredActor(config(), createRng(9));
    const memory = new EpisodeMemory(16);
    const spec = EquivalentWorld.sampleSpecs(createRng(10), 8);
    const batch = collectEpisodes(actor, [world], spec, createRng(11), { memory });
    expect(memory.size).toBe(8);
    const record = memory.records()[0];
    expect(record?.z).toHaveLength(6);
    expect(Array.from(record?.zFull ?? [])).toEqual(Array.from(record?.z ?? []));
    expect(Array.from(record?.z ?? [])).toEqual([...(record?.zIntent ?? []), ...(record?.zReal ?? [])]);
    actor.trainStep(batch);
    const entry = actor.history.entries(0)[0];
    expect(entry?.zIntentMean).toHaveLength(3);
    expect(entry?.klIntent).toBeGreaterThan(0);
    expect(Number.isFinite(entry?.zRealNorm)).toBe(true);
    actor.dispose();
  });

  it("is deterministic per seed and its loops leave no tensors behind", () => {
    // Measured around the exported loops; constructing a @tam/tube TubeModel keeps its two initial-value
    // tensors alive until dispose, which is outside this package.
    const run = (): { history: unknown; sample: number[] } => {
      const actor = new FactoredActor(config(), createRng(12));
      const before = tf.memory().numTensors;
      trainFactoredActor(actor, [world], { steps: 3, batchEpisodes: 8, rng: createRng(13) });
      const spec = EquivalentWorld.sampleSpecs(createRng(14), 4);
      const out = { history: actor.history.entries(), sample: Array.from(actor.sample(world.starts(spec).start, 4, createRng(15)).z) };
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
      return out;
    };
    const a = run();
    expect(run()).toEqual(a);
  });

  it("pins σ and stop during the refine phase when freezeSigmaDuringRefine is set", () => {
    const spec = EquivalentWorld.sampleSpecs(createRng(16), 8);
    const starts = world.starts(spec);
    const z = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.cos(i));
    const snapshot = (actor: FactoredActor): { sigma: number[]; stop: number[]; mu: number[] } => {
      const out = actor.tubeOutputsFor(0, starts.tubeObs, starts.anchor, z, 8);
      const result = { sigma: Array.from(out.sigma.dataSync()), stop: Array.from(out.stopLogits.dataSync()), mu: Array.from(out.mu.dataSync()) };
      tf.dispose([out.mu, out.sigma, out.logSigma, out.logSigmaRaw, out.stopLogits]);
      return result;
    };
    for (const freeze of [true, false]) {
      const actor = new FactoredActor(config({ freezeSigmaDuringRefine: freeze }), createRng(17));
      trainFactoredActor(actor, [world], { steps: 2, batchEpisodes: 8, rng: createRng(18) });
      actor.beginRefine();
      expect(actor.phase).toBe("refine");
      const before = snapshot(actor);
      trainFactoredActor(actor, [world], { steps: 3, batchEpisodes: 8, rng: createRng(19) });
      const after = snapshot(actor);
      expect(after.mu).not.toEqual(before.mu);
      if (freeze) {
        expect(after.sigma).toEqual(before.sigma);
        expect(after.stop).toEqual(before.stop);
      } else {
        expect(after.sigma).not.toEqual(before.sigma);
      }
      expect(() => actor.beginRefine()).toThrow(/already/);
      actor.dispose();
    }
  });

  it("decays the learning rate linearly over the refine phase, then restores it (ADR 0610)", () => {
    const rates = (schedule?: "linearDecay" | "constant"): number[] => {
      const actor = new FactoredActor(config({ learningRate: 0.01 }), createRng(23));
      const seen: number[] = [];
      trainFactoredActor(actor, [world], {
        steps: 8,
        batchEpisodes: 4,
        rng: createRng(24),
        refineFraction: 0.5,
        ...(schedule === undefined ? {} : { refineLearningRate: schedule }),
        onStep: () => seen.push(actor.learningRate),
      });
      expect(actor.learningRate).toBe(0.01);
      actor.dispose();
      return seen;
    };
    // Steps 0–3 fit at 0.01; steps 4–7 refine at 0.01 · (8 − step) / 4.
    const decayed = rates();
    expect(decayed.slice(0, 4)).toEqual([0.01, 0.01, 0.01, 0.01]);
    decayed.slice(4).forEach((rate, k) => expect(rate).toBeCloseTo((0.01 * (4 - k)) / 4, 12));
    expect(rates("constant")).toEqual(new Array<number>(8).fill(0.01));
    const actor = new FactoredActor(config(), createRng(25));
    expect(() => trainFactoredActor(actor, [world], { steps: 2, batchEpisodes: 4, rng: createRng(26), refineLearningRate: "cosine" as "constant" })).toThrow(/refineLearningRate must be one of linearDecay, constant, got cosine/);
    actor.dispose();
  });

  it("acts on the host with the same policy the training loss computes as tensors", () => {
    // Replica 1 is the "(obs, z_intent) only" ablation: its z_real rows are not read.
    const actor = new FactoredActor(config({ replicas: 2, policyUsesReal: [true, false] }), createRng(27));
    trainFactoredActor(actor, [world, world], { steps: 3, batchEpisodes: 8, rng: createRng(28) });
    const n = 5;
    const { policyObsDim: P, actionDim: A, hiddenUnits: H } = actor.config;
    const Z = actor.latentDim;
    const obs = Float32Array.from({ length: n * P }, (_, i) => Math.sin(1.3 * i));
    const z = Float32Array.from({ length: n * Z }, (_, i) => Math.cos(0.7 * i));
    const vars = actor.variables();
    for (const replica of [0, 1]) {
      const host = actor.act(replica, obs, z, n);
      const read = replica === 0 ? z : z.map((v, i) => (i % Z < actor.intentDim ? v : 0));
      const out = tf.tidy(() => {
        const block = (name: "polWo" | "polWz" | "polW2", rows: number, cols: number): tf.Tensor2D =>
          tf.reshape(tf.slice(vars[name] as tf.Variable, [replica, 0, 0], [1, rows, cols]), [rows, cols]);
        const withOnes = (x: tf.Tensor2D): tf.Tensor2D => tf.concat([x, tf.ones([n, 1])], 1);
        const h = tf.tanh(tf.add(tf.matMul(withOnes(tf.tensor2d(obs, [n, P])), block("polWo", P + 1, H)), tf.matMul(tf.tensor2d(read, [n, Z]), block("polWz", Z, H))));
        return Array.from(tf.matMul(withOnes(h as tf.Tensor2D), block("polW2", H + 1, A + 1)).dataSync());
      });
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < A; a++) expect(host.actions[i * A + a]).toBeCloseTo(out[i * (A + 1) + a] ?? Number.NaN, 5);
        expect(host.values[i]).toBeCloseTo(out[i * (A + 1) + A] ?? Number.NaN, 5);
      }
    }
    actor.dispose();
  });

  it("differentiates the replica tube loss like central finite differences", () => {
    const shape = [2, 3, 4, 2];
    const rng = createRng(20);
    const values = (scale: number): Float32Array => Float32Array.from({ length: 48 }, () => scale * rng.normal());
    const mu0 = values(0.2);
    const logSigma = values(0.3).map((v) => v - 1.5);
    const traj = values(0.2);
    const stop = values(1).subarray(0, 24).slice();
    const loss = (mu: tf.Tensor): tf.Scalar => {
      const ls = tf.tensor4d(logSigma, shape as [number, number, number, number]);
      const output = { mu, logSigma: ls, logSigmaRaw: ls, sigma: tf.exp(ls), stopLogits: tf.tensor3d(stop, [2, 3, 4]) };
      return replicaTubeLoss(output, tf.tensor4d(traj, shape as [number, number, number, number]), tf.tensor1d([1.5, 0.7]), { gamma: 5 }).total;
    };
    const grad = tf.tidy(() => tf.grad((mu: tf.Tensor) => loss(mu))(tf.tensor4d(mu0, shape as [number, number, number, number])).dataSync() as Float32Array);
    const h = 1e-2;
    for (const k of [0, 7, 19, 33, 47]) {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const m = mu0.slice();
          m[k] = (m[k] ?? 0) + delta;
          return loss(tf.tensor4d(m, shape as [number, number, number, number])).dataSync()[0] ?? Number.NaN;
        });
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(grad[k]).toBeCloseTo(fd, 2);
    }
  });
});

describe("FactoredActor config", () => {
  it("rejects bad configs by field name", () => {
    const rng = createRng(1);
    expect(() => new FactoredActor(config({ intentDim: 5 }), rng)).toThrow(/intentDim/);
    expect(() => new FactoredActor(config({ betaKlIntent: 0.001, betaKlReal: 0.01 }), rng)).toThrow(/betaKlIntent/);
    expect(() => new FactoredActor(config({ replicas: 2, policyUsesReal: [true] }), rng)).toThrow(/policyUsesReal/);
    expect(() => new FactoredActor(config({ realDim: 0 }), rng)).toThrow(/config realDim = 0: /);
  });

  it("builds an unfactored baseline: one latent, every head reads all of it, the weaker KL", async () => {
    await useBackend("cpu");
    const actor = new FactoredActor(config({ useFactoredZ: false, intentDim: 3, realDim: 3 }), createRng(2));
    expect(actor.intentDim).toBe(6);
    expect(actor.realDim).toBe(0);
    const spec = EquivalentWorld.sampleSpecs(createRng(3), 4);
    const sample = actor.sample(world.starts(spec).start, 4, createRng(4));
    expect(sample.zReal).toHaveLength(0);
    expect(Array.from(sample.klReal)).toEqual([0, 0, 0, 0]);
    actor.dispose();
  });
});

describe("FactoredActor learning (wasm)", () => {
  it("learns the standard world: the return rises well above its start", async () => {
    await useBackend("wasm");
    const actor = new FactoredActor(config({ learningRate: 5e-3 }), createRng(21));
    const returns: number[] = [];
    trainFactoredActor(actor, [world], { steps: 150, batchEpisodes: 64, rng: createRng(22), onStep: (_, __, batch) => returns.push(batch.meanReturns[0] ?? Number.NaN) });
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(returns.slice(-20))).toBeGreaterThan(mean(returns.slice(0, 20)) + 0.15);
    actor.dispose();
  });
});
