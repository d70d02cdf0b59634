// Shared set-up of the scenario tests: the scenario's quick config and one result per default seed,
// run in this thread on wasm, and the tests every scenario owes on it.
import { initBackend } from "@tam/tensor-backend";
import { beforeAll, it } from "vitest";
import type { Scenario, SeedContext, SeedResult } from "../src/scenario.js";
import { expectChartedSeries, expectChecksPass } from "./scenario-assertions.js";

/** A seed's context with progress discarded. */
export function seedContext(seed: number): SeedContext {
  return { seed, backend: undefined, progress: () => undefined };
}

/** A scenario's quick config and its results for seeds 1..defaultSeeds. */
export interface QuickRun {
  readonly config: unknown;
  readonly results: SeedResult[];
}

/** Run `scenario` at its quick config for each of its default seeds, one after another, on wasm. */
async function runQuickSeeds(scenario: Scenario): Promise<QuickRun> {
  await initBackend({ backend: "wasm" });
  const config: unknown = scenario.configSchema.parse(scenario.quick);
  const results: SeedResult[] = [];
  for (let seed = 1; seed <= scenario.defaultSeeds; seed += 1) results.push(await scenario.runSeed(config as never, seedContext(seed)));
  return { config, results };
}

/**
 * Inside a `describe`: run `scenario`'s quick seeds once (`beforeAll`, up to `timeoutMs`) and add the
 * two tests every scenario owes: all checks pass (at least `minimumChecks` of them, each printed), and
 * every charted series exists and is JSON-safe. Returns the run for the file's own tests.
 */
export function describeQuickRun(scenario: Scenario, minimumChecks: number, timeoutMs: number): () => QuickRun {
  let run: QuickRun | undefined;
  beforeAll(async () => {
    run = await runQuickSeeds(scenario);
  }, timeoutMs);
  const quickRun = (): QuickRun => {
    if (run === undefined) throw new Error(`${scenario.name}: the quick run did not finish`);
    return run;
  };

  it("passes every check at the quick config", () => {
    const { config, results } = quickRun();
    const checks = scenario.checks(config as never, results);
    for (const check of checks) console.log(check.pass ? "PASS" : "FAIL", check.name, "|", check.observed);
    expectChecksPass(checks, minimumChecks);
  });

  it("charts only series that it produces, and they are JSON-safe", () => {
    expectChartedSeries(scenario, quickRun().results[0]);
  });
  return quickRun;
}
