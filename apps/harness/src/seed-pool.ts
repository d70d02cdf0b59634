/**
 * A fixed-size pool of workers (tinypool) that run seed tasks from the built `worker.js`, either as
 * child processes (the default) or as worker threads.
 *
 * Processes are the default because they scale better: each has its own V8 heap, garbage collector
 * and platform threads, and with `--single-threaded-gc` its collector stays on its own core
 * (measurements: apps/harness/README.md, "Benchmark", and ADR 0007). Threads stay available for
 * comparison.
 */
import { MessageChannel } from "node:worker_threads";
import Tinypool from "tinypool";
import type { EncodedOutcome, SeedOutcome, SeedTask } from "./seed-task.js";
import type { ResultTarget } from "./sweep/result-store.js";
import type { ProgressMessage, WorkerReply, WorkerTask } from "./worker.js";

/** What a pool's workers are. */
export type WorkerRuntime = "processes" | "threads";

/** The runtimes, for option parsing. */
export const WORKER_RUNTIMES: readonly WorkerRuntime[] = ["processes", "threads"];

/**
 * V8 flags of a worker process: garbage collection on the process's own thread, so two workers'
 * collectors do not compete with the jobs for the cores.
 */
export const WORKER_PROCESS_EXEC_ARGV: readonly string[] = ["--single-threaded-gc"];

/** Options for {@link createSeedPool}. */
export interface SeedPoolOptions {
  /** Workers, hence jobs at once (at least one). */
  readonly size: number;
  readonly runtime: WorkerRuntime;
}

/** Only scenarios in the registry can run on a pool (workers look them up by name). */
export interface SeedPool {
  /** Number of workers. */
  readonly size: number;
  readonly runtime: WorkerRuntime;
  /**
   * Run one task; `onProgress` gets (seed, fraction). Aborting `signal` rejects the task (a running
   * task's worker is terminated and replaced).
   */
  run(task: SeedTask, onProgress: (seed: number, fraction: number) => void, signal?: AbortSignal): Promise<SeedOutcome>;
  /** Like {@link SeedPool.run}, but the outcome arrives as JSON text serialised by the worker. */
  runEncoded(task: SeedTask, signal?: AbortSignal): Promise<EncodedOutcome>;
  /**
   * Like {@link SeedPool.run}, but the worker writes the outcome as a sweep job's result file
   * (`target`) and only completion crosses back: the outcome is never copied to this process.
   */
  runAndStore(task: SeedTask, target: ResultTarget, signal?: AbortSignal): Promise<void>;
  /** Stop every worker; tasks still queued or running are rejected. */
  destroy(): Promise<void>;
}

/** Create a pool of `options.size` workers of the given runtime. */
export function createSeedPool(options: SeedPoolOptions): SeedPool {
  const size = Math.max(1, Math.floor(options.size));
  const processes = options.runtime === "processes";
  const pool = new Tinypool({
    filename: new URL("./worker.js", import.meta.url).href,
    runtime: processes ? "child_process" : "worker_threads",
    minThreads: size,
    maxThreads: size,
    // Tasks and outcomes cross as structured clones (NaN and Infinity survive), not JSON.
    serialization: "advanced",
    // Workers never inherit this process's Node flags (a test runner's module conditions, --inspect).
    execArgv: processes ? [...WORKER_PROCESS_EXEC_ARGV] : [],
    // tinypool starts a worker process with no environment unless given one (TAM_BACKEND, PATH...).
    ...(processes ? { env: parentEnvironment() } : {}),
  });
  const submit = async (task: SeedTask, reply: WorkerReply, onProgress: (seed: number, fraction: number) => void, signal?: AbortSignal): Promise<unknown> => {
    const abort = signal === undefined ? {} : { signal };
    const deliver = (message: ProgressMessage): void => onProgress(message.seed, message.fraction);
    if (processes) {
      // A worker process posts progress on its IPC channel; tinypool hands it to the task's channel.
      const workerTask: WorkerTask = { ...task, reply };
      return pool.run(workerTask, { channel: { postMessage: deliver }, ...abort });
    }
    const channel = new MessageChannel();
    channel.port1.on("message", deliver);
    const workerTask: WorkerTask = { ...task, reply, port: channel.port2 };
    try {
      return await pool.run(workerTask, { transferList: [channel.port2], ...abort });
    } finally {
      channel.port1.close();
    }
  };
  return {
    size,
    runtime: options.runtime,
    run: async (task, onProgress, signal) => (await submit(task, { kind: "object" }, onProgress, signal)) as SeedOutcome,
    runEncoded: async (task, signal) => (await submit(task, { kind: "json" }, () => undefined, signal)) as EncodedOutcome,
    runAndStore: async (task, target, signal) => void (await submit(task, { kind: "file", target }, () => undefined, signal)),
    destroy: () => pool.destroy(),
  };
}

/** This process's environment without unset entries. */
function parentEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
