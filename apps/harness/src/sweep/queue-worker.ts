/**
 * `tam-harness worker`: takes sweep jobs from a Redis-backed BullMQ queue and runs them on a local
 * seed pool (worker processes by default), on any machine that can reach the server. BullMQ holds a
 * lock on each running job and renews it; if this process dies, the lock expires after `lockMs` and another worker's
 * stalled-job check (every `stalledMs`) hands the job out again.
 */
import { hostname } from "node:os";
import { Worker } from "bullmq";
import { createSeedPool, type WorkerRuntime } from "../seed-pool.js";
import { seedTaskOf } from "./job-events.js";
import type { QueueConnection } from "./queue-connection.js";
import type { QueueJobData, QueueJobResult } from "./queue-protocol.js";

/** BullMQ's default lock duration: a killed worker's job is retried after at most this long. */
export const DEFAULT_LOCK_MS = 30_000;
/** BullMQ's default interval between stalled-job checks. */
export const DEFAULT_STALLED_MS = 30_000;
/** How many times a job may be handed out again after its worker stopped before it fails. */
export const DEFAULT_MAX_STALLED = 2;

/** Options for {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  readonly connection: QueueConnection;
  readonly queueName: string;
  /** Jobs run at once, one per worker. */
  readonly workers: number;
  readonly runtime: WorkerRuntime;
  readonly lockMs: number;
  readonly stalledMs: number;
  readonly maxStalled: number;
  /** One line per event (started, finished, failed). */
  readonly log: (line: string) => void;
  /** Aborting stops taking jobs; running jobs finish first. */
  readonly signal: AbortSignal;
}

/** Run jobs until the signal aborts, then finish the running ones and close. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const me = `${hostname()}/${process.pid}`;
  const pool = createSeedPool({ size: options.workers, runtime: options.runtime });
  const worker = new Worker<QueueJobData, QueueJobResult>(
    options.queueName,
    async (job) => {
      options.log(`start ${job.data.id}`);
      const started = performance.now();
      const outcome = await pool.runEncoded(seedTaskOf(job.data));
      options.log(`done ${job.data.id} in ${Math.round(performance.now() - started)} ms`);
      return { outcome, ranOn: me };
    },
    {
      connection: { ...options.connection.options, maxRetriesPerRequest: null },
      concurrency: pool.size,
      lockDuration: options.lockMs,
      stalledInterval: options.stalledMs,
      maxStalledCount: options.maxStalled,
      autorun: false,
    },
  );
  worker.on("failed", (job, error) => options.log(`failed ${job?.data.id ?? "(unknown job)"}: ${error.message}`));
  worker.on("error", (error) => options.log(`queue error: ${error.message}`));
  try {
    await worker.waitUntilReady();
    options.log(`worker ${me}: ${pool.size} worker ${pool.runtime === "processes" ? "process(es)" : "thread(s)"} on queue "${options.queueName}" at ${options.connection.display}`);
    const running = worker.run();
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    options.log(`worker ${me}: stopping after the running jobs finish (Ctrl-C again to stop now; they will be retried elsewhere)`);
    await worker.close();
    await running;
  } finally {
    await pool.destroy();
  }
}
