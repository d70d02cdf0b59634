// Clone-and-split (seed 002 L1314-1324): function preservation at t = 0 for any activation and base
// (property), exact re-merge, antithetic asymmetry at second order, budgets, and the keep/re-merge cycle.
import { createRng, tf, type Rank, type Rng } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { ACTIVATIONS, CloneSplitPlanner, SparseMaskedStack, cloneSplit, cloneSplitBlock, disposeBatch, remerge, remergeBlock, type Batch, type BatchSource, type CloneSplitEvent, type LayerBase, type StackLayerSpec } from "../src/index.js";
import { bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

const BASES: readonly LayerBase[] = [{ kind: "identity" }, { kind: "zero" }, { kind: "block-identity", blocks: 2 }];

/** A random stack: widths, bases, Hot sets and values drawn from `seed`. */
function randomStack(seed: number, activation: (typeof ACTIVATIONS)[number], zeroBases = false): SparseMaskedStack {
  const rng = createRng(seed);
  const depth = rng.int(2, 4);
  const widths = Array.from({ length: depth + 1 }, () => 2 * rng.int(1, 4));
  const layers: StackLayerSpec[] = [];
  for (let i = 0; i < depth; i += 1) {
    const rows = widths[i] as number;
    const cols = widths[i + 1] as number;
    const keys = Int32Array.from(Array.from({ length: rows * cols }, (_, k) => k).filter(() => rng.bernoulli(0.6)));
    layers.push({ inFeatures: rows, outFeatures: cols, base: zeroBases ? { kind: "zero" } : (BASES[rng.int(0, BASES.length)] as LayerBase), initial: { keys, values: Float32Array.from(keys, () => rng.normal(0, 0.8)) } });
  }
  return new SparseMaskedStack({ layers, activation });
}

function outputs(stack: SparseMaskedStack, x: tf.Tensor2D): Float32Array {
  const y = stack.forward(x);
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

describe.each(["cpu", "wasm"] as const)("cloneSplit on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("leaves the output unchanged at t = 0 for any activation, base and share (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(...ACTIVATIONS), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.nat(), (seed, activation, share, pick) => {
        const net = randomStack(seed, activation);
        const L = pick % (net.layers.length - 1);
        const layer = net.layers[L] as SparseMaskedStack["layers"][number];
        const unit = (pick >> 3) % layer.shape[1];
        const x = tf.randomNormal<Rank.R2>([16, (net.layers[0] as SparseMaskedStack["layers"][number]).shape[0]], 0, 1.5, "float32", seed);
        const { stack: wider, record } = cloneSplit(net, { layerId: layer.id, unit, share });
        const y = outputs(net, x);
        const yWide = outputs(wider, x);
        const scale = Math.max(1, ...Array.from(y, Math.abs));
        expect(maxAbsDiff(y, yWide)).toBeLessThanOrEqual(2e-5 * scale);
        expect(record.cloneUnit).toBe(layer.shape[1]);
        expect(wider.layers[L]?.shape[1]).toBe(layer.shape[1] + 1);
        const back = remerge(wider, record);
        back.layers.forEach((l, i) => {
          const original = net.layers[i] as SparseMaskedStack["layers"][number];
          expect(l.shape).toEqual(original.shape);
          expect(Array.from(l.hotKeys())).toEqual(Array.from(original.hotKeys()));
          expect(maxAbsDiff(l.hotValues(), original.hotValues())).toBeLessThanOrEqual(1e-6);
        });
        expect(maxAbsDiff(outputs(back, x), y)).toBeLessThanOrEqual(2e-5 * scale);
        x.dispose();
        for (const s of [net, wider, back]) s.dispose();
      }),
      { numRuns: backend === "cpu" ? 60 : 20 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("splits a block of units with the function preserved and re-merges it to the original (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(...ACTIVATIONS), (seed, activation) => {
        const net = randomStack(seed, activation);
        const layer = net.layers[0] as SparseMaskedStack["layers"][number];
        const units = Array.from({ length: layer.shape[1] }, (_, u) => u).filter((u) => u % 2 === seed % 2);
        const x = tf.randomNormal<Rank.R2>([8, layer.shape[0]], 0, 1, "float32", seed);
        const { stack: wider, records } = cloneSplitBlock(net, { layerId: layer.id, units });
        expect(wider.layers[0]?.shape[1]).toBe(layer.shape[1] + units.length);
        const y = outputs(net, x);
        const scale = Math.max(1, ...Array.from(y, Math.abs));
        expect(maxAbsDiff(outputs(wider, x), y)).toBeLessThanOrEqual(4e-5 * scale);
        const back = remergeBlock(wider, records);
        back.layers.forEach((l, i) => expect(Array.from(l.hotKeys())).toEqual(Array.from((net.layers[i] as SparseMaskedStack["layers"][number]).hotKeys())));
        expect(maxAbsDiff(outputs(back, x), y)).toBeLessThanOrEqual(4e-5 * scale);
        x.dispose();
        for (const s of [net, wider, back]) s.dispose();
      }),
      { numRuns: backend === "cpu" ? 25 : 10 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("re-merges bit for bit on zero bases with share ½, and counts the clone's cells", () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const net = randomStack(seed, "relu", true);
      const { stack: wider, record } = cloneSplit(net, { layerId: "layer0", unit: 0 });
      const cells = (s: SparseMaskedStack): number => s.layers.reduce((n, l) => n + l.nnz, 0);
      expect(cells(wider) - cells(net)).toBe(record.addedCells);
      const back = remerge(wider, record);
      back.layers.forEach((l, i) => {
        expect(Array.from(l.hotKeys())).toEqual(Array.from((net.layers[i] as SparseMaskedStack["layers"][number]).hotKeys()));
        expect(bitEqual(l.hotValues(), (net.layers[i] as SparseMaskedStack["layers"][number]).hotValues())).toBe(true);
      });
      for (const s of [net, wider, back]) s.dispose();
    }
  });
});

