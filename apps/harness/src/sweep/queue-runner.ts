/**
 * Runs sweep jobs through a Redis-backed BullMQ queue: enqueues them (the job id is the sweep job id,
 * so a job already in the queue is not added twice), then collects results as workers finish them,
 * on any machine. A job whose worker dies is retried by BullMQ's stalled-job check in another worker.
 *
 * Collected jobs are removed from Redis once their result file is written; finished jobs of an
 * interrupted sweep stay until a `--resume` collects them (or {@link KEEP_FINISHED_SECONDS}).
 */
import { Job, Queue, QueueEvents } from "bullmq";
import type { JobEvents } from "./job-events.js";
import type { QueueConnection } from "./queue-connection.js";
import { KEEP_FINISHED_SECONDS, type QueueJobData, type QueueJobResult } from "./queue-protocol.js";
import { writeJobResult } from "./result-store.js";
import type { SweepJob } from "./sweep-plan.js";

/** How often every pending job's state is checked, in case a queue event was missed. */
export const RECONCILE_INTERVAL_MS = 1000;
/** Jobs added per Redis round trip. */
const ENQUEUE_BATCH = 200;

/** Options for {@link runJobsOnQueue}. */
export interface QueueRunOptions {
  readonly connection: QueueConnection;
  readonly queueName: string;
  /** The sweep's output folder, where each collected result is written. */
  readonly outDir: string;
  readonly signal: AbortSignal;
}

/** Enqueue `jobs` and wait until each has a result or has failed, or the signal aborted. */
export async function runJobsOnQueue(jobs: readonly SweepJob[], events: JobEvents, options: QueueRunOptions): Promise<void> {
  if (jobs.length === 0) return;
  const connection = { ...options.connection.options, maxRetriesPerRequest: null };
  const queue = new Queue<QueueJobData, QueueJobResult, string>(options.queueName, { connection });
  const queueEvents = new QueueEvents(options.queueName, { connection });
  const pending = new Map(jobs.map((job) => [job.id, job]));
  const settling = new Set<string>();
  let failure: Error | undefined;
  let wake: () => void = () => undefined;

  /** Look at one pending job; store its result or failure if it has finished. */
  const settle = async (id: string): Promise<void> => {
    const job = pending.get(id);
    if (job === undefined || settling.has(id)) return;
    settling.add(id);
    try {
      const state = await queue.getJobState(id);
      if (state !== "completed" && state !== "failed" && state !== "unknown") return;
      const queued = await Job.fromId<QueueJobData, QueueJobResult>(queue, id);
      if (queued === undefined) {
        // Not in the queue (not added yet, or collected by another sweep on the same queue): add it;
        // adding an id that is already there does nothing.
        await queue.add(job.scenario, job, jobOptions(job));
        return;
      }
      const finished = state === "unknown" ? await queued.getState() : state;
      if (finished === "completed") {
        await writeJobResult(options.outDir, job, queued.returnvalue.outcome, queued.returnvalue.ranOn);
        events.stored(job);
      } else if (finished === "failed") {
        events.failed(job, queued.failedReason);
      } else {
        return;
      }
      pending.delete(id);
      await queued.remove().catch(() => undefined);
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    } finally {
      settling.delete(id);
      wake();
    }
  };

  queueEvents.on("completed", ({ jobId }) => void settle(jobId));
  queueEvents.on("failed", ({ jobId }) => void settle(jobId));
  queueEvents.on("stalled", ({ jobId }) => {
    const job = pending.get(jobId);
    if (job !== undefined) events.retried(job);
  });
  let reconcile: NodeJS.Timeout | undefined;
  try {
    await queueEvents.waitUntilReady();
    for (let i = 0; i < jobs.length && !options.signal.aborted; i += ENQUEUE_BATCH) {
      await queue.addBulk(jobs.slice(i, i + ENQUEUE_BATCH).map((job) => ({ name: job.scenario, data: job, opts: jobOptions(job) })));
    }
    // Jobs that finished before the events stream was read (or in an earlier, interrupted sweep) are
    // found by looking at every pending job now and then.
    reconcile = setInterval(() => {
      for (const id of pending.keys()) void settle(id);
    }, RECONCILE_INTERVAL_MS);
    const aborted = new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
    while (pending.size > 0 && !options.signal.aborted && failure === undefined) {
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
    }
    if (failure !== undefined) throw failure;
    if (options.signal.aborted) await dropWaiting(queue, [...pending.keys()]);
  } finally {
    clearInterval(reconcile);
    await queueEvents.close();
    await queue.close();
  }
}

/** Job options: the sweep job id, one attempt (a seed that throws would throw again), kept until collected. */
function jobOptions(job: SweepJob): { jobId: string; attempts: number; removeOnComplete: { age: number }; removeOnFail: { age: number } } {
  return { jobId: job.id, attempts: 1, removeOnComplete: { age: KEEP_FINISHED_SECONDS }, removeOnFail: { age: KEEP_FINISHED_SECONDS } };
}

/** Remove the jobs no worker has started yet; running ones finish and wait for `--resume`. */
async function dropWaiting(queue: Queue<QueueJobData, QueueJobResult, string>, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if ((await queue.getJobState(id)) === "waiting") await queue.remove(id).catch(() => undefined);
  }
}
