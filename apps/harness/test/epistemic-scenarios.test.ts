// The epistemic scenarios at their quick config: every check passes, the series the report charts
// exist, and the same seed gives the same result. Source: 003_9e0f6a831bfd364e.txt; SEED-INVENTORY.md §9.4.
import { describe, expect, it } from "vitest";
import type { Scenario, SeedContext, SeedResult } from "../src/scenario.js";
import { epistemicDebtScenario } from "../src/scenarios/epistemic-debt.js";
import { epistemicPoliciesScenario } from "../src/scenarios/epistemic-policies.js";
import { expectChecksPass, expectChartedSeries } from "./scenario-assertions.js";

function context(seed: number): SeedContext {
  return { seed, backend: undefined, progress: () => undefined };
}

async function runQuick(scenario: Scenario, seeds: readonly number[]): Promise<{ config: unknown; results: SeedResult[] }> {
  const config = scenario.configSchema.parse(scenario.quick);
  const results: SeedResult[] = [];
  for (const seed of seeds) results.push(await scenario.runSeed(config, context(seed)));
  return { config, results };
}

const SEEDS = [1, 2, 3, 4, 5];

describe.each([epistemicDebtScenario as unknown as Scenario, epistemicPoliciesScenario as unknown as Scenario])("$name", (scenario) => {
  it("passes every check at the quick config", async () => {
    const { config, results } = await runQuick(scenario, SEEDS.slice(0, scenario.defaultSeeds));
    const checks = scenario.checks(config as never, results);
    expectChecksPass(checks, 1);
  });

  it("charts only series that it produces, and they are JSON-safe", async () => {
    const { results } = await runQuick(scenario, [1]);
    const [result] = results;
    expectChartedSeries(scenario, result);
  });

  it("is deterministic per seed", async () => {
    const first = await runQuick(scenario, [7]);
    const second = await runQuick(scenario, [7]);
    expect(second.results).toEqual(first.results);
  });

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const firstKey = Object.keys(scenario.configSchema.shape)[0] ?? "";
    const parsed = scenario.configSchema.safeParse({ [firstKey]: -1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([firstKey]);
  });
});

describe("check failures are real", () => {
  it("epistemic-policies fails its checks when the calibrated agent is blocked", () => {
    const config = epistemicPoliciesScenario.configSchema.parse({});
    const fake: SeedResult = {
      series: {},
      final: {
        overclaimerBlockedCycles: 1,
        calibratedBlockedCycles: 2,
        learnerBlockedFirstHalf: 1,
        learnerBlockedSecondHalf: 1,
        overclaimerHitCycleCap: 0,
        calibratedHitCycleCap: 0,
        learnerHitCycleCap: 0,
        overclaimerContaminated: 0,
        calibratedContaminated: 0,
        learnerContaminated: 0,
      },
    };
    const checks = epistemicPoliciesScenario.checks(config, [fake]);
    expect(checks.filter((check) => !check.pass).map((check) => check.name)).toEqual([
      "overclaimer has more blocked cycles than calibrated",
      "calibrated agent is never blocked",
      "learner's blocked cycles fall over time",
    ]);
  });
});
