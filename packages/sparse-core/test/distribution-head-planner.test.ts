// The Distribution Head's evidence cycle (seed 002 L1198-1219, L1296-1302, L1340; SEED-INVENTORY §3.7, §3.11,
// C-7): it grows where outcomes are multimodal and never on a deterministic task, one cell at a time and at
// most one add per depth per cycle; shadow probes leave the head bit-identical; a failed calibration check
// locates the miss; the cycle is deterministic per seed and leaks no tensor.
import { createRng, tf, type Rng, type Tensor2D } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";

import {
  DistributionHead,
  DistributionHeadPlanner,
  disposeDistributionBatch,
  type DistributionBatch,
  type DistributionBatchSource,
  type DistributionHeadEvent,
} from "../src/index.js";
import { useBackend } from "./helpers/backends.js";
import { MULTIMODAL_FROM, taskBatch, taskSource } from "./helpers/multimodal-task.js";

function gmmHead(id: string, depth = 0): DistributionHead {
  return new DistributionHead({ id, depth, kind: "gaussian-mixture", stateDim: 1, cells: 4 });
}

function train(head: DistributionHead, rng: Rng, steps: number, multimodal: boolean): void {
  for (let i = 0; i < steps; i += 1) {
    const b = taskBatch(rng, 128, multimodal);
    head.trainStep(b).dispose();
    disposeDistributionBatch(b);
  }
}

/** A discrete task: label 0 for x < 0; for x > 0 a coin picks label 1 or 2 (multimodal) or always 1. The point head says 0 / 1. */
function labelSource(rng: Rng, multimodal: boolean): DistributionBatchSource & { batch: () => DistributionBatch } {
  const batch = (stream: Rng): DistributionBatch =>
    tf.tidy(() => {
      const x = tf.randomUniform<tf.Rank.R2>([128, 1], -2, 2, "float32", stream.nextSeed());
      const positive = tf.cast(tf.greater(tf.reshape(x, [128]), 0), "int32");
      const coin = multimodal ? tf.cast(tf.greater(tf.randomUniform([128], 0, 1, "float32", stream.nextSeed()), 0.5), "int32") : tf.zeros([128], "int32");
      const label = tf.mul(positive, tf.add(coin, tf.scalar(1, "int32")));
      return { state: x, point: tf.oneHot(positive, 3).toFloat() as Tensor2D, target: tf.oneHot(label, 3).toFloat() as Tensor2D };
    });
  const streams = { buffer: rng.fork("buffer"), rollout: rng.fork("rollout"), eval: rng.fork("eval") };
  const trainStream = rng.fork("train");
  return { next: (purpose) => batch(streams[purpose]), batch: () => batch(trainStream) };
}

