// Distribution Head cells are tokens in the same per-depth budgets as the masked layers (issue 7 item 3;
// seed 002 L1272, L1349, L1604-1605, L1301 ii; ADR 0324): a depth's C_struct / C_active caps are shared by its
// layers and its heads under both planners, they are never exceeded, pruning happens only when over, and
// there is still at most one Distribution Head add per depth per cycle.
import { createRng, tf, type Rng } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import {
  DistributionHead,
  DistributionHeadPlanner,
  GrowthPlanner,
  SparseMaskedStack,
  type DistributionHeadEvent,
  type DistributionHeadPlannerConfigInput,
  type GrowthObject,
  type PlannerEvent,
} from "../src/index.js";
import { useBackend } from "./helpers/backends.js";
import { taskSource } from "./helpers/multimodal-task.js";
import { makeTeacher, teacherSource } from "./helpers/teacher.js";

/** A Hot component's parameters: weight ~ 1/2 against the base, radius 0.5, σ 0.2, mean offset `offset`. */
function componentParams(head: DistributionHead, offset: number): Float32Array {
  const p = new Float32Array(head.cellParams);
  p[1] = Math.log(0.5);
  p[2] = Math.log(0.2);
  p[3] = offset;
  return p;
}

interface Setup {
  readonly stack: SparseMaskedStack;
  readonly heads: DistributionHead[];
  readonly growth: GrowthPlanner;
  readonly dh: DistributionHeadPlanner;
  readonly atDepth0: () => number;
  readonly activeAtDepth0: () => number;
  readonly planner: PlannerEvent[];
  readonly events: DistributionHeadEvent[];
  run(cycle: number, rng: Rng): void;
  dispose(): void;
}

/**
 * One 6 → 3 layer and `headCount` mixture heads, all at depth 0 under a shared depth cap, the layer with
 * `layerCells` and each head with `headCells` Hot cells at the start (so the depth may start over its cap);
 * the layer's own cap is `layerCap`; `dhConfig` configures the head planner.
 */
function setup(seed: number, depthCap: number, layerCells: number, headCells: number, headCount: number, layerCap = 12, dhConfig: DistributionHeadPlannerConfigInput = {}): Setup {
  const rng = createRng(seed);
  const teacher = makeTeacher(seed, 6, 3, 6);
  const source = teacherSource(teacher, rng.fork("data"), 32);
  const stack = new SparseMaskedStack({ layers: [{ inFeatures: 6, outFeatures: 3, base: { kind: "zero" }, budget: { structCap: layerCap } }], learningRate: 0.05 });
  const layerKeys = Int32Array.from(rng.choice(18, layerCells)).sort();
  stack.commitCells("layer0", layerKeys, Float32Array.from(layerKeys, () => rng.uniform(0.2, 1)));
  const heads = Array.from({ length: headCount }, (_, h) => new DistributionHead({ id: `dh${h}`, kind: "gaussian-mixture", stateDim: 1, cells: 4 }));
  for (const head of heads) for (let k = 0; k < headCells; k += 1) head.commitCell(k, Float32Array.of(0.8 + 0.3 * k), componentParams(head, k % 2 === 0 ? 1.5 : -1.5));
  const depthBudgets = { "0": { structCap: depthCap, activeCap: depthCap } };
  const planner: PlannerEvent[] = [];
  const events: DistributionHeadEvent[] = [];
  const growth = new GrowthPlanner({ depthBudgets }, { onEvent: (e) => planner.push(e), budgetPeers: () => heads });
  const dh = new DistributionHeadPlanner(dhConfig, { onEvent: (e) => events.push(e), sharedBudget: { depthBudgets, objects: () => stack.objects } });
  const objects = (): GrowthObject[] => [...stack.objects, ...heads];
  const entries = heads.map((head) => ({ head, source: taskSource(rng.fork(head.id), 128, true) }));
  return {
    stack,
    heads,
    growth,
    dh,
    atDepth0: () => objects().reduce((s, o) => s + o.counters(1e-4).cStruct, 0),
    activeAtDepth0: () => objects().reduce((s, o) => s + o.counters(1e-4).cActive, 0),
    planner,
    events,
    run: (cycle, r) => {
      growth.runCycle(stack, source, r.fork(`growth${cycle}`));
      dh.runCycle(entries);
    },
    dispose: () => {
      stack.dispose();
      heads.forEach((h) => h.dispose());
      source.dispose();
    },
  };
}

