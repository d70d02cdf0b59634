// The sparse-stencils scenario at its quick config: every check passes, charted series exist, same seed
// gives the same result, bad config is rejected by field, and the checks fail on bad results.
// Source: 002 L1515-1530 (innate convolution), L1556-1560 (planner hooks), L1791-1832 (stencil dynamics);
// SEED-INVENTORY §3.13-§3.14.
import { describe, expect, it } from "vitest";
import type { Scenario, SeedResult } from "../src/scenario.js";
import { sparseStencilsScenario } from "../src/scenarios/sparse-stencils.js";
import { describeQuickRun, seedContext } from "./quick-seeds.js";

const scenario = sparseStencilsScenario as unknown as Scenario;

describe("sparse-stencils", () => {
  const quickRun = describeQuickRun(scenario, 7, 600_000);

  it("is deterministic per seed", async () => {
    const small = scenario.configSchema.parse({ ...(scenario.quick as object), trainSize: 200, testSize: 100, steps: 60, evalEvery: 30 });
    const a = await scenario.runSeed(small, seedContext(7));
    const b = await scenario.runSeed(small, seedContext(7));
    expect(b).toEqual(a);
    expect(a.final["ringCommits"]! + a.final["armCommits"]!).toBeGreaterThan(0);
  }, 120_000);

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    for (const [field, value] of [
      ["canvas", 12],
      ["radius", 0],
      ["maxCentres", 0],
      ["splitWindow", 0],
    ] as const) {
      const parsed = scenario.configSchema.safeParse({ [field]: value });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual([field]);
    }
  });

  it("fails its checks when the seed is not a pass-through, nothing grows, ties or splits, ties or splits move the output, or accuracy collapses", () => {
    const fake: SeedResult = {
      series: {},
      final: {
        passThroughExact: 0,
        ringCommits: 0,
        armCommits: 3,
        meanCellsPerUnit: 1.5,
        liveCentres: 0,
        tiedUnits: 0,
        units: 72,
        ties: 0,
        escapes: 0,
        maxTieRelativeChange: 0.1,
        stencilActiveNnz: 300,
        stencilUntiedNnz: 200,
        stencilAccuracy: 0.2,
        convAccuracy: 0.5,
        seedOnlyAccuracy: 0.3,
        convNnz: 50,
        gridUnits: 72,
        hotCells: 900,
        localAccuracy: 0.6,
        localNnz: 1568,
        splits: 2,
        splitsKept: 0,
        splitsRemerged: 1,
        maxSplitRelativeChange: 0.01,
      },
    };
    const checks = scenario.checks(quickRun().config as never, [fake]);
    expect(checks).toHaveLength(7);
    expect(checks.every((c) => !c.pass)).toBe(true);
  });
});
