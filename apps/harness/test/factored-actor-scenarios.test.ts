// The factored-transfer scenario: bad config is rejected by field name, every field has a default,
// the checks can fail (a collapsed run fails them), and a tiny run produces JSON-safe series for every
// chart and is deterministic per seed.
// Source: 001_4e7658869d462183.txt §H, §K; issue 9 item 9; SEED-INVENTORY.md §9.2 H001-A..E.
import { initBackend } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import type { SeedContext, SeedResult } from "../src/scenario.js";
import { factoredTransferScenario } from "../src/scenarios/factored-transfer.js";

function context(seed: number): SeedContext {
  return { seed, backend: "wasm", progress: () => undefined };
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("factored-transfer", () => {
  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => factoredTransferScenario.configSchema.parse({})).not.toThrow();
    const parsed = factoredTransferScenario.configSchema.safeParse({ intentDim: 5 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["intentDim"]);
    const mlp = factoredTransferScenario.configSchema.safeParse({ functorKind: "mlp" });
    expect(mlp.success).toBe(false);
    expect(mlp.error?.issues[0]?.path).toEqual(["functorInit"]);
    expect(factoredTransferScenario.configSchema.safeParse({ functorKind: "mlp", functorInit: "identity" }).success).toBe(true);
  });

  it("runs a tiny config deterministically with JSON-safe series for every chart", async () => {
    const config = factoredTransferScenario.configSchema.parse({
      ...factoredTransferScenario.quick,
      steps: 12,
      batchEpisodes: 16,
      functorGenerations: 2,
      esPairs: 2,
      pairedEpisodes: 8,
      evalEpisodes: 16,
      permutationResamples: 200,
      probeEpisodes: 32,
      logEvery: 4,
    });
    const first = await factoredTransferScenario.runSeed(config, context(3));
    const second = await factoredTransferScenario.runSeed(config, context(3));
    expect(second).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    // The quick size leaves out the shifted-rules world; its charts are full-size only.
    for (const chart of factoredTransferScenario.charts ?? []) {
      for (const name of chart.series.filter((series) => !series.includes("shifted"))) {
        expect(first.series[name]?.length, name).toBeGreaterThan(0);
        for (const point of first.series[name] ?? []) expect(Number.isFinite(point.value), name).toBe(true);
      }
    }
    const checks = factoredTransferScenario.checks(config, [first]);
    expect(checks.length).toBe(13);
    for (const check of checks) expect(typeof check.pass).toBe("boolean");
  });

  it("fails every check on a collapsed run", () => {
    const config = factoredTransferScenario.configSchema.parse({});
    const final: Record<string, number> = { standardFactoredReturn: -1, standardUnfactoredReturn: -0.3 };
    for (const name of ["mirrored", "rotated"]) {
      Object.assign(final, {
        [`${name}_pReturn`]: 0.5,
        [`${name}_pSignature`]: 0.5,
        [`${name}_pBindRandom`]: 0.5,
        [`${name}_oracleReturn`]: -0.3,
        [`${name}_sourceReturn`]: -0.5,
        [`${name}_gapFraction`]: 0.9,
        [`${name}_nativeReturn`]: -0.3,
        [`${name}_transportedReturn`]: -0.8,
        [`${name}_randomReturn`]: -0.8,
        [`${name}_realShuffledReturn`]: -0.3,
        [`${name}_nativeCalMae`]: 0.05,
        [`${name}_randomCalMae`]: 0.2,
        [`${name}_realShuffledCalMae`]: 0.2,
        [`${name}FunctorLossStart`]: 1,
        [`${name}FunctorLossEnd`]: Number.NaN,
        [`${name}FunctorLossMax`]: Number.NaN,
        [`${name}FunctorHeldOutStart`]: 1,
        [`${name}FunctorHeldOutEnd`]: 2,
        [`${name}FunctorSmoothedStart`]: 1,
        [`${name}FunctorSmoothedEnd`]: 1.1,
      });
    }
    const results: SeedResult[] = [{ series: {}, final }];
    const checks = factoredTransferScenario.checks(config, results);
    for (const check of checks) expect({ name: check.name, pass: check.pass }).toMatchObject({ pass: false });
  });

  it("the functor checks tell a descending ES from a smoothed loss that goes up, a loss that explodes or only fits the training pairs", () => {
    const config = factoredTransferScenario.configSchema.parse({});
    const functorChecks = (start: number, end: number, max: number, heldOutStart: number, heldOutEnd: number, smoothedEnd = end): boolean[] => {
      const final: Record<string, number> = {};
      for (const name of ["mirrored", "rotated"]) {
        Object.assign(final, {
          [`${name}_realShuffledReturn`]: -0.4,
          [`${name}FunctorLossStart`]: start,
          [`${name}FunctorLossEnd`]: end,
          [`${name}FunctorLossMax`]: max,
          [`${name}FunctorHeldOutStart`]: heldOutStart,
          [`${name}FunctorHeldOutEnd`]: heldOutEnd,
          [`${name}FunctorSmoothedStart`]: start + 0.1,
          [`${name}FunctorSmoothedEnd`]: smoothedEnd + 0.1,
        });
      }
      const checks = factoredTransferScenario.checks(config, [{ series: {}, final }]);
      return checks.filter((c) => c.name.startsWith("functor")).map((c) => c.pass);
    };
    expect(functorChecks(2, 1.8, 2.1, 2.2, 2.1)).toEqual([true, true]);
    expect(functorChecks(2, 2.05, 2.1, 2.2, 2.1)).toEqual([true, false]);
    // The check reads the smoothed objective ES descends, not the centre's loss on its own (ADR 0613).
    expect(functorChecks(2, 2.05, 2.1, 2.2, 2.1, 1.9)).toEqual([true, true]);
    expect(functorChecks(2, 1.8, 2.1, 2.2, 2.1, 2.0)).toEqual([true, false]);
    expect(functorChecks(2, 1.8, 2.1, 2.2, 2.3)).toEqual([true, false]);
    expect(functorChecks(2, 1.8, 3.5, 2.2, 2.1)).toEqual([false, true]);
  });
});