describe("Distribution Head cells in the shared per-depth budgets", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("property: a depth's caps are never exceeded by its layer and heads together; prune only when over; ≤ 1 DH add per depth per cycle", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        (seed, depthCap, layerCells, headCells, headCount) => {
          const s = setup(seed, depthCap, layerCells, headCells, headCount);
          try {
            const startedOver = s.atDepth0() > depthCap;
            for (let cycle = 0; cycle < 2; cycle += 1) {
              s.run(cycle, createRng(seed + cycle));
              expect(s.atDepth0()).toBeLessThanOrEqual(depthCap);
              expect(s.activeAtDepth0()).toBeLessThanOrEqual(depthCap);
              expect(s.events.filter((e) => e.type === "dh-commit" && e.cycle === cycle).length).toBeLessThanOrEqual(1);
            }
            const budgetPrunes = s.planner.filter((e) => e.type === "prune" && e.reason === "depth-cap").length + s.events.filter((e) => e.type === "dh-prune" && e.reason === "depth-budget").length;
            if (!startedOver) expect(budgetPrunes).toBe(0);
            else expect(budgetPrunes).toBeGreaterThan(0);
          } finally {
            s.dispose();
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 300_000);

  it("a head's nomination is refused when its depth is full, and a layer cannot grow into the head's share", () => {
    // The layer holds 4 cells and the head 1, under a depth cap of 5: the head's ambiguous region would earn a
    // component, but the depth has no room; the layer may only displace its own cells.
    // Weak prunes off: only the budgets decide here.
    const s = setup(3, 5, 4, 1, 1, 12, { pruneBelowGain: null });
    try {
      for (let cycle = 0; cycle < 2; cycle += 1) s.run(cycle, createRng(30 + cycle));
      const probes = s.events.filter((e) => e.type === "dh-probe");
      expect(probes.length).toBeGreaterThan(0);
      expect(s.events.filter((e) => e.type === "dh-skip" && e.reason === "depth-budget").length).toBeGreaterThan(0);
      expect(s.events.filter((e) => e.type === "dh-commit")).toHaveLength(0);
      expect(s.heads[0]?.nnz).toBe(1);
      expect(s.stack.layers[0]?.nnz).toBeLessThanOrEqual(4);
      expect(s.atDepth0()).toBe(5);
    } finally {
      s.dispose();
    }
  }, 120_000);

  it("with room at the depth the same head commits, one cell per cycle, until the depth is full", () => {
    // The layer is at its own cap (4), the depth cap is 6: the head may take the 1 free token.
    const s = setup(3, 6, 4, 1, 1, 4, { pruneBelowGain: null });
    try {
      s.run(0, createRng(30));
      expect(s.events.filter((e) => e.type === "dh-commit")).toHaveLength(1);
      expect(s.heads[0]?.nnz).toBe(2);
      const before = tf.memory().numTensors;
      s.run(1, createRng(31));
      expect(s.atDepth0()).toBe(6);
      expect(s.heads[0]?.nnz).toBe(2);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      s.dispose();
    }
  }, 120_000);

  it("prunes a head's cells over its own activeCap (prune only when over)", () => {
    const head = new DistributionHead({ id: "dh", kind: "gaussian-mixture", stateDim: 1, cells: 4, budget: { structCap: 4, activeCap: 1 } });
    for (let k = 0; k < 3; k += 1) head.commitCell(k, Float32Array.of(0.8 + 0.3 * k), componentParams(head, k % 2 === 0 ? 1.5 : -1.5));
    const events: DistributionHeadEvent[] = [];
    new DistributionHeadPlanner({ pruneBelowGain: null }, { onEvent: (e) => events.push(e) }).runCycle([{ head, source: taskSource(createRng(9), 128, true) }]);
    expect(head.nnz).toBe(1);
    expect(events.filter((e) => e.type === "dh-prune").map((e) => e.type === "dh-prune" && e.reason)).toEqual(["active-cap", "active-cap"]);
    head.dispose();
  }, 120_000);
});
