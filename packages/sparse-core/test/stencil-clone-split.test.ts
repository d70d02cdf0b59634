// Clone-and-halve of stencil units (seed 002 L1560, L1314-1324; SEED-INVENTORY §3.9, §3.13; ADR 0332):
// the split preserves the function at t = 0 for any activation and share (property), a clone keeps its
// source's stencil geometry and tie, antithetic noise moves the output at second order only, the re-merge gives
// the original parameters back, Adam's moments carry over, budgets and bad input are refused by field, and the
// evidence cycle keeps a clone that carries function and re-merges one that does not.
import { createRng, tf, type Rank, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { StencilCloneSplitPlanner, StencilNet, cloneStencilUnit, disposeBatch, remergeStencilUnit, type Batch, type BatchSource, type StencilEvent } from "../src/index.js";
import { bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

const ACTIVATIONS = ["relu", "tanh", "linear"] as const;

/** A net on a random grid with random Hot stencils, some units tied. */
function randomNet(seed: number, activation: (typeof ACTIVATIONS)[number]): StencilNet {
  const rng = createRng(seed);
  const net = new StencilNet({
    layer: { geometry: { height: rng.int(3, 7), width: rng.int(3, 7), radius: rng.int(1, 3), stride: rng.int(1, 3), maps: rng.int(1, 3) }, seed: { kind: "identity" }, maxCentres: 3 },
    outputs: 3,
    activation,
    loss: "mse",
    rng: rng.fork("readout"),
  });
  const g = net.stencil.geometry;
  const extra: number[] = [];
  for (let key = 0; key < g.units * g.offsets; key += 1) if (key % g.offsets !== 0 && g.inGrid(key) && rng.bernoulli(0.4)) extra.push(key);
  net.commitCells(net.stencil.id, Int32Array.from(extra), Float32Array.from(extra, () => rng.normal(0, 0.5)));
  if (g.units >= 3 && rng.bernoulli(0.5)) net.tie([0, 1]);
  return net;
}

function randomBatch(net: StencilNet, seed: number, rows = 6): Batch {
  const rng = createRng(seed);
  return tf.tidy(() => ({
    x: tf.randomNormal<Rank.R2>([rows, net.stencil.geometry.inFeatures], 0, 1, "float32", rng.nextSeed()),
    y: tf.randomNormal<Rank.R2>([rows, 3], 0, 1, "float32", rng.nextSeed()),
  }));
}

function outputOf(net: StencilNet, x: Tensor2D): Float32Array {
  const y = net.forward(x);
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

describe.each(["cpu", "wasm"] as const)("stencil clone-and-halve on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("preserves the output at t = 0 for any activation and share, and the re-merge gives the original parameters back (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...ACTIVATIONS), fc.constantFrom(0.5, 0.3, 0.8), (seed, activation, share) => {
        const net = randomNet(seed, activation);
        const units = net.stencil.shape[0];
        const unit = createRng(seed + 7).int(0, units);
        const batch = randomBatch(net, seed + 1);
        const { net: wider, record } = cloneStencilUnit(net, { unit, share });
        const y0 = outputOf(net, batch.x);
        const y1 = outputOf(wider, batch.x);
        const scale = Math.max(1, ...Array.from(y0, Math.abs));
        const preserved = maxAbsDiff(y0, y1) <= 1e-5 * scale;
        const g = wider.stencil.geometry;
        const geometryKept = g.units === units + 1 && g.mapOf(record.cloneUnit) === g.mapOf(unit) && Array.from({ length: g.offsets }, (_, o) => g.pixelOf(record.cloneUnit, o) === g.pixelOf(unit, o)).every(Boolean);
        const tieKept = wider.stencil.tieOf(record.cloneUnit) === net.stencil.tieOf(unit);
        const back = remergeStencilUnit(wider, record);
        const readoutBack = share === 0.5 ? bitEqual(Float32Array.from(back.readout.dataSync()), Float32Array.from(net.readout.dataSync())) : maxAbsDiff(back.readout.dataSync(), net.readout.dataSync()) <= 1e-6;
        const stateBack = bitEqual(Float32Array.from(back.stencil.hotKeys(), Number), Float32Array.from(net.stencil.hotKeys(), Number)) && bitEqual(back.stencil.hotValues(), net.stencil.hotValues());
        const y2 = outputOf(back, batch.x);
        const remergedSame = maxAbsDiff(y0, y2) <= 1e-5 * scale;
        const cells = wider.stencil.nnz - net.stencil.nnz === record.addedCells && back.stencil.nnz === net.stencil.nnz;
        disposeBatch(batch);
        [net, wider, back].forEach((n) => n.dispose());
        return preserved && geometryKept && tieKept && readoutBack && stateBack && remergedSame && cells;
      }),
      { numRuns: 30 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("antithetic noise moves the output at second order only", () => {
    const net = randomNet(11, "tanh");
    const batch = randomBatch(net, 12, 16);
    const y0 = outputOf(net, batch.x);
    const errorAt = (std: number): number => {
      const { net: wider } = cloneStencilUnit(net, { unit: 2, asymmetry: { incomingNoiseStd: std, rng: createRng(5) } });
      const error = maxAbsDiff(y0, outputOf(wider, batch.x));
      wider.dispose();
      return error;
    };
    const small = errorAt(1e-2);
    const large = errorAt(2e-2);
    expect(small).toBeGreaterThan(0);
    // Twice the noise, four times the error (second order), not twice (first order).
    expect(large / small).toBeGreaterThan(3.5);
    expect(large / small).toBeLessThan(4.5);
    disposeBatch(batch);
    net.dispose();
  });

  it("carries Adam's moments over: the other units take the same step as in the unsplit net", () => {
    const net = randomNet(21, "relu");
    const batch = randomBatch(net, 22);
    for (let i = 0; i < 3; i += 1) net.trainStep(batch).dispose();
    const unit = 1;
    const { net: wider, record } = cloneStencilUnit(net, { unit });
    net.trainStep(batch).dispose();
    wider.trainStep(batch).dispose();
    const S = net.stencil.shape[1];
    const a = net.stencil.hotKeys();
    const va = net.stencil.hotValues();
    const vb = wider.stencil.hotValues();
    const others = Array.from(a.keys()).filter((i) => Math.floor((a[i] as number) / S) !== unit && net.stencil.tieOf(Math.floor((a[i] as number) / S)) < 0);
    expect(others.length).toBeGreaterThan(0);
    // Keys of units before the clone are unchanged, so positions in the two Hot lists agree.
    expect(maxAbsDiff(Float32Array.from(others, (i) => va[i] as number), Float32Array.from(others, (i) => vb[i] as number))).toBeLessThan(1e-6);
    expect(wider.steps).toBe(net.steps);
    expect(record.cloneUnit).toBe(net.stencil.shape[0]);
    disposeBatch(batch);
    net.dispose();
    wider.dispose();
  });

  it("refuses a clone over structCap, a unit without Hot cells, a bad unit, share or record, naming the field", () => {
    const net = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 }, budget: { structCap: 9 } }, outputs: 2, rng: createRng(1) });
    expect(() => cloneStencilUnit(net, { unit: 0 })).toThrow(/over budget.structCap 9/);
    const roomy = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 }, seed: { kind: "empty" } }, outputs: 2, rng: createRng(1) });
    expect(() => cloneStencilUnit(roomy, { unit: 0 })).toThrow(/unit 0 has no Hot cell/);
    expect(() => cloneStencilUnit(roomy, { unit: 9 })).toThrow(/unit must be an integer in \[0, 9\), got 9/);
    const ok = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 } }, outputs: 2, rng: createRng(1) });
    expect(() => cloneStencilUnit(ok, { unit: 0, share: 1 })).toThrow(/share must be in \(0, 1\), got 1/);
    expect(() => remergeStencilUnit(ok, { unit: 0, cloneUnit: 3, share: 0.5, addedCells: 1 })).toThrow(/cloneUnit must be a clone in \[9, 9\), got 3/);
    expect(() => new StencilCloneSplitPlanner({ windowSteps: 0 })).toThrow(/config windowSteps = 0: /);
    [net, roomy, ok].forEach((n) => n.dispose());
  });
});

