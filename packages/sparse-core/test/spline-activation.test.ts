// Spline activations (seed 002 L1231-1235, L1288-1292): identity at init with an exact fast path, hinge
// arithmetic, gradients against finite differences, and growth/pruning of coefficients by the planner cycle.
import { createRng, tf, type Rank, type Tensor2D } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";

import { GrowthPlanner, SPLINE_DEFAULT_KNOTS, SparseMaskedStack, SplineActivatedStack, SplineActivation, disposeBatch, type Batch, type PlannerEvent, type StackLayerSpec } from "../src/index.js";
import { bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

const LAYERS: readonly StackLayerSpec[] = [
  { inFeatures: 3, outFeatures: 4, initial: { keys: Int32Array.of(1, 5, 6, 11), values: Float32Array.of(0.5, -0.7, 1.2, 0.3) } },
  { inFeatures: 4, outFeatures: 2, base: { kind: "zero" }, initial: { keys: Int32Array.of(0, 3, 4, 7), values: Float32Array.of(1, -1, 0.5, 2) } },
];

function read(t: Tensor2D): Float32Array {
  const out = Float32Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe.each(["cpu", "wasm"] as const)("SplineActivation on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("is the identity at init: the fast path returns the input itself, and the stack equals a linear-activation stack bit for bit", () => {
    const before = tf.memory().numTensors;
    const act = new SplineActivation({ id: "a", units: 4 });
    const x = tf.randomNormal<Rank.R2>([8, 4], 0, 1, "float32", 1);
    expect(act.forward(x)).toBe(x);
    expect(act.callCounts).toEqual({ forward: 1, fastPath: 1 });
    const splineNet = new SplineActivatedStack({ layers: LAYERS });
    const linearNet = new SparseMaskedStack({ layers: LAYERS, activation: "linear" });
    const input = tf.randomNormal<Rank.R2>([16, 3], 0, 1, "float32", 2);
    expect(bitEqual(read(splineNet.forward(input)), read(linearNet.forward(input)))).toBe(true);
    expect(splineNet.activations[0]?.callCounts.fastPath).toBe(1);
    for (const t of [x, input]) t.dispose();
    act.dispose();
    splineNet.dispose();
    linearNet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("adds c·relu(x − t) per Hot coefficient", () => {
    const act = new SplineActivation({ id: "a", units: 2, knots: [-1, 0, 1] });
    act.setStructure(Int32Array.of(1, 5), Float32Array.of(0.5, -2)); // c_{0,1} on t=0, c_{1,2} on t=1
    const xs = Float32Array.of(-2, 3, 0.5, 1.5, 2, -0.5);
    const x = tf.tensor2d(xs, [3, 2]);
    const y = read(act.forward(x));
    const expected = Float32Array.from(xs, (v, i) => (i % 2 === 0 ? v + 0.5 * Math.max(0, v) : v - 2 * Math.max(0, v - 1)));
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-6);
    expect(act.counters(1e-4)).toEqual({ cStruct: 2, cActive: 2, computeCells: 2 });
    expect(act.heatOf(0, 1)).toBe("hot");
    x.dispose();
    act.dispose();
  });

  it("gives coefficient gradients that match central finite differences, and toggle-mask gradients that match Hot gradients at zero", () => {
    const net = new SplineActivatedStack({ layers: LAYERS });
    const rng = createRng(5);
    const cells = Int32Array.of(2, 7, 13, 20, 33);
    const values = Float32Array.from(cells, () => rng.normal(0, 0.5));
    net.commitCells("act0", cells, values);
    const batch: Batch = { x: tf.randomNormal<Rank.R2>([32, 3], 0, 1.2, "float32", 6), y: tf.randomNormal<Rank.R2>([32, 2], 0, 1, "float32", 7) };
    const grad = net.hotGradient(batch, "act0");
    const h = 1e-2;
    cells.forEach((_, i) => {
      const at = (delta: number): number => {
        const v = Float32Array.from(values);
        v[i] = (v[i] as number) + delta;
        const loss = net.loss(batch, { hotValues: new Map([["act0", tf.tensor1d(v)]]) });
        const out = loss.dataSync()[0] as number;
        loss.dispose();
        return out;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs((grad[i] as number) - fd)).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(fd)));
    });
    // Toggle-mask probe of every cell vs the Hot gradient with every cell committed at 0.
    const fresh = new SplineActivatedStack({ layers: LAYERS });
    const toggle = fresh.toggleMaskGradient(batch, "act0");
    const all = Int32Array.from({ length: 4 * SPLINE_DEFAULT_KNOTS.length }, (_, k) => k);
    fresh.commitCells("act0", all, new Float32Array(all.length));
    expect(maxAbsDiff(fresh.hotGradient(batch, "act0"), toggle)).toBeLessThan(1e-5);
    disposeBatch(batch);
    net.dispose();
    fresh.dispose();
  });
});

