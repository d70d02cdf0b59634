// The tube scenarios at their quick config: every check passes, charted series exist and are JSON-safe,
// the same seed gives the same result, bad config is rejected by field name, and a check can fail.
// Source: 000_e13b841348682d63.txt (seed result), issue 5; SEED-INVENTORY.md §9.1 H000-A.
import { initBackend } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import type { Scenario, SeedContext, SeedResult } from "../src/scenario.js";
import { tubeConformalScenario } from "../src/scenarios/tube-conformal.js";
import { tubeHomeostasisScenario } from "../src/scenarios/tube-homeostasis.js";
import { expectChecksPass } from "./scenario-assertions.js";

function context(seed: number): SeedContext {
  return { seed, backend: "wasm", progress: () => undefined };
}

async function run(scenario: Scenario, seeds: readonly number[], overrides: Record<string, unknown> = {}): Promise<{ config: unknown; results: SeedResult[] }> {
  const config = scenario.configSchema.parse({ ...scenario.quick, ...overrides });
  const results: SeedResult[] = [];
  for (const seed of seeds) results.push(await scenario.runSeed(config, context(seed)));
  return { config, results };
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe.each([tubeHomeostasisScenario as unknown as Scenario, tubeConformalScenario as unknown as Scenario])("$name", (scenario) => {
  it("passes every check at the quick config, and charts only series it produces", async () => {
    const { config, results } = await run(scenario, [1]);
    const checks = scenario.checks(config as never, results);
    expectChecksPass(checks, 1);
    const [result] = results;
    for (const chart of scenario.charts ?? []) {
      for (const name of chart.series) {
        expect(result?.series[name]?.length, name).toBeGreaterThan(0);
        for (const point of result?.series[name] ?? []) expect(Number.isFinite(point.value), name).toBe(true);
      }
    }
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("is deterministic per seed", async () => {
    const small = { steps: 40 };
    const first = await run(scenario, [7], small);
    const second = await run(scenario, [7], small);
    expect(second.results).toEqual(first.results);
  });

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse({ steps: -1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["steps"]);
  });
});

describe("tube-homeostasis checks can fail", () => {
  it("fails the ratio, bind and settling checks on a collapsed run", () => {
    const config = tubeHomeostasisScenario.configSchema.parse({});
    const final: Record<string, number> = { faithfulFinalFail: 0.5 };
    for (const variant of ["faithful", "signed", "dual"]) {
      for (let rule = 0; rule < 4; rule++) {
        final[`${variant}BindRule${rule}`] = 0.5;
        final[`${variant}SigmaRule${rule}`] = 0.01;
        final[`${variant}LogVolRule${rule}`] = Math.log(0.01);
      }
      final[`${variant}SigmaRatio`] = 1;
      final[`${variant}FloorMargin`] = 0;
      final[`${variant}Lambda`] = config.lambdaMax;
      final[`${variant}LambdaDrift`] = 0.5;
    }
    const checks = tubeHomeostasisScenario.checks(config, [{ series: {}, final }]);
    expect(checks.every((check) => !check.pass)).toBe(true);
  });
});
