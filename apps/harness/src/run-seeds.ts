/**
 * Runs a scenario's seeds: in parallel on worker threads (piscina, one thread per core at most), or
 * in the calling thread (tests, or a single seed when threads are not wanted).
 */
import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Scenario } from "./scenario.js";
import type { EncodedOutcome, SeedOutcome, SeedTask } from "./seed-task.js";
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
 * A fixed-size pool of worker threads (piscina) that run seed tasks from the built `worker.js`.
 * Only scenarios in the registry can run on it (workers look them up by name).
 */
export interface SeedPool {
  /** Number of worker threads. */
  readonly threads: number;
  /**
   * Run one task; `onProgress` gets (seed, fraction). Aborting `signal` rejects the task (a running
   * task's thread is terminated and replaced).
   */
  run(task: SeedTask, onProgress: (seed: number, fraction: number) => void, signal?: AbortSignal): Promise<SeedOutcome>;
  /** Like {@link SeedPool.run}, but the outcome arrives as JSON text serialised by the worker. */
  runEncoded(task: SeedTask, signal?: AbortSignal): Promise<EncodedOutcome>;
  /** Stop every thread; tasks still queued or running are rejected. */
  destroy(): Promise<void>;
}

/** Create a pool of `threads` worker threads (at least one). */
export function createSeedPool(threads: number): SeedPool {
  const size = Math.max(1, Math.floor(threads));
  const pool = new Piscina<WorkerTask, SeedOutcome | EncodedOutcome>({
    filename: new URL("./worker.js", import.meta.url).href,
    minThreads: size,
    maxThreads: size,
  });
  const submit = (task: SeedTask, encode: boolean, onProgress: (seed: number, fraction: number) => void, signal?: AbortSignal) => {
    const channel = new MessageChannel();
    channel.port1.on("message", (message: ProgressMessage) => onProgress(message.seed, message.fraction));
    const workerTask: WorkerTask = { ...task, port: channel.port2, encode };
    return pool
      .run(workerTask, { transferList: [channel.port2], ...(signal === undefined ? {} : { signal }) })
      .finally(() => channel.port1.close());
  };
  return {
    threads: size,
    run: async (task, onProgress, signal) => (await submit(task, false, onProgress, signal)) as SeedOutcome,
    runEncoded: async (task, signal) => (await submit(task, true, () => undefined, signal)) as EncodedOutcome,
    destroy: () => pool.destroy(),
  };
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
  const pool = createSeedPool(Math.min(tasks.length, options.maxThreads ?? availableParallelism()));
  try {
    return await Promise.all(tasks.map((task) => pool.run(task, options.onProgress)));
  } finally {
    await pool.destroy();
  }
}
