/**
 * Runs sweep jobs on this machine: on the seed pool (worker processes by default) sized to the cores
 * (or to `--workers`), or one after another in the calling thread (tests). Aborting the signal stops
 * dispatching and terminates running jobs; their results are simply not written.
 */
import type { Execution } from "../run-seeds.js";
import { createSeedPool, type WorkerRuntime } from "../seed-pool.js";
import type { Scenario } from "../scenario.js";
import { encodeOutcome, runSeedTask, type EncodedOutcome } from "../seed-task.js";
import type { JobEvents } from "./job-events.js";
import { seedTaskOf } from "./job-events.js";
import type { SweepJob } from "./sweep-plan.js";

/** Where a locally run job is recorded to have run. */
export const LOCAL = "local";

/** Options for {@link runJobsLocally}. */
export interface LocalRunOptions {
  readonly execution: Execution;
  /** Workers (at most one per job). */
  readonly workers: number;
  readonly runtime: WorkerRuntime;
  /** The scenario object, for in-process execution (workers look it up by name). */
  readonly scenario: Scenario;
  readonly signal: AbortSignal;
}

/** Run `jobs`, reporting each to `events`; resolves when all have finished or the signal aborted. */
export async function runJobsLocally(jobs: readonly SweepJob[], events: JobEvents, options: LocalRunOptions): Promise<void> {
  if (options.execution === "in-process") {
    for (const job of jobs) {
      if (options.signal.aborted) return;
      await runOne(job, events, async () => encodeOutcome(await runSeedTask(options.scenario, seedTaskOf(job), () => undefined)));
    }
    return;
  }
  if (jobs.length === 0) return;
  const pool = createSeedPool({ size: Math.min(jobs.length, options.workers), runtime: options.runtime });
  // One listener for the whole pool: destroying it rejects every queued and running job.
  const stop = (): void => void pool.destroy();
  options.signal.addEventListener("abort", stop, { once: true });
  try {
    await Promise.all(jobs.map((job) => runOne(job, events, () => pool.runEncoded(seedTaskOf(job)), options.signal)));
  } finally {
    options.signal.removeEventListener("abort", stop);
    await pool.destroy();
  }
}

async function runOne(job: SweepJob, events: JobEvents, run: () => Promise<EncodedOutcome>, signal?: AbortSignal): Promise<void> {
  let outcome;
  try {
    outcome = await run();
  } catch (error) {
    if (signal?.aborted === true) return;
    events.failed(job, (error as Error).message);
    return;
  }
  await events.done(job, outcome, LOCAL);
}
