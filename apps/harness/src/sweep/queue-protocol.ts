/**
 * What sweeps and queue workers exchange through the BullMQ queue: the job data a sweep enqueues and
 * the value a worker returns. Both sides run the same harness version.
 */
import type { EncodedOutcome } from "../seed-task.js";
import type { SweepJob } from "./sweep-plan.js";

/** The queue sweeps and workers use unless `--queue-name` says otherwise. */
export const DEFAULT_QUEUE_NAME = "tam-harness-sweep";

/** Finished jobs left uncollected (a sweep interrupted for good) are dropped after this long. */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

/** The data of a queued job: the sweep job itself. */
export type QueueJobData = SweepJob;

/** What a worker returns for a job. */
export interface QueueJobResult {
  /** The outcome as JSON text, so neither the worker nor the sweep rebuilds it as objects. */
  readonly outcome: EncodedOutcome;
  /** `host/pid` of the worker process. */
  readonly ranOn: string;
}
