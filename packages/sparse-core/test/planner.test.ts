// The growth planner (seed 002 L1248-1253, L1334-1341, L1607; SEED-INVENTORY H002-F): it recovers a
// sparse teacher's support from an empty layer; ≤ 2 commits per object per cycle; caps never exceeded;
// prune only when over budget; probes leave the base bit-identical; same seed, same result; no leaks.
import { createRng, tf, type Rank, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { GrowthPlanner, SparseMaskedStack, disposeBatch, makeRegion, microRollout, type Batch, type PlannerEvent, type PlannerModel } from "../src/index.js";
import { TEST_BACKENDS, bitEqual, useBackend } from "./helpers/backends.js";
import { makeTeacher, teacherSource } from "./helpers/teacher.js";

interface RunResult {
  readonly events: PlannerEvent[];
  readonly hot: Int32Array;
  readonly values: Float32Array;
  readonly finalLoss: number;
  readonly recovered: number;
  readonly commitsPerCycle: number[];
  readonly maxStruct: number;
}

function runGrowth(seed: number, options: { structCap: number; teacherCells: number; cycles: number; every: number; kinds?: ("cell" | "row" | "column" | "block")[] }): RunResult {
  const teacher = makeTeacher(seed, 12, 6, options.teacherCells);
  const rng = createRng(seed);
  const source = teacherSource(teacher, rng.fork("data"), 32);
  const net = new SparseMaskedStack({ layers: [{ inFeatures: 12, outFeatures: 6, base: { kind: "zero" }, budget: { structCap: options.structCap } }], learningRate: 0.05 });
  const events: PlannerEvent[] = [];
  const planner = new GrowthPlanner({ frontier: { kinds: options.kinds ?? ["cell", "row", "column", "block"] } }, { onEvent: (e) => events.push(e) });
  const commitsPerCycle: number[] = [];
  let maxStruct = 0;
  for (let cycle = 0; cycle < options.cycles; cycle += 1) {
    for (let s = 0; s < options.every; s += 1) {
      const b = source.train();
      net.trainStep(b).dispose();
      disposeBatch(b);
    }
    const report = planner.runCycle(net, source, rng.fork(`cycle${cycle}`));
    commitsPerCycle.push(report.commits["layer0"] ?? 0);
    maxStruct = Math.max(maxStruct, net.layers[0]?.nnz ?? 0);
  }
  const e = source.train();
  const finalLoss = net.lossValue(e);
  disposeBatch(e);
  const layer = net.layer("layer0");
  const hot = layer.hotKeys();
  const result = { events, hot, values: layer.hotValues(), finalLoss, recovered: Array.from(hot).filter((k) => teacher.keys.includes(k)).length, commitsPerCycle, maxStruct };
  net.dispose();
  source.dispose();
  return result;
}

describe.each(TEST_BACKENDS)("GrowthPlanner on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("grows an empty layer to a sparse teacher's support and fits it", () => {
    const r = runGrowth(1, { structCap: 10, teacherCells: 10, cycles: 12, every: 15 });
    expect(r.recovered).toBe(10);
    expect(r.finalLoss).toBeLessThan(0.01);
    expect(r.events.some((e) => e.type === "commit")).toBe(true);
  });

  it("is deterministic per seed and leaks no tensors", () => {
    const before = tf.memory().numTensors;
    const a = runGrowth(4, { structCap: 6, teacherCells: 8, cycles: 4, every: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const b = runGrowth(4, { structCap: 6, teacherCells: 8, cycles: 4, every: 5 });
    expect(Array.from(b.hot)).toEqual(Array.from(a.hot));
    expect(bitEqual(b.values, a.values)).toBe(true);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });
});

