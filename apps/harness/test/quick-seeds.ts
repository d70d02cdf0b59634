// Shared set-up of the scenario tests: the scenario's quick config and one result per default seed,
// run in this thread on wasm.
import { initBackend } from "@tam/tensor-backend";
import type { Scenario, SeedContext, SeedResult } from "../src/scenario.js";

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
export async function runQuickSeeds(scenario: Scenario): Promise<QuickRun> {
  await initBackend({ backend: "wasm" });
  const config: unknown = scenario.configSchema.parse(scenario.quick);
  const results: SeedResult[] = [];
  for (let seed = 1; seed <= scenario.defaultSeeds; seed += 1) results.push(await scenario.runSeed(config as never, seedContext(seed)));
  return { config, results };
}
