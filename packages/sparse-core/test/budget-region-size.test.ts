// Slices and blocks sized to the object's budget (ADR 0309): with `frontier.capFraction` no row, column or
// block region holds more than round(capFraction × structCap) cells, so a fixed 64-cell slice cannot churn
// a 200-cell budget (the quick MNIST sweep's 275-nnz point, where ours trailed RigL by 13 points).
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { GrowthPlanner, SparseMaskedStack, budgetRegionCells, disposeBatch, generateFrontier, type PlannerEvent } from "../src/index.js";
import { useBackend } from "./helpers/backends.js";
import { makeTeacher, teacherSource } from "./helpers/teacher.js";

describe("budgetRegionCells", () => {
  it("is round(capFraction × structCap), between 1 and maxCells; errors name the argument", () => {
    expect(budgetRegionCells(64, 3000, 0.125)).toBe(64);
    expect(budgetRegionCells(64, 600, 0.125)).toBe(64);
    expect(budgetRegionCells(64, 300, 0.125)).toBe(38);
    expect(budgetRegionCells(64, 200, 0.125)).toBe(25);
    expect(budgetRegionCells(64, 75, 0.125)).toBe(9);
    expect(budgetRegionCells(64, 0, 0.125)).toBe(1);
    expect(() => budgetRegionCells(0, 200, 0.125)).toThrow(/maxCells must be a positive integer, got 0/);
    expect(() => budgetRegionCells(64, -1, 0.125)).toThrow(/structCap must be a non-negative integer, got -1/);
    expect(() => budgetRegionCells(64, 200, 0)).toThrow(/capFraction must be in \(0, 1\], got 0/);
    expect(() => budgetRegionCells(64, 200, 1.5)).toThrow(/capFraction must be in \(0, 1\], got 1.5/);
    expect(() => new GrowthPlanner({ frontier: { capFraction: 2 } })).toThrow(/config frontier.capFraction = 2: /);
  });
});

describe("generateFrontier blockMaxCells", () => {
  it("keeps the seed and the block's strongest Cold cells; the default keeps the whole block", () => {
    const g = new Float32Array(16); // a [4, 4] space, one 4 × 4 block
    [5, 4, 3, 2, 1.5, 1.2].forEach((v, i) => {
      g[i * 2] = v; // keys 0, 2, 4, 6, 8, 10
    });
    const blocks = (options: { blockMaxCells?: number }): number[][] =>
      generateFrontier("o", { shape: [4, 4], perBatch: [g, g] }, new Int32Array(0), createRng(1), { kinds: ["block"], gradientSeeds: 1, randomSeeds: 0, keepFraction: 0, blockSide: 4, ...options }).map((r) => Array.from(r.keys));
    expect(blocks({})).toEqual([[0, 2, 4, 6, 8, 10]]);
    expect(blocks({ blockMaxCells: 3 })).toEqual([[0, 2, 4]]);
    expect(() => blocks({ blockMaxCells: -1 })).toThrow(/blockMaxCells must be a non-negative integer, got -1/);
  });

  it("never returns a slice or block above its limit (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (seed, sliceMaxCells, blockMaxCells) => {
        const rng = createRng(seed);
        const g = Float32Array.from({ length: 60 }, () => rng.normal());
        const regions = generateFrontier("o", { shape: [6, 10], perBatch: [g, g] }, new Int32Array(0), rng, { sliceMaxCells, blockMaxCells, blockSide: 3, keepFraction: 0 });
        for (const r of regions) expect(r.keys.length).toBeLessThanOrEqual(r.kind === "block" ? blockMaxCells : r.kind === "cell" ? 1 : sliceMaxCells);
      }),
    );
  });
});

/** Sizes of every row / column / block region the planner probed on a 16 × 8 layer with a 16-cell cap. */
function probedSizes(capFraction: number | undefined): number[] {
  const teacher = makeTeacher(3, 16, 8, 24);
  const rng = createRng(3);
  const source = teacherSource(teacher, rng.fork("data"), 32);
  const net = new SparseMaskedStack({ layers: [{ inFeatures: 16, outFeatures: 8, base: { kind: "zero" }, budget: { structCap: 16 } }], learningRate: 0.05 });
  const events: PlannerEvent[] = [];
  const frontier = { kinds: ["row", "column", "block"] as ("row" | "column" | "block")[], sliceMaxCells: 16, blockSide: 4, keepFraction: 0, ...(capFraction === undefined ? {} : { capFraction }) };
  const planner = new GrowthPlanner({ frontier }, { onEvent: (e) => events.push(e) });
  for (let cycle = 0; cycle < 4; cycle += 1) {
    for (let s = 0; s < 5; s += 1) {
      const b = source.train();
      net.trainStep(b).dispose();
      disposeBatch(b);
    }
    planner.runCycle(net, source, rng.fork(`cycle${cycle}`));
    expect(net.layer("layer0").nnz).toBeLessThanOrEqual(16);
  }
  net.dispose();
  source.dispose();
  return events.flatMap((e) => (e.type === "probe" ? [e.region.keys.length] : []));
}

describe("GrowthPlanner frontier.capFraction", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("caps every probed slice and block at round(capFraction × structCap) cells (fails without it)", () => {
    const fixed = probedSizes(undefined);
    expect(fixed.some((n) => n > 4)).toBe(true); // 16-cell slices and blocks: the whole 16-cell budget
    const scaled = probedSizes(0.25); // 0.25 × 16 = 4 cells
    expect(scaled.length).toBeGreaterThan(0);
    expect(Math.max(...scaled)).toBe(4);
  });
});