describe("GrowthPlanner invariants (random teachers, caps and schedules)", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("≤ 2 commits per object per cycle, C_struct never above its cap, probes leave the base untouched, prune only when over budget", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 14 }), (seed, structCap, teacherCells) => {
        const r = runGrowth(seed, { structCap, teacherCells, cycles: 5, every: 3 });
        expect(Math.max(...r.commitsPerCycle)).toBeLessThanOrEqual(2);
        for (let c = 0; c < 5; c += 1) expect(r.events.filter((e) => e.type === "commit" && e.cycle === c).length).toBeLessThanOrEqual(2);
        expect(r.maxStruct).toBeLessThanOrEqual(structCap);
        for (const e of r.events) {
          if (e.type === "commit") expect(e.cStructAfter).toBeLessThanOrEqual(structCap);
          if (e.type === "probe") expect(e.baseUntouched).toBe(true);
          if (e.type === "prune") expect(e.reason === "displaced" || e.keys.length > 0).toBe(true);
        }
        // Budget-driven removals happen only from over-cap states; here caps are respected at commit, so only displacement prunes.
        expect(r.events.filter((e) => e.type === "prune" && e.reason === "struct-cap")).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });

  it("at the cap, displaces the lowest Taylor score by default and the smallest |w| with displacementRanking: magnitude (ADR 0306)", () => {
    const victims = (ranking: "taylor" | "magnitude"): number[] => {
      // y = x₂; Hot cells 0 (|w| 0.2, large v) and 1 (|w| 0.5, tiny v) at a cap of 2: cell 2 must displace one.
      const teacher = { inFeatures: 4, outFeatures: 1, keys: Int32Array.of(2), weights: Float32Array.of(0, 0, 1, 0) };
      const rng = createRng(5);
      const source = teacherSource(teacher, rng.fork("data"), 32);
      const net = new SparseMaskedStack({ layers: [{ inFeatures: 4, outFeatures: 1, base: { kind: "zero" }, budget: { structCap: 2 }, initial: { keys: Int32Array.of(0, 1), values: Float32Array.of(0.2, 0.5) } }] });
      const v = new Map([
        [0, 1],
        [1, 1e-6],
      ]);
      const model: PlannerModel = {
        objects: net.objects,
        proxL1: net.proxL1,
        loss: (b, o) => net.loss(b, o),
        toggleMaskGradient: (b, id) => net.toggleMaskGradient(b, id),
        hotGradient: (b, id) => net.hotGradient(b, id),
        secondMoment: (id) => Float32Array.from(net.layer(id).hotKeys(), (key) => v.get(key) ?? 0),
        commitCells: (id, keys, values) => net.commitCells(id, keys, values),
        removeCells: (id, keys) => net.removeCells(id, keys),
        zeroCells: (id, keys) => net.zeroCells(id, keys),
      };
      const events: PlannerEvent[] = [];
      new GrowthPlanner({ frontier: { kinds: ["cell"] }, probeLearningRate: 0.05, maxCommitsPerObject: 1, help: { enabled: false }, displacementRanking: ranking }, { onEvent: (e) => events.push(e) }).runCycle(model, source, rng.fork("cycle"));
      const displaced = events.flatMap((e) => (e.type === "prune" && e.reason === "displaced" ? e.keys : []));
      expect(events.some((e) => e.type === "commit" && e.region.keys.includes(2))).toBe(true);
      net.dispose();
      source.dispose();
      return displaced;
    };
    expect(victims("taylor")).toEqual([1]);
    expect(victims("magnitude")).toEqual([0]);
  });

  it("with displaceIdleFirst, displaces Hot cells that no gradient reaches before the smallest |w| (ADR 0307)", () => {
    // y = x₂ and x₃ ≡ 0: Hot cell 3 (|w| 0.9) is idle (zero gradient on every batch), cell 0 (|w| 0.2) is not.
    const victims = (displaceIdleFirst: boolean): number[] => {
      const rng = createRng(7);
      const mask = tf.tensor2d([[1, 1, 1, 0]]);
      const batch = (): Batch =>
        tf.tidy(() => {
          const x = tf.mul<Tensor2D>(tf.randomNormal<Rank.R2>([32, 4], 0, 1, "float32", rng.nextSeed()), mask);
          return { x, y: tf.slice(x, [0, 2], [32, 1]) };
        });
      const net = new SparseMaskedStack({ layers: [{ inFeatures: 4, outFeatures: 1, base: { kind: "zero" }, budget: { structCap: 2 }, initial: { keys: Int32Array.of(0, 3), values: Float32Array.of(0.2, 0.9) } }] });
      const events: PlannerEvent[] = [];
      const config = { frontier: { kinds: ["cell" as const] }, probeLearningRate: 0.05, maxCommitsPerObject: 1, help: { enabled: false }, displacementRanking: "magnitude" as const, displaceIdleFirst };
      new GrowthPlanner(config, { onEvent: (e) => events.push(e) }).runCycle(net, { next: batch }, rng.fork("cycle"));
      expect(events.some((e) => e.type === "commit" && e.region.keys.includes(2))).toBe(true);
      const displaced = events.flatMap((e) => (e.type === "prune" && e.reason === "displaced" ? e.keys : []));
      net.dispose();
      mask.dispose();
      return displaced;
    };
    expect(victims(false)).toEqual([0]);
    expect(victims(true)).toEqual([3]);
  });

  it("prunes by Taylor only when over budget (lowering a cap removes exactly the excess)", () => {
    const teacher = makeTeacher(3, 8, 4, 8);
    const rng = createRng(3);
    const source = teacherSource(teacher, rng.fork("d"), 16);
    const keys = teacher.keys;
    const values = Float32Array.from(keys, (k) => teacher.weights[k] as number);
    const roomy = new SparseMaskedStack({ layers: [{ inFeatures: 8, outFeatures: 4, base: { kind: "zero" }, budget: { structCap: 8 }, initial: { keys, values } }] });
    const events: PlannerEvent[] = [];
    const planner = new GrowthPlanner({ maxCommitsPerObject: 0 }, { onEvent: (e) => events.push(e) });
    planner.runCycle(roomy, source, rng.fork("a"));
    expect(events.filter((e) => e.type === "prune")).toEqual([]);
    const tight = new SparseMaskedStack({ layers: [{ inFeatures: 8, outFeatures: 4, base: { kind: "zero" }, budget: { structCap: 5, activeCap: 4 }, initial: { keys, values } }] });
    for (let i = 0; i < 5; i += 1) {
      const b = source.train();
      tight.trainStep(b).dispose();
      disposeBatch(b);
    }
    planner.runCycle(tight, source, rng.fork("b"));
    const prunes = events.filter((e) => e.type === "prune");
    expect(prunes.map((e) => (e.type === "prune" ? [e.action, e.reason, e.keys.length] : []))).toEqual([
      ["zero", "active-cap", 4],
      ["remove", "struct-cap", 3],
    ]);
    expect(tight.layers[0]?.counters(1e-4)).toMatchObject({ cStruct: 5, cActive: 4 });
    roomy.dispose();
    tight.dispose();
  });

  it("zeroes the weakest lit cells down to its depth's activeCap, and only then (issue 6 item 2)", () => {
    const teacher = makeTeacher(4, 8, 4, 8);
    const rng = createRng(4);
    const source = teacherSource(teacher, rng.fork("d"), 16);
    const keys = teacher.keys;
    const values = Float32Array.from(keys, (k) => teacher.weights[k] as number);
    const stackWith = (): SparseMaskedStack => new SparseMaskedStack({ layers: [{ inFeatures: 8, outFeatures: 4, base: { kind: "zero" }, budget: { structCap: 8 }, initial: { keys, values } }] });
    const run = (depthActiveCap: number): PlannerEvent[] => {
      const net = stackWith();
      const events: PlannerEvent[] = [];
      new GrowthPlanner({ maxCommitsPerObject: 0, depthBudgets: { "0": { structCap: 8, activeCap: depthActiveCap } } }, { onEvent: (e) => events.push(e) }).runCycle(net, source, rng.fork(`c${depthActiveCap}`));
      expect(net.layers[0]?.counters(1e-4)).toMatchObject({ cStruct: 8, cActive: Math.min(8, depthActiveCap) });
      net.dispose();
      return events.filter((e) => e.type === "prune");
    };
    expect(run(8)).toEqual([]);
    expect(run(3).map((e) => (e.type === "prune" ? [e.action, e.reason, e.keys.length] : []))).toEqual([["zero", "depth-active-cap", 5]]);
    source.dispose();
  });
});

