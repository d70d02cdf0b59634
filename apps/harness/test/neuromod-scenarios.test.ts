// The neuromod-homeostasis scenario at its quick config: every check passes, the charted series exist,
// the same seed gives the same result, bad config is rejected by field, and failing numbers fail.
// Source: 004_b9e7278aec0f8932.txt; SEED-INVENTORY.md §9.5 (H004-A, H004-B).
import { initBackend } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import type { SeedContext, SeedResult } from "../src/scenario.js";
import { neuromodHomeostasisScenario as scenario } from "../src/scenarios/neuromod-homeostasis.js";
import { expectChecksPass } from "./scenario-assertions.js";

function context(seed: number): SeedContext {
  return { seed, backend: undefined, progress: () => undefined };
}

const quick = scenario.configSchema.parse(scenario.quick);
let first: SeedResult;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
  first = await scenario.runSeed(quick, context(1));
}, 300_000);

describe("neuromod-homeostasis", () => {
  it("passes every check at the quick config (seeds 1 and 2)", async () => {
    const results = [first, await scenario.runSeed(quick, context(2))];
    const checks = scenario.checks(quick, results);
    expectChecksPass(checks, 14);
  }, 300_000);

  it("charts only series that it produces, and they are JSON-safe", () => {
    for (const chart of scenario.charts ?? []) {
      for (const name of chart.series) {
        const points = first.series[name];
        expect(points, name).toBeDefined();
        expect(points?.length, name).toBeGreaterThan(0);
        for (const point of points ?? []) expect(Number.isFinite(point.value), name).toBe(true);
      }
    }
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it("is deterministic per seed", async () => {
    // A short run is enough to show it (the quick config keeps the full run length, ADR 0509).
    const short = scenario.configSchema.parse({ warmupTicks: 40, ticks: 120, chartPoints: 30 });
    const once = await scenario.runSeed(short, context(1));
    expect(await scenario.runSeed(short, context(1))).toEqual(once);
    expect(await scenario.runSeed(short, context(2))).not.toEqual(once);
  }, 300_000);

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse({ warmupTicks: -1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["warmupTicks"]);
    const drift = scenario.configSchema.safeParse({ driftFromFraction: 0.9, driftToFraction: 0.5 });
    expect(drift.error?.issues[0]?.path).toEqual(["driftFromFraction"]);
  });

  it("fails its checks when the trained maps do no better than fixed ones", () => {
    const fake: SeedResult = {
      series: {},
      final: {
        ...first.final,
        // Passing values for the drift window, so only the entries below fail.
        ...Object.fromEntries(
          ["traces", "critic"].flatMap((v) => [
            [`${v}DriftRangeUtil`, (first.final["fixedDriftRangeUtil"] ?? 0) + 0.1],
            [`${v}DriftEnergy`, (first.final["fixedDriftEnergy"] ?? 1) - 0.1],
          ]),
        ),
        tracesStepRangeUtil: 0,
        criticDriftSatNT: 1,
        tracesStepEnergy: 1,
        tracesEffCog: -1,
        tracesProfileSpread: 0,
        criticRegretPhase1: 9,
        fixedClampViolations: 3,
      },
    };
    const failed = scenario.checks(quick, [fake]).filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toEqual([
      "step perturbation: the full objective keeps S̄ in the operating band better than fixed maps (RangeUtil up)",
      "step perturbation: the full objective spends less energy than fixed maps (Energy down)",
      "drift perturbation: the full objective saturates less than fixed maps (SatNT down)",
      "the cognitive term raises Eff_cog over the local-only objective (β = 0)",
      "the cognitive term changes which modulator profile each phase gets",
      "the cognitive term moves each phase's modulator profile toward the reference task's optimum",
      "the μ safety clamp holds",
    ]);
  });

  it("scores each perturbation over its own window, and rejects a config that leaves one empty", () => {
    for (const v of ["fixed", "localOnly", "traces", "critic"]) {
      for (const key of ["StepRangeUtil", "StepSatNT", "StepEnergy", "DriftRangeUtil", "DriftSatNT", "DriftEnergy", "OptimumDistance", "RegretPhase0", "RegretPhase1", "RegretPhase2"]) {
        expect(Number.isFinite(first.final[`${v}${key}`]), `${v}${key}`).toBe(true);
      }
    }
    const empty = scenario.configSchema.safeParse({ ticks: 100, stepAtFraction: 0.5, driftFromFraction: 0.5, driftToFraction: 0.9 });
    expect(empty.error?.issues[0]?.path).toEqual(["stepAtFraction"]);
  });
});
