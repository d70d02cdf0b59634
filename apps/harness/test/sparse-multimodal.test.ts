// The sparse-multimodal scenario at its quick config: every check passes, charted series exist, same seed
// gives the same result, bad config is rejected by field, and the checks fail on bad results.
// Source: 002 L1185-1227, L1296-1302, L1356 (Distribution Head); SEED-INVENTORY §3.11; ADR 0323.
import { describe, expect, it } from "vitest";
import type { Scenario, SeedResult } from "../src/scenario.js";
import { sparseMultimodalScenario } from "../src/scenarios/sparse-multimodal.js";
import { describeQuickRun, seedContext } from "./quick-seeds.js";

const scenario = sparseMultimodalScenario as unknown as Scenario;

describe("sparse-multimodal", () => {
  describeQuickRun(scenario, 6, 300_000);

  it("is deterministic per seed", async () => {
    const small = scenario.configSchema.parse({ ...(scenario.quick as object), steps: 500, warmupSteps: 200, pointFineSteps: 50, headFineSteps: 100, testSize: 256 });
    const a = await scenario.runSeed(small, seedContext(5));
    const b = await scenario.runSeed(small, seedContext(5));
    expect(b).toEqual(a);
    expect(a.final["probes"]).toBeGreaterThan(0);
  });

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse({ noiseStd: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["noiseStd"]);
    const late = scenario.configSchema.safeParse({ steps: 1000, warmupSteps: 600, headFineSteps: 500 });
    expect(late.success).toBe(false);
    expect(late.error?.issues[0]?.path).toEqual(["headFineSteps"]);
  });

  it("fails its checks when the head grows on the control task, is miscalibrated or does not pay", () => {
    const fake: SeedResult = {
      series: {},
      final: {
        hotMultimodal: 0,
        commitsOutsideRegion: 1,
        grownWeightOutside: 0.3,
        commitsDeterministic: 1,
        hotDeterministic: 1,
        ksPValue: 0.001,
        coldKsPValue: 0.5,
        nllRegion: 2,
        pointNllRegion: 2,
        nllOutside: 1,
        pointNllOutside: 0.5,
        sampleAboveShare: 0.9,
        predictedAboveShare: 0.5,
        regionCases: 100,
        probesTouchingBase: 1,
        probes: 3,
        maxAddsPerDepthPerCycle: 2,
      },
    };
    const failed = scenario.checks(scenario.configSchema.parse(scenario.quick) as never, [fake]).filter((c) => !c.pass);
    expect(failed).toHaveLength(6);
  });
});