describe.each(TEST_BACKENDS)("probes on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("a Frozen and a Relaxed micro-rollout leave W_vals bit-identical; a zero toggle leaves the output unchanged", () => {
    const teacher = makeTeacher(9, 6, 3, 6);
    const rng = createRng(9);
    const source = teacherSource(teacher, rng.fork("d"), 16);
    const keys = teacher.keys.slice(0, 3);
    const net = new SparseMaskedStack({ layers: [{ inFeatures: 6, outFeatures: 3, base: { kind: "zero" }, initial: { keys, values: Float32Array.of(0.3, -0.2, 0.1) } }] });
    const before = net.layers[0]?.hotValues() ?? new Float32Array(0);
    const batches = [source.train(), source.train(), source.train()];
    const baseLoss = net.lossValue(batches[2]!);
    const region = makeRegion("layer0", "cell", [[Math.floor((teacher.keys[4] as number) / 3), (teacher.keys[4] as number) % 3]], 3);
    const frozen = microRollout(net, region, { stepBatches: batches.slice(0, 2), evalBatches: [batches[2]!], baseEvalLosses: [baseLoss] });
    const relaxed = microRollout(net, region, { stepBatches: batches.slice(0, 2), evalBatches: [batches[2]!], baseEvalLosses: [baseLoss], relaxedTrustWeight: 1 });
    expect(bitEqual(net.layers[0]?.hotValues() ?? new Float32Array(0), before)).toBe(true);
    expect(frozen.meanGain).toBeGreaterThan(0);
    expect(Number.isFinite(relaxed.meanGain)).toBe(true);
    // Toggle-mask: M' = M ∪ R with W_R = 0 changes nothing in the forward pass.
    const y0 = net.forward(batches[0]!.x);
    const g = net.toggleMaskGradient(batches[0]!, "layer0");
    const y1 = net.forward(batches[0]!.x);
    expect(bitEqual(Float32Array.from(y0.dataSync()), Float32Array.from(y1.dataSync()))).toBe(true);
    expect(g.length).toBe(18);
    tf.dispose([y0, y1]);
    batches.forEach(disposeBatch);
    net.dispose();
  });

  it("commit keeps Adam moments of surviving cells and starts new cells at zero moments", () => {
    const net = new SparseMaskedStack({ layers: [{ inFeatures: 2, outFeatures: 2, base: { kind: "zero" }, initial: { keys: Int32Array.of(0), values: Float32Array.of(0.5) } }] });
    const b = { x: tf.tensor2d([[1, 2]]), y: tf.tensor2d([[3, 4]]) };
    net.trainStep(b).dispose();
    const v0 = net.secondMoment("layer0")[0];
    net.commitCells("layer0", Int32Array.of(3), Float32Array.of(0.1));
    expect(Array.from(net.secondMoment("layer0"))).toEqual([v0, 0]);
    net.removeCells("layer0", Int32Array.of(3));
    expect(Array.from(net.secondMoment("layer0"))).toEqual([v0]);
    disposeBatch(b);
    net.dispose();
    expect(() => new GrowthPlanner({ maxCommitsPerObject: 3 })).toThrow(/config maxCommitsPerObject = 3: /);
    const unused: Tensor1D | undefined = undefined;
    expect(unused).toBeUndefined();
  });
});
