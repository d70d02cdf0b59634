/**
 * One seed of one scenario: the unit of work a worker thread (or the main thread) runs.
 */
import { backendInfo, initBackend } from "@tam/tensor-backend";
import type { BackendName, Scenario, SeedResult } from "./scenario.js";

/** What a worker needs to run one seed; plain data, so it crosses thread boundaries. */
export interface SeedTask {
  readonly scenario: string;
  readonly config: Record<string, unknown>;
  readonly seed: number;
  readonly backend: BackendName | undefined;
}

/** Which tensor backend a seed ran on, and why. */
export interface BackendReport {
  readonly name: string;
  readonly forced: boolean;
  readonly reason: string;
}

/** A seed's result with the backend it ran on. */
export interface SeedOutcome {
  readonly seed: number;
  readonly result: SeedResult;
  readonly backend: BackendReport;
  readonly wallTimeMs: number;
}

/**
 * A seed's outcome as JSON text, serialised in the thread that ran it. Only the text crosses to the
 * thread that stores it: copying a string is far cheaper for the receiving thread than rebuilding a
 * result with thousands of series points, and that thread shares the cores with the running seeds.
 */
export interface EncodedOutcome {
  readonly seed: number;
  /** `JSON.stringify` of the {@link SeedOutcome}. */
  readonly json: string;
}

/** Serialise an outcome to an {@link EncodedOutcome}. */
export function encodeOutcome(outcome: SeedOutcome): EncodedOutcome {
  return { seed: outcome.seed, json: JSON.stringify(outcome) };
}

/**
 * Initialise the tensor backend (forced or default) and run the seed.
 * `progress` receives this seed's fraction done.
 */
export async function runSeedTask(
  scenario: Scenario,
  task: SeedTask,
  progress: (fraction: number) => void,
): Promise<SeedOutcome> {
  await initBackend(task.backend === undefined ? {} : { backend: task.backend });
  const info = backendInfo();
  const started = performance.now();
  const result = await scenario.runSeed(scenario.configSchema.parse(task.config), {
    seed: task.seed,
    backend: task.backend,
    progress,
  });
  return {
    seed: task.seed,
    result,
    backend: { name: info.name, forced: info.forced, reason: info.reason },
    wallTimeMs: performance.now() - started,
  };
}