/** y = x + 1.5·relu(x − 0.5): a kink the identity spline must grow; x ~ U(−2.5, 2.5). */
function kinkSource(seed: number): { next(): Batch } {
  const rng = createRng(seed);
  return {
    next: () =>
      tf.tidy(() => {
        const x = tf.randomUniform<Rank.R2>([64, 1], -2.5, 2.5, "float32", rng.nextSeed());
        return { x, y: tf.add<Tensor2D>(x, tf.mul(1.5, tf.relu(tf.sub(x, 0.5)))) };
      }),
  };
}

describe("SplineActivatedStack under the growth planner", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("grows the coefficient at the kink through probe and commit, and prunes coefficients over budget", () => {
    const before = tf.memory().numTensors;
    const net = new SplineActivatedStack({
      layers: [
        { inFeatures: 1, outFeatures: 1, budget: { structCap: 0 } },
        { inFeatures: 1, outFeatures: 1, budget: { structCap: 0 } },
      ],
      activationBudget: { structCap: 2 },
      learningRate: 0.05,
    });
    const source = kinkSource(1);
    const events: PlannerEvent[] = [];
    const planner = new GrowthPlanner({ maxCommitsPerObject: 1, probeLearningRate: 0.05 }, { onEvent: (e) => events.push(e) });
    const test = source.next();
    const initial = net.lossValue(test);
    for (let step = 1; step <= 200; step += 1) {
      const b = source.next();
      net.trainStep(b).dispose();
      disposeBatch(b);
      if (step % 20 === 0) planner.runCycle(net, source, createRng(step));
    }
    const commits = events.filter((e) => e.type === "commit" && e.objectId === "act0");
    expect(commits.length).toBeGreaterThan(0);
    const act = net.activations[0] as SplineActivation;
    const grown = act.hotKeys();
    const kink = Array.from(grown).indexOf(SPLINE_DEFAULT_KNOTS.indexOf(0.5));
    expect(kink).toBeGreaterThanOrEqual(0);
    expect(act.hotValues()[kink]).toBeCloseTo(1.5, 1);
    expect(net.lossValue(test)).toBeLessThan(0.01 * initial);
    expect(events.filter((e) => e.type === "probe" && e.objectId === "act0").every((e) => e.type === "probe" && e.baseUntouched)).toBe(true);

    // Over budget (two more coefficients committed by hand past structCap 2): the cycle prunes the weakest.
    const extra = Int32Array.from([0, 1, 2, 3].filter((k) => !grown.includes(k)).slice(0, 2));
    net.commitCells("act0", extra, Float32Array.of(0, 0.001));
    const pruneEvents: PlannerEvent[] = [];
    const pruner = new GrowthPlanner({ maxCommitsPerObject: 0 }, { onEvent: (e) => pruneEvents.push(e) });
    pruner.runCycle(net, source, createRng(99));
    const reasons = pruneEvents.flatMap((e) => (e.type === "prune" && e.objectId === "act0" ? [e.reason] : []));
    expect(reasons).toContain("struct-cap");
    expect(Array.from(act.hotKeys())).toEqual(Array.from(grown));
    disposeBatch(test);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects bad options, naming the field", () => {
    expect(() => new SplineActivation({ id: "a", units: 0 })).toThrow(/units/);
    expect(() => new SplineActivation({ id: "a", units: 2, knots: [0, 0] })).toThrow(/strictly increasing; knot 1/);
    expect(() => new SplineActivatedStack({ layers: [LAYERS[0] as StackLayerSpec] })).toThrow(/layers/);
    expect(() => new SplineActivatedStack({ layers: [LAYERS[0] as StackLayerSpec, LAYERS[0] as StackLayerSpec] })).toThrow(/layers\.1\.inFeatures/);
    expect(() => new SplineActivatedStack({ layers: [{ ...(LAYERS[0] as StackLayerSpec), extra: 1 } as StackLayerSpec, LAYERS[1] as StackLayerSpec] })).toThrow(/Unrecognized key.*extra/);
  });
});