describe("cloneSplit asymmetry and budgets", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("antithetic incoming noise changes the output at second order only", () => {
    const rng = createRng(7);
    const dense = (rows: number, cols: number): StackLayerSpec => {
      const keys = Int32Array.from({ length: rows * cols }, (_, k) => k);
      return { inFeatures: rows, outFeatures: cols, base: { kind: "zero" }, initial: { keys, values: Float32Array.from(keys, () => rng.normal(0, 0.8)) } };
    };
    const net = new SparseMaskedStack({ layers: [dense(4, 3), dense(3, 2)], activation: "tanh" });
    const x = tf.randomNormal<Rank.R2>([64, (net.layers[0] as SparseMaskedStack["layers"][number]).shape[0]], 0, 1, "float32", 3);
    const y = outputs(net, x);
    const errorAt = (std: number): number => {
      const { stack } = cloneSplit(net, { layerId: "layer0", unit: 1, asymmetry: { incomingNoiseStd: std, rng: createRng(11) } });
      const e = maxAbsDiff(outputs(stack, x), y);
      stack.dispose();
      return e;
    };
    const big = errorAt(0.04);
    const small = errorAt(0.02);
    expect(big).toBeGreaterThan(1e-5);
    expect(small / big).toBeGreaterThan(0.15);
    expect(small / big).toBeLessThan(0.35); // ≈ ¼ for a second-order change (½ for a first-order one)
    x.dispose();
    net.dispose();
  });

  it("refuses a split over a layer's structCap and names the field; rejects bad specs", () => {
    const net = new SparseMaskedStack({
      layers: [
        { inFeatures: 3, outFeatures: 2, base: { kind: "zero" }, budget: { structCap: 5 }, initial: { keys: Int32Array.of(0, 1, 2, 3, 4), values: Float32Array.of(1, 2, 3, 4, 5) } },
        { inFeatures: 2, outFeatures: 1, base: { kind: "zero" }, initial: { keys: Int32Array.of(0, 1), values: Float32Array.of(1, 1) } },
      ],
      activation: "relu",
    });
    expect(() => cloneSplit(net, { layerId: "layer0", unit: 0 })).toThrow(/"layer0" would hold 8 Hot cells, over its budget\.structCap 5/);
    expect(() => cloneSplit(net, { layerId: "layer1", unit: 0 })).toThrow(/layerId/);
    expect(() => cloneSplit(net, { layerId: "layer0", unit: 5 })).toThrow(/unit must be an integer in \[0, 2\)/);
    expect(() => cloneSplit(net, { layerId: "layer0", unit: 0, share: 1 })).toThrow(/share/);
    net.dispose();
  });
});

/** y = Σ_k relu(x·a_k) with `teacherUnits` hidden units; a student with `studentUnits` relu units. */
function reluTask(seed: number, teacherUnits: number, noise: number): { source: BatchSource & { train(): Batch }; dispose(): void } {
  const rng = createRng(seed);
  const a = tf.tensor2d(Float32Array.from({ length: 4 * teacherUnits }, () => rng.normal()), [4, teacherUnits]);
  const make = (r: Rng): Batch =>
    tf.tidy(() => {
      const x = tf.randomNormal<Rank.R2>([64, 4], 0, 1, "float32", r.nextSeed());
      const clean = tf.sum(tf.relu(tf.matMul(x, a)), 1, true);
      return { x, y: tf.add<tf.Tensor2D>(clean, tf.randomNormal(clean.shape, 0, noise, "float32", r.nextSeed())) };
    });
  const stream = rng.fork("data");
  return { source: { next: () => make(stream), train: () => make(stream) }, dispose: () => a.dispose() };
}

