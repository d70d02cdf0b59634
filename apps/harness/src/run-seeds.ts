/**
 * Runs a scenario's seeds: in parallel on worker threads (piscina, one thread per core at most), or
 * in the calling thread (tests, or a single seed when threads are not wanted).
 */
import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Scenario } from "./scenario.js";
import type { SeedOutcome, SeedTask } from "./seed-task.js";
import { runSeedTask } from "./seed-task.js";
import type { ProgressMessage, WorkerTask } from "./worker.js";

/** How seeds are executed. */
export type Execution = "workers" | "in-process";

/** Options for {@link runSeeds}. */
export interface RunSeedsOptions {
  readonly execution: Execution;
  /** Called with (seed, fraction) as seeds progress. */
  readonly onProgress: (seed: number, fraction: number) => void;
  /** Upper bound on worker threads; defaults to the machine's available parallelism. */
  readonly maxThreads?: number;
}

/**
 * Run every task of `scenario` and return outcomes in task order; fails with the first seed's error.
 * Worker threads look the scenario up by name in the registry, so only registered scenarios can run
 * on workers; any scenario object can run in-process.
 */
export async function runSeeds(scenario: Scenario, tasks: readonly SeedTask[], options: RunSeedsOptions): Promise<SeedOutcome[]> {
  if (options.execution === "in-process") {
    const outcomes: SeedOutcome[] = [];
    for (const task of tasks) {
      outcomes.push(await runSeedTask(scenario, task, (fraction) => options.onProgress(task.seed, fraction)));
    }
    return outcomes;
  }
  const threads = Math.max(1, Math.min(tasks.length, options.maxThreads ?? availableParallelism()));
  const pool = new Piscina<WorkerTask, SeedOutcome>({
    filename: new URL("./worker.js", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  try {
    return await Promise.all(
      tasks.map((task) => {
        const channel = new MessageChannel();
        channel.port1.on("message", (message: ProgressMessage) => options.onProgress(message.seed, message.fraction));
        const workerTask: WorkerTask = { ...task, port: channel.port2 };
        return pool
          .run(workerTask, { transferList: [channel.port2] })
          .finally(() => channel.port1.close());
      }),
    );
  } finally {
    await pool.destroy();
  }
}
