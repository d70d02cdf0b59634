/**
 * What a job runner (local workers or the Redis queue) reports to the sweep as jobs finish. A runner
 * stores each finished job's result file itself before reporting it.
 */
import type { SeedTask } from "../seed-task.js";
import type { SweepJob } from "./sweep-plan.js";

/** Callbacks a runner calls; the sweep stores results and updates progress in them. */
export interface JobEvents {
  /** A job's result file has been written. */
  stored(job: SweepJob): void;
  /** A job failed for good with this error message. */
  failed(job: SweepJob, error: string): void;
  /** A job was handed out again because the worker running it stopped (queue mode). */
  retried(job: SweepJob): void;
}

/** The seed task of a job: only what a worker needs to run it. */
export function seedTaskOf(job: SweepJob): SeedTask {
  return { scenario: job.scenario, config: job.config, seed: job.seed, backend: job.backend };
}