describe("StencilCloneSplitPlanner", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  // y = Σ_p relu(x_p) + relu(−x_0): the identity-seeded unit at pixel 0 can give relu(x_0) but not relu(−x_0).
  function task(seed: number): { net: StencilNet; source: BatchSource } {
    const rng = createRng(seed);
    const net = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 } }, outputs: 1, loss: "mse", learningRate: 0.02, rng: rng.fork("readout") });
    const data = rng.fork("data");
    const source: BatchSource = {
      next: () =>
        tf.tidy(() => {
          const x = tf.randomNormal<Rank.R2>([64, 9], 0, 1, "float32", data.nextSeed());
          const y = tf.add<Tensor2D>(tf.sum(tf.relu(x), 1, true), tf.relu(tf.neg(tf.slice(x, [0, 0], [64, 1]))));
          return { x, y };
        }),
    };
    for (let i = 0; i < 150; i += 1) {
      const b = source.next("rollout");
      net.trainStep(b).dispose();
      disposeBatch(b);
    }
    return { net, source };
  }

  it("keeps a clone that carries function the source cannot, re-merges an exact twin, and reclaims its cells", () => {
    const before = tf.memory().numTensors;
    const events: string[] = [];
    const planner = new StencilCloneSplitPlanner({ windowSteps: 5, incomingNoiseStd: 0, evalBatches: 8 }, { onEvent: (e) => events.push(e.type) });

    const a = task(1);
    const trialA = planner.begin(a.net, a.source, createRng(2));
    expect(trialA).toBeDefined();
    if (trialA === undefined) return;
    // An exact twin: the split and its re-merge compute the same function throughout the window.
    for (let i = 0; i < 5; i += 1) {
      const b = a.source.next("rollout");
      trialA.net.trainStep(b).dispose();
      disposeBatch(b);
    }
    const twin = planner.decide(trialA, a.source);
    expect(twin.kept).toBe(false);
    expect(twin.net.stencil.shape[0]).toBe(9);
    expect(twin.reclaimedCells).toBe(trialA.record.addedCells);

    // Give the clone of unit 0 the missing feature: stencil −1 at pixel 0, readout +1.
    const b0 = task(3);
    const split = cloneStencilUnit(b0.net, { unit: 0 });
    const trialB = { net: split.net, record: split.record, nomination: { unit: 0, overload: 0, snr: 0 }, startStep: split.net.steps };
    const keys = trialB.net.stencil.hotKeys();
    const own = trialB.net.stencil.hotValues();
    own[keys.indexOf(split.record.cloneUnit * 9)] = -1;
    trialB.net.setOwnValues(own);
    tf.tidy(() => {
      const r = Float32Array.from(trialB.net.readout.dataSync());
      r[0] = 2 * (r[0] as number);
      r[split.record.cloneUnit] = 1;
      trialB.net.readout.assign(tf.tensor2d(r, [10, 1]));
    });
    for (let i = 0; i < 5; i += 1) {
      const b = b0.source.next("rollout");
      trialB.net.trainStep(b).dispose();
      disposeBatch(b);
    }
    const useful = planner.decide(trialB, b0.source);
    expect(useful.kept).toBe(true);
    expect(useful.winRate).toBe(1);
    expect(useful.net.stencil.shape[0]).toBe(10);
    expect(events).toEqual(["stencil-clone-split", "stencil-clone-remerge", "stencil-clone-keep"]);

    [a.net, twin.net, b0.net, useful.net].forEach((n) => n.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it("nominates by overload, skips a re-merged unit for retryAfter trials, and splits deterministically per seed", () => {
    const { net, source } = task(5);
    const again = task(5);
    const splits: StencilEvent[] = [];
    const planner = new StencilCloneSplitPlanner({ windowSteps: 1, retryAfter: 1 }, { onEvent: (e) => splits.push(e) });
    const ranked = new StencilCloneSplitPlanner().nominate(again.net, again.source);
    expect(ranked).toHaveLength(9);
    for (let i = 1; i < ranked.length; i += 1) expect(ranked[i - 1]!.overload).toBeGreaterThanOrEqual(ranked[i]!.overload);
    const t1 = planner.begin(net, source, createRng(9));
    const t2 = new StencilCloneSplitPlanner({ windowSteps: 1 }).begin(again.net, task(5).source, createRng(9));
    expect(t1 && t2).toBeTruthy();
    if (t1 === undefined || t2 === undefined) return;
    expect(t2.record.unit).toBe(t1.record.unit);
    // The split event reports the noise-free split's output change (float rounding only).
    const split = splits.find((e) => e.type === "stencil-clone-split");
    expect(split?.type).toBe("stencil-clone-split");
    expect(split?.type === "stencil-clone-split" ? split.exactPreservationError : Infinity).toBeLessThan(1e-5);
    expect(bitEqual(t1.net.stencil.hotValues(), t2.net.stencil.hotValues())).toBe(true);
    t2.net.dispose();
    again.net.dispose();
    const b = source.next("rollout");
    t1.net.trainStep(b).dispose();
    disposeBatch(b);
    const decision = planner.decide(t1, source);
    expect(decision.kept).toBe(false);
    expect(planner.nominate(decision.net, source).map((n) => n.unit)).not.toContain(t1.record.unit);
    decision.net.dispose();
    net.dispose();
  });
});