function student(seed: number, units: number): SparseMaskedStack {
  const rng = createRng(seed);
  const keys0 = Int32Array.from({ length: 4 * units }, (_, k) => k);
  const keys1 = Int32Array.from({ length: units }, (_, k) => k);
  return new SparseMaskedStack({
    layers: [
      { inFeatures: 4, outFeatures: units, base: { kind: "zero" }, initial: { keys: keys0, values: Float32Array.from(keys0, () => rng.normal(0, 0.7)) } },
      { inFeatures: units, outFeatures: 1, base: { kind: "zero" }, initial: { keys: keys1, values: Float32Array.from(keys1, () => rng.uniform(0.5, 1)) } },
    ],
    activation: "relu",
    learningRate: 0.02,
  });
}

function train(net: SparseMaskedStack, source: { train(): Batch }, steps: number): void {
  for (let s = 0; s < steps; s += 1) {
    const b = source.train();
    net.trainStep(b).dispose();
    disposeBatch(b);
  }
}

describe("CloneSplitPlanner", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("nominates only live units, skips splits over budget with an event, and validates its config by field", () => {
    const net = new SparseMaskedStack({
      layers: [
        { inFeatures: 4, outFeatures: 3, base: { kind: "zero" }, budget: { structCap: 5 }, initial: { keys: Int32Array.of(0, 1, 3, 4), values: Float32Array.of(1, -1, 0.5, 2) } },
        { inFeatures: 3, outFeatures: 1, base: { kind: "zero" }, initial: { keys: Int32Array.of(0, 1, 2), values: Float32Array.of(1, 1, 1) } },
      ],
      activation: "relu",
    });
    const task = reluTask(9, 2, 0);
    const events: CloneSplitEvent[] = [];
    const splitter = new CloneSplitPlanner({}, { onEvent: (e) => events.push(e) });
    const nominations = splitter.nominate(net, task.source);
    expect(nominations.map((n) => n.unit).sort()).toEqual([0, 1]); // unit 2 has no incoming weight
    expect(nominations[0]?.overload).toBeGreaterThanOrEqual(nominations[1]?.overload ?? Infinity);
    expect(splitter.begin(net, task.source, createRng(1))).toBeUndefined(); // 4 + 2 cells > structCap 5
    expect(events.map((e) => e.type)).toEqual(["clone-skip", "clone-skip"]);
    expect(() => new CloneSplitPlanner({ minWinRate: 2 })).toThrow(/config minWinRate = 2: /);
    expect(() => new CloneSplitPlanner({ layers: ["layer1"] }).nominate(net, task.source)).toThrow(/"layer1" is not a hidden layer/);
    net.dispose();
    task.dispose();
  });

  it("keeps a split that helps an under-capacity student and re-merges one that cannot help", () => {
    const before = tf.memory().numTensors;
    const events: CloneSplitEvent[] = [];
    const splitter = new CloneSplitPlanner({ windowSteps: 150, evalBatches: 6 }, { onEvent: (e) => events.push(e) });

    // Under capacity: 1 relu unit for a 3-unit teacher.
    const narrow = reluTask(1, 3, 0.1);
    let net = student(2, 1);
    train(net, narrow.source, 200);
    const trial = splitter.begin(net, narrow.source, createRng(3));
    expect(trial).toBeDefined();
    net.dispose();
    net = (trial as NonNullable<typeof trial>).stack;
    expect(() => splitter.decide(trial as NonNullable<typeof trial>, narrow.source)).toThrow(/windowSteps/);
    train(net, narrow.source, 150);
    const keep = splitter.decide(trial as NonNullable<typeof trial>, narrow.source);
    expect(keep.kept).toBe(true);
    expect(keep.meanGain).toBeGreaterThan(0);
    expect(keep.stack.layers[0]?.shape[1]).toBe(2);
    keep.stack.dispose();
    narrow.dispose();

    // A one-unit teacher plus noise that a one-unit student already fits down to the noise floor: nothing to gain.
    const exact = reluTask(4, 1, 0.1);
    net = student(5, 1);
    train(net, exact.source, 600);
    const trial2 = splitter.begin(net, exact.source, createRng(6));
    net.dispose();
    train((trial2 as NonNullable<typeof trial2>).stack, exact.source, 150);
    const merged = splitter.decide(trial2 as NonNullable<typeof trial2>, exact.source);
    expect(merged.kept).toBe(false);
    expect(merged.reclaimedCells).toBeGreaterThan(0);
    expect(merged.stack.layers[0]?.shape[1]).toBe(1);
    merged.stack.dispose();
    exact.dispose();

    const split = events.filter((e) => e.type === "clone-split");
    expect(split).toHaveLength(2);
    // The antithetic noise (std 0.01) moves a relu net at first order only near the kink: a small change.
    for (const e of split) if (e.type === "clone-split") expect(e.preservationError).toBeLessThan(0.05);
    expect(events.map((e) => e.type)).toEqual(["clone-split", "clone-keep", "clone-split", "clone-remerge"]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