describe("DistributionHeadPlanner", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("grows a component where the outcome is two-valued, and nothing on the deterministic task", () => {
    const rng = createRng(1);
    const events: DistributionHeadEvent[] = [];
    const planner = new DistributionHeadPlanner({}, { onEvent: (e) => events.push(e) });
    const multi = gmmHead("multi");
    const control = gmmHead("control", 1);
    const entries = [
      { head: multi, source: taskSource(rng.fork("multi"), 128, true) },
      { head: control, source: taskSource(rng.fork("control"), 128, false) },
    ];
    for (let cycle = 0; cycle < 4; cycle += 1) {
      train(multi, rng.fork(`m${cycle}`), 100, true);
      train(control, rng.fork(`c${cycle}`), 100, false);
      planner.runCycle(entries);
    }
    const commits = events.filter((e) => e.type === "dh-commit");
    expect(multi.nnz).toBeGreaterThanOrEqual(2);
    expect(commits.every((e) => e.objectId === "multi" && (e.anchor[0] as number) > MULTIMODAL_FROM)).toBe(true);
    expect(control.nnz).toBe(0);
    expect(events.filter((e) => e.objectId === "control" && e.type === "dh-nominate")).toHaveLength(0);
    // One component at a time: each cycle nominates at most one cell per head.
    for (let cycle = 0; cycle < 4; cycle += 1) expect(events.filter((e) => e.type === "dh-nominate" && e.cycle === cycle && e.objectId === "multi").length).toBeLessThanOrEqual(1);
    // The grown components carry the two modes (offsets m near ±1.5).
    const p = multi.hotParams();
    const offsets = Array.from(multi.hotKeys(), (_, i) => p[i * multi.cellParams + 3] as number).sort((a, b) => a - b);
    expect(offsets[0]).toBeLessThan(-1);
    expect(offsets[offsets.length - 1]).toBeGreaterThan(1);
    multi.dispose();
    control.dispose();
  }, 120_000);

  it("commits at most one Distribution Head add per depth per cycle", () => {
    const rng = createRng(2);
    const events: DistributionHeadEvent[] = [];
    const planner = new DistributionHeadPlanner({}, { onEvent: (e) => events.push(e) });
    const heads = [gmmHead("a", 0), gmmHead("b", 0), gmmHead("c", 1)];
    heads.forEach((h) => train(h, rng.fork(`train-${h.id}`), 100, true));
    const report = planner.runCycle(heads.map((head) => ({ head, source: taskSource(rng.fork(head.id), 128, true) })));
    const commitsAt = (depth: number): number => events.filter((e) => e.type === "dh-commit" && e.depth === depth).length;
    expect(commitsAt(0)).toBe(1);
    expect(commitsAt(1)).toBe(1);
    expect(events.filter((e) => e.type === "dh-skip" && e.reason === "depth-cap")).toHaveLength(1);
    expect((report.commits["a"] ?? 0) + (report.commits["b"] ?? 0)).toBe(1);
    heads.forEach((h) => h.dispose());
  }, 120_000);

  it("shadow probes leave every Hot parameter and σ0 bit-identical", () => {
    const rng = createRng(3);
    const events: DistributionHeadEvent[] = [];
    const head = gmmHead("dh");
    const source = taskSource(rng.fork("source"), 128, true);
    train(head, rng.fork("train"), 100, true);
    new DistributionHeadPlanner().runCycle([{ head, source }]);
    expect(head.nnz).toBe(1);
    const before = { params: head.hotParams(), theta0: head.baseParameter() };
    // Probe without committing or pruning: the head must come out exactly as it went in.
    const planner = new DistributionHeadPlanner({ minGain: 1e9, pruneBelowGain: null }, { onEvent: (e) => events.push(e) });
    planner.runCycle([{ head, source }]);
    const probes = events.filter((e) => e.type === "dh-probe");
    expect(probes.length).toBe(1);
    expect(probes.every((e) => e.type === "dh-probe" && e.baseUntouched)).toBe(true);
    expect(Array.from(new Uint32Array(head.hotParams().buffer))).toEqual(Array.from(new Uint32Array(before.params.buffer)));
    expect(Object.is(head.baseParameter(), before.theta0)).toBe(true);
    expect(head.heatCounts().warm).toBe(0);
    head.dispose();
  }, 120_000);

  it("a failed KS check on a Cold head locates the miss inside the two-valued region", () => {
    const rng = createRng(4);
    const events: DistributionHeadEvent[] = [];
    const head = gmmHead("dh");
    train(head, rng.fork("train"), 150, true);
    new DistributionHeadPlanner({ minGain: 1e9 }, { onEvent: (e) => events.push(e) }).runCycle([{ head, source: taskSource(rng.fork("source"), 128, true) }]);
    const calibration = events.find((e) => e.type === "dh-calibration");
    expect(calibration).toMatchObject({ type: "dh-calibration", test: "ks", pass: false });
    if (calibration?.type !== "dh-calibration") throw new Error("no calibration event");
    expect(calibration.pValue).toBeLessThan(0.01);
    expect((calibration.missAnchor?.[0] ?? Number.NaN) > MULTIMODAL_FROM).toBe(true);
    head.dispose();
  }, 120_000);

  it("is deterministic per seed (same events, same parameters)", () => {
    const run = (): { events: string; params: number[] } => {
      const rng = createRng(5);
      const events: DistributionHeadEvent[] = [];
      const head = gmmHead("dh");
      const planner = new DistributionHeadPlanner({}, { onEvent: (e) => events.push(e) });
      const source = taskSource(rng.fork("source"), 128, true);
      for (let cycle = 0; cycle < 2; cycle += 1) {
        train(head, rng.fork(`train${cycle}`), 60, true);
        planner.runCycle([{ head, source }]);
      }
      const out = { events: JSON.stringify(events), params: Array.from(head.hotParams()) };
      head.dispose();
      return out;
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.params.length).toBeGreaterThan(0);
  }, 120_000);

  it("categorical: grows the under-predicted bucket where the label is a coin flip, never on the deterministic labels", () => {
    for (const multimodal of [true, false]) {
      const rng = createRng(6);
      const events: DistributionHeadEvent[] = [];
      const head = new DistributionHead({ id: "cat", kind: "categorical", stateDim: 1, cells: 3 });
      const source = labelSource(rng.fork("labels"), multimodal);
      const planner = new DistributionHeadPlanner({}, { onEvent: (e) => events.push(e) });
      for (let cycle = 0; cycle < 3; cycle += 1) {
        for (let i = 0; i < 60; i += 1) {
          const b = source.batch();
          head.trainStep(b).dispose();
          disposeDistributionBatch(b);
        }
        planner.runCycle([{ head, source }]);
      }
      const commits = events.filter((e) => e.type === "dh-commit");
      if (multimodal) {
        expect(commits.length).toBeGreaterThanOrEqual(1);
        expect(commits.every((e) => e.type === "dh-commit" && e.key === 2 && (e.anchor[0] as number) > 0)).toBe(true);
        expect(events.some((e) => e.type === "dh-calibration" && e.test === "frequency")).toBe(true);
      } else {
        expect(commits).toHaveLength(0);
        expect(head.nnz).toBe(0);
      }
      head.dispose();
    }
  }, 120_000);

  it("a cycle that grows nothing leaks no tensor", () => {
    const rng = createRng(7);
    const head = gmmHead("dh");
    const planner = new DistributionHeadPlanner();
    const source = taskSource(rng.fork("source"), 128, false);
    train(head, rng.fork("train"), 50, false);
    planner.runCycle([{ head, source }]);
    const before = tf.memory().numTensors;
    planner.runCycle([{ head, source }]);
    expect(tf.memory().numTensors).toBe(before);
    head.dispose();
  }, 120_000);

  it("rejects a bad config by field and duplicate head ids", () => {
    expect(() => new DistributionHeadPlanner({ neighbours: 2 })).toThrow(/config neighbours = 2: /);
    expect(() => new DistributionHeadPlanner({ minModeWeight: 0.7 })).toThrow(/config minModeWeight = 0.7: /);
    const head = gmmHead("dh");
    const source = taskSource(createRng(8), 16, false);
    expect(() => new DistributionHeadPlanner().runCycle([{ head, source }, { head, source }])).toThrow(/"dh"/);
    head.dispose();
  });
});
