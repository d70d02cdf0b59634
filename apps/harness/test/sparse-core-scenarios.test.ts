// The sparse-growth scenario at its quick config: every check passes, charted series exist, same seed
// gives the same result, and bad config is rejected by field. Source: 002 Archive 04; SEED-INVENTORY §3, H002-F/G.
import { initBackend } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import type { Scenario, SeedContext, SeedResult } from "../src/scenario.js";
import { sparseGrowthScenario } from "../src/scenarios/sparse-growth.js";
import { expectChecksPass, expectChartedSeries } from "./scenario-assertions.js";

const scenario = sparseGrowthScenario as unknown as Scenario;

function context(seed: number): SeedContext {
  return { seed, backend: undefined, progress: () => undefined };
}

describe("sparse-growth", () => {
  let config: unknown;
  let results: SeedResult[] = [];
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
    config = scenario.configSchema.parse(scenario.quick);
    results = [];
    for (const seed of [1, 2].slice(0, scenario.defaultSeeds)) results.push(await scenario.runSeed(config as never, context(seed)));
  }, 600_000);

  it("passes every check at the quick config", () => {
    const checks = scenario.checks(config as never, results);
    for (const check of checks) console.log(check.pass ? "PASS" : "FAIL", check.name, "|", check.observed);
    expectChecksPass(checks, 7);
  });

  it("compares accuracy vs nnz: ours, RigL and SET at the sweep budgets and the main one, ascending", () => {
    const [result] = results;
    for (const method of ["ours", "rigl", "set"]) {
      const curve = result?.series[`mnist_${method}_testAccuracyVsNnz`] ?? [];
      expect(curve.map((p) => p.step)).toEqual([275, 550, 1100]);
      expect(curve[2]?.value).toBe(result?.final[`mnist_${method}_testAccuracy`]);
      expect(curve[0]?.value).toBe(result?.final[`mnist_${method}_testAccuracyAtNnz275`]);
    }
  });

  it("charts only series that it produces, and they are JSON-safe", () => {
    const [result] = results;
    expectChartedSeries(scenario, result);
  });

  it("is deterministic per seed (teacher-student part)", async () => {
    const small = scenario.configSchema.parse({ ...(scenario.quick as object), mnist: { enabled: false }, teacher: { steps: 60, testSize: 64 } });
    const a = await scenario.runSeed(small, context(7));
    const b = await scenario.runSeed(small, context(7));
    expect(b).toEqual(a);
  });

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse({ teacher: { steps: -1 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["teacher", "steps"]);
  });

  it("fails its checks when our growth loses to RigL and SET", () => {
    const fake: SeedResult = {
      series: {},
      final: { teacher_ours_testLoss: 1, teacher_rigl_testLoss: 0.1, teacher_ours_supportRecall: 0.2, teacher_set_supportRecall: 0.5, teacher_ours_nnz: 999, mnist_ours_testAccuracy: 0.5, mnist_rigl_testAccuracy: 0.9 },
    };
    // Full config: sweep budgets 900 and 1800 nnz below the main 3600; RigL and SET rise, ours falls.
    Object.assign(fake.final, { mnist_set_testAccuracy: 0.88, mnist_ours_testAccuracyAtNnz900: 0.7, mnist_ours_testAccuracyAtNnz1800: 0.6 });
    Object.assign(fake.final, { mnist_rigl_testAccuracyAtNnz900: 0.8, mnist_rigl_testAccuracyAtNnz1800: 0.85, mnist_set_testAccuracyAtNnz900: 0.8, mnist_set_testAccuracyAtNnz1800: 0.85 });
    const failed = scenario.checks(scenario.configSchema.parse({}) as never, [fake]).filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toContain("teacher-student: our growth matches or beats RigL's test loss at the same nnz");
    expect(failed).toContain("teacher-student: our growth recovers the teacher's support better than SET");
    expect(failed).toContain("MNIST: our growth matches or beats RigL's test accuracy at the same nnz");
    expect(failed).toContain("MNIST accuracy vs nnz: every sparse method's test accuracy rises with its budget");
    expect(failed).toContain("MNIST accuracy vs nnz: our growth matches or beats RigL's test accuracy at every budget of the sweep");
  });

  it("fails the every-budget RigL match when ours trails RigL by more than half a point at one sweep budget only", () => {
    const checksFor = (oursAt900: number): { name: string; pass: boolean }[] => {
      const final: Record<string, number> = { mnist_ours_testAccuracy: 0.93, mnist_rigl_testAccuracy: 0.93, mnist_set_testAccuracy: 0.92 };
      Object.assign(final, { mnist_ours_testAccuracyAtNnz900: oursAt900, mnist_rigl_testAccuracyAtNnz900: 0.88, mnist_set_testAccuracyAtNnz900: 0.86 });
      Object.assign(final, { mnist_ours_testAccuracyAtNnz1800: 0.912, mnist_rigl_testAccuracyAtNnz1800: 0.91, mnist_set_testAccuracyAtNnz1800: 0.9 });
      return scenario.checks(scenario.configSchema.parse({}) as never, [{ series: {}, final }]).filter((c) => c.name.startsWith("MNIST"));
    };
    const name = "MNIST accuracy vs nnz: our growth matches or beats RigL's test accuracy at every budget of the sweep";
    expect(checksFor(0.876).filter((c) => !c.pass).map((c) => c.name)).toEqual([]); // 0.4 point behind at 900
    expect(checksFor(0.874).filter((c) => !c.pass).map((c) => c.name)).toEqual([name]); // 0.6 point behind at 900
  });
});
