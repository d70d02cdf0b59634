/**
 * Runs sweep jobs on this machine: on the seed pool (worker processes by default) sized to the cores
 * (or to `--workers`), or one after another in the calling thread (tests). Each worker writes its own
 * job's result file, so a result never crosses to the sweep's process, which shares the cores with the
 * running jobs. Aborting the signal stops dispatching and terminates running jobs; their results are
 * simply not written.
 */
import { resolve } from "node:path";
import type { Execution } from "../run-seeds.js";
import { createSeedPool, type WorkerRuntime } from "../seed-pool.js";
import type { Scenario } from "../scenario.js";
import { runSeedTask } from "../seed-task.js";
import type { JobEvents } from "./job-events.js";
import { seedTaskOf } from "./job-events.js";
import { storeOutcome, type ResultTarget } from "./result-store.js";
import type { SweepJob } from "./sweep-plan.js";

/** Where a locally run job is recorded to have run, followed by its worker's pid (and thread). */
export const LOCAL = "local";

/** Options for {@link runJobsLocally}. */
export interface LocalRunOptions {
  readonly execution: Execution;
  /** Workers (at most one per job). */
  readonly workers: number;
  readonly runtime: WorkerRuntime;
  /** The scenario object, for in-process execution (workers look it up by name). */
  readonly scenario: Scenario;
  /** The sweep's output folder, where each job's result file goes. */
  readonly outDir: string;
  readonly signal: AbortSignal;
}

/** Run `jobs`, reporting each to `events`; resolves when all have finished or the signal aborted. */
export async function runJobsLocally(jobs: readonly SweepJob[], events: JobEvents, options: LocalRunOptions): Promise<void> {
  const outDir = resolve(options.outDir);
  const targetOf = (job: SweepJob): ResultTarget => ({ outDir, job, place: LOCAL });
  if (options.execution === "in-process") {
    for (const job of jobs) {
      if (options.signal.aborted) return;
      await runOne(job, events, async () => storeOutcome(targetOf(job), await runSeedTask(options.scenario, seedTaskOf(job), () => undefined)));
    }
    return;
  }
  if (jobs.length === 0) return;
  const pool = createSeedPool({ size: Math.min(jobs.length, options.workers), runtime: options.runtime });
  // One listener for the whole pool: destroying it rejects every queued and running job.
  const stop = (): void => void pool.destroy();
  options.signal.addEventListener("abort", stop, { once: true });
  try {
    await Promise.all(jobs.map((job) => runOne(job, events, () => pool.runAndStore(seedTaskOf(job), targetOf(job)), options.signal)));
  } finally {
    options.signal.removeEventListener("abort", stop);
    await pool.destroy();
  }
}

async function runOne(job: SweepJob, events: JobEvents, runAndStore: () => Promise<void>, signal?: AbortSignal): Promise<void> {
  try {
    await runAndStore();
  } catch (error) {
    if (signal?.aborted === true) return;
    events.failed(job, (error as Error).message);
    return;
  }
  events.stored(job);
}
