// The stencil planner and dynamics (seed 002 L1556-1560, L1791-1832): ring/arm frontier, rings grow
// outward through probes, cooling outer ring first (budget and quiet stencils), ties, gravity, escape and
// repulsion, leaks, determinism per seed and config errors by field.
import { createRng, tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";

import { StencilDynamics, StencilLayer, StencilNet, StencilPlanner, cosineSimilarity, disposeBatch, perRingSimilarity, stencilFrontier, type Batch, type BatchSource, type StencilEvent } from "../src/index.js";
import { bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

const SIDE = 6;

/** A translation-invariant teacher: the same 3x3 kernel at every unit, read out by the net's initial readout. */
function teacherTask(net: StencilNet, seed: number, zeroColumns = 0): { source: BatchSource; dispose: () => void } {
  const g = net.stencil.geometry;
  const kernel = [0, 0.8, -0.6, 0.4, 0, 0, -0.5, 0, 0.3];
  const keys: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < g.units; u += 1) {
    for (let o = 0; o < g.offsets; o += 1) {
      if (g.inGrid(u * g.offsets + o) && kernel[o] !== 0) {
        keys.push(u * g.offsets + o);
        values.push(kernel[o] as number);
      }
    }
  }
  const teacher = new StencilLayer({ geometry: g, seed: { kind: "empty" } });
  teacher.setState({ keys: Int32Array.from(keys), own: Float32Array.from(values), tieOf: new Int32Array(g.units).fill(-1), centres: new Float32Array(teacher.maxCentres * g.offsets) });
  const readout = tf.clone(net.readout);
  const mask = tf.tensor2d(Float32Array.from({ length: g.inFeatures }, (_, p) => (p % g.width < zeroColumns ? 0 : 1)), [1, g.inFeatures]);
  const rng = createRng(seed);
  const next = (stream: Rng): Batch =>
    tf.tidy(() => {
      const x = tf.mul<Tensor2D>(tf.randomNormal<Rank.R2>([16, g.inFeatures], 0, 1, "float32", stream.nextSeed()), mask);
      return { x, y: tf.matMul<Tensor2D>(teacher.forward(x), readout) };
    });
  const streams = { snr: rng.fork("snr"), rollout: rng.fork("rollout"), eval: rng.fork("eval"), loo: rng.fork("loo") };
  return { source: { next: (purpose) => next(streams[purpose]) }, dispose: () => (teacher.dispose(), tf.dispose([readout, mask])) };
}

function makeNet(seed: number, structCap?: number): StencilNet {
  return new StencilNet({
    layer: { geometry: { height: SIDE, width: SIDE, radius: 1 }, seed: { kind: "identity" }, ...(structCap === undefined ? {} : { budget: { structCap } }) },
    outputs: 3,
    activation: "linear",
    loss: "mse",
    learningRate: 0.02,
    rng: createRng(seed),
  });
}

function train(net: StencilNet, source: BatchSource, steps: number): void {
  for (let i = 0; i < steps; i += 1) {
    const b = source.next("rollout");
    net.trainStep(b).dispose();
    disposeBatch(b);
  }
}

describe("stencilFrontier", () => {
  it("proposes the innermost incomplete ring and connected arms along the 8 rays", () => {
    const layer = new StencilLayer({ geometry: { height: 7, width: 7, radius: 3 } });
    const g = layer.geometry;
    const centreUnit = 3 * 7 + 3;
    const of = (u: number): ReturnType<typeof stencilFrontier> => stencilFrontier(layer, { armLength: 2 }).filter((c) => c.unit === u);
    const first = of(centreUnit);
    expect(first.filter((c) => c.shape === "ring").map((c) => [c.index, c.region.keys.length])).toEqual([[1, 8]]);
    expect(first.filter((c) => c.shape === "arm")).toHaveLength(8);
    for (const arm of first.filter((c) => c.shape === "arm")) expect(Array.from(arm.region.keys, (k) => g.ringOf(k % g.offsets))).toEqual([1, 2]);
    // Ring 1 Hot: the ring candidate moves out to ring 2, arms start at ring 2.
    layer.setState({ keys: Int32Array.from(new Set([...layer.hotKeys(), ...g.ringKeys(centreUnit, 1)])).sort(), own: new Float32Array(layer.nnz + 8).fill(1), tieOf: new Int32Array(g.units).fill(-1), centres: new Float32Array(layer.maxCentres * g.offsets) });
    const second = of(centreUnit);
    expect(second.filter((c) => c.shape === "ring").map((c) => [c.index, c.region.keys.length])).toEqual([[2, 16]]);
    for (const arm of second.filter((c) => c.shape === "arm")) expect(Array.from(arm.region.keys, (k) => g.ringOf(k % g.offsets))).toEqual([2, 3]);
    // Every candidate is a row region of its own unit, in the grid.
    for (const c of stencilFrontier(layer)) {
      expect(c.region.kind).toBe("row");
      expect(Array.from(c.region.keys).every((k) => Math.floor(k / g.offsets) === c.unit && g.inGrid(k))).toBe(true);
    }
    layer.dispose();
  });
});

describe.each(["cpu", "wasm"] as const)("StencilPlanner on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("grows rings outward and arms by evidence, within the per-unit, per-cycle and budget caps, without leaks", () => {
    const before = tf.memory().numTensors;
    const net = makeNet(1, 36 + 40);
    const task = teacherTask(net, 2);
    const events: StencilEvent[] = [];
    const g = net.stencil.geometry;
    const planner = new StencilPlanner({ maxCommitsPerCycle: 5, shortlistSize: 8 }, {
      onEvent: (e) => {
        events.push(e);
        if (e.type === "stencil-commit" && e.shape === "ring") {
          // Rings grow outward: every inner ring of the unit is already complete.
          for (let r = 0; r < e.index; r += 1) for (const k of g.ringKeys(e.unit, r)) expect(net.stencil.heatOf(e.unit, k % g.offsets)).toBe("hot");
        }
      },
    });
    const lossBefore = lossOn(net, task.source);
    for (let cycle = 0; cycle < 6; cycle += 1) {
      train(net, task.source, 10);
      const report = planner.runCycle(net, task.source);
      expect(report.commits).toBeLessThanOrEqual(5);
      const perUnit = new Map<number, number>();
      for (const e of report.events) if (e.type === "stencil-commit") perUnit.set(e.unit, (perUnit.get(e.unit) ?? 0) + 1);
      expect(Math.max(0, ...perUnit.values())).toBeLessThanOrEqual(2);
    }
    const commits = events.filter((e) => e.type === "stencil-commit");
    expect(commits.length).toBeGreaterThan(5);
    expect(commits.every((e) => e.type === "stencil-commit" && e.meanGain > 0 && e.cStructAfter <= 76)).toBe(true);
    expect(net.stencil.nnz).toBeLessThanOrEqual(76);
    expect(lossOn(net, task.source)).toBeLessThan(lossBefore);
    net.dispose();
    task.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("cools over the struct cap outermost ring first, and quiet stencils lose their outer ring", () => {
    const net = makeNet(3, 36 + 20);
    const task = teacherTask(net, 4, 2);
    const g = net.stencil.geometry;
    // Grow ring 1 of every unit by hand: 36 + 8·(in-grid) cells, far over the cap of 56.
    const ring1 = Array.from({ length: g.units }, (_, u) => g.ringKeys(u, 1)).flat().sort((a, b) => a - b);
    net.commitCells(net.stencil.id, Int32Array.from(ring1), new Float32Array(ring1.length).fill(0.01));
    const events: StencilEvent[] = [];
    const planner = new StencilPlanner({ maxCommitsPerCycle: 0, cooling: { maxUnitsPerCycle: 6 } }, { onEvent: (e) => events.push(e) });
    planner.runCycle(net, task.source);
    const capCools = events.filter((e) => e.type === "stencil-cool" && e.reason === "struct-cap");
    expect(net.stencil.nnz).toBe(56);
    expect(capCools.every((e) => e.type === "stencil-cool" && e.ring === 1)).toBe(true);
    expect(Array.from({ length: g.units }, (_, u) => net.stencil.heatOf(u, 0)).every((h) => h === "hot")).toBe(true);
    net.dispose();
    task.dispose();
    // Quiet: units whose whole neighbourhood reads the two zero columns have zero gradients and no Δ-state.
    const open = makeNet(3);
    const openTask = teacherTask(open, 4, 2);
    open.commitCells(open.stencil.id, Int32Array.from(ring1), new Float32Array(ring1.length).fill(0.01));
    planner.runCycle(open, openTask.source); // records the Δ-state reference
    train(open, openTask.source, 5);
    events.length = 0;
    planner.runCycle(open, openTask.source);
    const quiet = events.filter((e) => e.type === "stencil-cool" && e.reason === "quiet");
    expect(quiet.length).toBeGreaterThan(0);
    for (const e of quiet) {
      if (e.type !== "stencil-cool") continue;
      expect(g.positionOf(e.unit)[1]).toBe(0);
      expect(e.ring).toBe(1);
      expect(e.relativeLossIncrease).toBeLessThanOrEqual(planner.config.cooling.tolerance);
      expect(Array.from(open.stencil.hotKeys()).filter((k) => Math.floor(k / g.offsets) === e.unit)).toEqual([e.unit * g.offsets]);
    }
    open.dispose();
    openTask.dispose();
  });

  it("is deterministic per seed (planner and dynamics)", () => {
    const run = (): { matrix: Float32Array; events: string } => {
      const net = makeNet(7);
      const task = teacherTask(net, 8);
      const events: StencilEvent[] = [];
      const planner = new StencilPlanner({ maxCommitsPerCycle: 3, shortlistSize: 4 }, { onEvent: (e) => events.push(e) });
      const dynamics = new StencilDynamics({ attachThreshold: 0.5, mergeThreshold: 0.9 }, { onEvent: (e) => events.push(e) });
      for (let cycle = 0; cycle < 3; cycle += 1) {
        train(net, task.source, 5);
        planner.runCycle(net, task.source);
        dynamics.step(net, task.source);
      }
      const out = { matrix: net.stencil.stencilMatrix(), events: JSON.stringify(events) };
      net.dispose();
      task.dispose();
      return out;
    };
    const a = run();
    const b = run();
    expect(bitEqual(a.matrix, b.matrix)).toBe(true);
    expect(a.events).toBe(b.events);
  });
});

