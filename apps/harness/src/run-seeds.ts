/**
 * Runs a scenario's seeds: in parallel on a pool of worker processes (one per core at most), or in
 * the calling thread (tests, or when workers are not wanted).
 */
import { availableParallelism } from "node:os";
import type { Scenario } from "./scenario.js";
import { createSeedPool } from "./seed-pool.js";
import type { SeedOutcome, SeedTask } from "./seed-task.js";
import { runSeedTask } from "./seed-task.js";

/** How seeds are executed: on the seed pool's workers, or one after another in this thread. */
export type Execution = "workers" | "in-process";

/** Options for {@link runSeeds}. */
export interface RunSeedsOptions {
  readonly execution: Execution;
  /** Called with (seed, fraction) as seeds progress. */
  readonly onProgress: (seed: number, fraction: number) => void;
}

/**
 * Run every task of `scenario` and return outcomes in task order; fails with the first seed's error.
 * Workers look the scenario up by name in the registry, so only registered scenarios can run on
 * workers; any scenario object can run in-process.
 */
export async function runSeeds(scenario: Scenario, tasks: readonly SeedTask[], options: RunSeedsOptions): Promise<SeedOutcome[]> {
  if (options.execution === "in-process") {
    const outcomes: SeedOutcome[] = [];
    for (const task of tasks) {
      outcomes.push(await runSeedTask(scenario, task, (fraction) => options.onProgress(task.seed, fraction)));
    }
    return outcomes;
  }
  const pool = createSeedPool({ size: Math.min(tasks.length, availableParallelism()), runtime: "processes" });
  try {
    return await Promise.all(tasks.map((task) => pool.run(task, options.onProgress)));
  } finally {
    await pool.destroy();
  }
}
