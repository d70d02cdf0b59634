// The sparse-clone-split scenario at its quick config: every check passes, charted series exist, same seed
// gives the same result, bad config is rejected by field, and the checks fail on bad results.
// Source: 002 L1314-1324 (clone-and-split); SEED-INVENTORY §3.9.
import { describe, expect, it } from "vitest";
import type { Scenario, SeedResult } from "../src/scenario.js";
import { sparseCloneSplitScenario } from "../src/scenarios/sparse-clone-split.js";
import { describeQuickRun, seedContext } from "./quick-seeds.js";

const scenario = sparseCloneSplitScenario as unknown as Scenario;

describe("sparse-clone-split", () => {
  describeQuickRun(scenario, 5, 300_000);

  it("is deterministic per seed", async () => {
    const small = scenario.configSchema.parse({ ...(scenario.quick as object), steps: 260, splitEvery: 100, windowSteps: 60, testSize: 128 });
    const a = await scenario.runSeed(small, seedContext(7));
    const b = await scenario.runSeed(small, seedContext(7));
    expect(b).toEqual(a);
    expect(a.final["splits"]).toBeGreaterThan(0);
  });

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse({ windowSteps: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["windowSteps"]);
  });

  it("fails its checks when a split changes the function, re-merges differ, or splitting never stops", () => {
    const fake: SeedResult = {
      series: {},
      final: {
        exactSplitChecks: 4,
        maxRelativePreservationError: 0.1,
        remergeMismatches: 1,
        keepsBelowTeacherWidth: 0,
        keepsAtOrAboveTeacherWidth: 4,
        decisionsBelowTeacherWidth: 2,
        decisionsAtOrAboveTeacherWidth: 4,
        keeps: 6,
        keepsWithoutEvidence: 1,
        remerges: 0,
        remergesAtOrAboveTeacherWidth: 0,
        remergesNotRestoringCells: 0,
        hiddenUnits: 7,
        testLoss: 1,
        fixedTestLoss: 1,
      },
    };
    const failed = scenario.checks(scenario.configSchema.parse(scenario.quick) as never, [fake]).filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toHaveLength(5);
  });
});