describe.each(["cpu", "wasm"] as const)("StencilDynamics on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  /** A net whose units 7 and 8 hold 3-cell stencils `a` and `b`; the task's target is the net's own output. */
  function pair(a: readonly number[], b: readonly number[]): { net: StencilNet; source: BatchSource; dispose: () => void } {
    const net = makeNet(11);
    const g = net.stencil.geometry;
    const offsets = [0, g.offsetIndex(0, 1), g.offsetIndex(1, 0)];
    net.removeCells(net.stencil.id, Int32Array.of(7 * g.offsets, 8 * g.offsets));
    const keys = [...offsets.map((o) => 7 * g.offsets + o), ...offsets.map((o) => 8 * g.offsets + o)];
    const order = keys.map((k, i) => [k, i < 3 ? (a[i] as number) : (b[i - 3] as number)] as const).sort((x, y) => x[0] - y[0]);
    net.commitCells(net.stencil.id, Int32Array.from(order, (e) => e[0]), Float32Array.from(order, (e) => e[1]));
    const rng = createRng(12);
    const source: BatchSource = {
      next: () =>
        tf.tidy(() => {
          const x = tf.randomNormal<Rank.R2>([16, g.inFeatures], 0, 1, "float32", rng.nextSeed());
          return { x, y: net.forward(x) };
        }),
    };
    return { net, source, dispose: () => net.dispose() };
  }

  const stencilOf = (net: StencilNet, u: number): Float32Array => net.stencil.stencilMatrix().subarray(u * 9, (u + 1) * 9);

  it("ties two near-identical stencils into a new centre with the function preserved, and counts them once", () => {
    const before = tf.memory().numTensors;
    const { net, source, dispose } = pair([1, 0.5, -0.5], [1, 0.5, -0.5]);
    const events: StencilEvent[] = [];
    const x = tf.randomNormal<Rank.R2>([8, SIDE * SIDE], 0, 1, "float32", 5);
    const y0 = read(net.forward(x));
    const lit = net.stencil.counters(1e-4).cActive;
    new StencilDynamics({}, { onEvent: (e) => events.push(e) }).step(net, source);
    expect(events.map((e) => e.type)).toEqual(["stencil-tie"]);
    expect(net.stencil.tieOf(7)).toBe(net.stencil.tieOf(8));
    expect(maxAbsDiff(y0, read(net.forward(x)))).toBeLessThan(1e-5);
    expect(net.stencil.counters(1e-4).cActive).toBe(lit - 3);
    x.dispose();
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("pulls a similar stencil toward its nearest centre (gravity) without merging below τ_merge", () => {
    const { net, source, dispose } = pair([1, 0.6, -0.2], [1, 0.2, -0.6]);
    const simBefore = cosineSimilarity(stencilOf(net, 7), stencilOf(net, 8));
    expect(simBefore).toBeGreaterThan(0.8);
    expect(simBefore).toBeLessThan(0.95);
    const report = new StencilDynamics({}).step(net, source);
    expect(report.attracted).toBe(2);
    expect(report.events).toEqual([]);
    expect(cosineSimilarity(stencilOf(net, 7), stencilOf(net, 8))).toBeGreaterThan(simBefore);
    dispose();
  });

  it("repels a near-duplicate whose merge check fails, and lets a useful residual escape", () => {
    const { net, source, dispose } = pair([1, 0.02, 0], [1, 0, 0.02]);
    // Snapping either unit to the pair's mean changes the output the target is made of: the check fails.
    const report = new StencilDynamics({}).step(net, source);
    expect(report.events).toEqual([]);
    expect(report.repelled).toBeGreaterThan(0);
    dispose();
    const tied = pair([1, 0.5, -0.5], [1, 0.5, -0.5]);
    tied.net.tie([7, 8]);
    const state = tied.net.stencil.state();
    const own = Float32Array.from(state.own);
    state.keys.forEach((k, i) => {
      if (Math.floor(k / 9) === 7) own[i] = k % 9 === 0 ? 0 : 1.5; // a residual the target depends on
    });
    tied.net.setOwnValues(own);
    const events: StencilEvent[] = [];
    new StencilDynamics({}, { onEvent: (e) => events.push(e) }).step(tied.net, tied.source);
    expect(events.filter((e) => e.type === "stencil-escape").map((e) => (e.type === "stencil-escape" ? e.unit : -1))).toEqual([7]);
    expect(tied.net.stencil.tieOf(7)).toBe(-1);
    tied.dispose();
  });

  it("per-ring similarity (ADR 0334) keeps a shared large centre from hiding opposite outer rings", () => {
    // Whole-stencil cosine 24.5 / 25.5 = 0.96 (above τ_merge); ring 1 alone: cosine −1.
    const a = [5, 0.5, -0.5];
    const b = [5, -0.5, 0.5];
    const cosine = pair(a, b);
    expect(cosineSimilarity(stencilOf(cosine.net, 7), stencilOf(cosine.net, 8))).toBeCloseTo(24.5 / 25.5, 6);
    expect(perRingSimilarity(stencilOf(cosine.net, 7), stencilOf(cosine.net, 8))).toBeCloseTo(-1, 6);
    expect(new StencilDynamics({}).step(cosine.net, cosine.source).interactingPairs).toBeGreaterThan(0);
    cosine.dispose();
    const perRing = pair(a, b);
    const before = perRing.net.stencil.stencilMatrix();
    const report = new StencilDynamics({ similarity: "per-ring" }).step(perRing.net, perRing.source);
    expect(report.interactingPairs).toBe(0);
    expect(report.attracted + report.repelled + report.events.length).toBe(0);
    expect(maxAbsDiff(before, perRing.net.stencil.stencilMatrix())).toBe(0);
    perRing.dispose();
    // Rings used by one stencil only count as 0; unused rings are skipped.
    expect(perRingSimilarity([1, 0, 0, 0, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(1, 6);
    expect(perRingSimilarity([1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(0);
    expect(() => perRingSimilarity([1, 2], [1, 2])).toThrow(/\(2R\+1\)² entries, got 2 and 2/);
  });

  it("rejects bad configs by field", () => {
    expect(() => new StencilDynamics({ similarity: "ring" as never })).toThrow(/config.similarity/);
    expect(() => new StencilDynamics({ attachThreshold: 0.99, mergeThreshold: 0.9 })).toThrow(/config attachThreshold = 0.99: attachThreshold must be <= mergeThreshold/);
    expect(() => new StencilDynamics({ momentum: 1 })).toThrow(/config momentum = 1: /);
    expect(() => new StencilPlanner({ maxCommitsPerUnit: 3 })).toThrow(/config maxCommitsPerUnit = 3: /);
    expect(() => new StencilPlanner({ cooling: { quietFraction: 2 } })).toThrow(/config cooling\.quietFraction = 2: /);
    expect(() => new StencilPlanner().runCycle({ objects: [], proxL1: undefined } as never, { next: () => ({}) as Batch })).toThrow(/no StencilLayer/);
  });
});

function lossOn(net: StencilNet, source: BatchSource): number {
  let total = 0;
  for (let i = 0; i < 4; i += 1) {
    const b = source.next("eval");
    total += net.lossValue(b);
    disposeBatch(b);
  }
  return total / 4;
}

function read(t: tf.Tensor): Float32Array {
  const out = Float32Array.from(t.dataSync());
  t.dispose();
  return out;
}
