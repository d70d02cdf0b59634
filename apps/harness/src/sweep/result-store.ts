/**
 * Sweep results on disk: one file per (scenario, config hash, seed) at
 * `DIR/<scenario>/sweep/<configHash>/seed-<seed>.json`, written atomically. A retried job overwrites
 * its own file, so nothing is counted twice, and `--resume` runs only the jobs whose file is missing.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isMainThread, threadId } from "node:worker_threads";
import { writeFileAtomic } from "../report/atomic-write.js";
import { encodeOutcome, type EncodedOutcome, type SeedOutcome } from "../seed-task.js";
import type { Setting, SweepJob } from "./sweep-plan.js";

/** Version of the result-file layout. */
export const JOB_RESULT_SCHEMA_VERSION = 1;

/** What one finished job left on disk. */
export interface JobResult {
  readonly schemaVersion: typeof JOB_RESULT_SCHEMA_VERSION;
  readonly id: string;
  readonly scenario: string;
  readonly configHash: string;
  readonly setting: Setting;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly outcome: SeedOutcome;
  /**
   * Where it ran: `local/<pid>` for the sweep's own workers (`local/<pid>#<thread>` for a worker thread),
   * else the queue worker's `host/pid`.
   */
  readonly ranOn: string;
  readonly finishedAt: string;
}

/** Path of a job's result file under the output folder. */
export function resultPath(outDir: string, job: Pick<SweepJob, "scenario" | "configHash" | "seed">): string {
  return join(outDir, job.scenario, "sweep", job.configHash, `seed-${job.seed}.json`);
}

/**
 * Write a job's result atomically (replacing an earlier result of the same job) and return the file's
 * text, a {@link JobResult} as JSON. The outcome's JSON text is spliced in as it came, not re-encoded.
 */
export async function writeJobResult(outDir: string, job: SweepJob, outcome: EncodedOutcome, ranOn: string): Promise<string> {
  if (outcome.seed !== job.seed) throw new Error(`job ${job.id}: the result is for seed ${outcome.seed}, not ${job.seed}`);
  const head = JSON.stringify({
    schemaVersion: JOB_RESULT_SCHEMA_VERSION,
    id: job.id,
    scenario: job.scenario,
    configHash: job.configHash,
    setting: job.setting,
    config: job.config,
    seed: job.seed,
  });
  const tail = JSON.stringify({ ranOn, finishedAt: new Date().toISOString() });
  const text = `${head.slice(0, -1)},"outcome":${outcome.json},${tail.slice(1)}\n`;
  await writeFileAtomic(resultPath(outDir, job), text);
  return text;
}

/**
 * Where a job's result goes when the worker that ran it stores it itself: the sweep's output folder
 * (absolute, since a worker process may not share the sweep's working directory), the job, and the
 * kind of place it runs in (`local`), to which the storing worker adds itself. Plain data, so it crosses
 * to a worker.
 */
export interface ResultTarget {
  readonly outDir: string;
  readonly job: SweepJob;
  readonly place: string;
}

/** `place/<pid>` for this process, with `#<thread id>` in a worker thread: which worker this is. */
export function workerName(place: string): string {
  return isMainThread ? `${place}/${process.pid}` : `${place}/${process.pid}#${threadId}`;
}

/**
 * Store a seed's outcome as its job's result file (see {@link writeJobResult}), recording this worker
 * ({@link workerName}) as where it ran.
 */
export async function storeOutcome(target: ResultTarget, outcome: SeedOutcome): Promise<void> {
  await writeJobResult(target.outDir, target.job, encodeOutcome(outcome), workerName(target.place));
}

/** Parse a result file's text. */
export function parseJobResult(text: string): JobResult {
  return JSON.parse(text) as JobResult;
}

/** A job's stored result, or undefined when there is none (or it belongs to another job). */
export async function readJobResult(outDir: string, job: SweepJob): Promise<JobResult | undefined> {
  let text: string;
  try {
    text = await readFile(resultPath(outDir, job), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const result = parseJobResult(text);
  return result.id === job.id && result.schemaVersion === JOB_RESULT_SCHEMA_VERSION ? result : undefined;
}

/** The stored results of `jobs`, by job id (jobs without a result are absent). */
export async function readJobResults(outDir: string, jobs: readonly SweepJob[]): Promise<Map<string, JobResult>> {
  const found = new Map<string, JobResult>();
  for (const job of jobs) {
    const result = await readJobResult(outDir, job);
    if (result !== undefined) found.set(job.id, result);
  }
  return found;
}
