/**
 * Benchmark: the same local sweep on 1 and on 2 workers, as worker processes (the default) and as
 * worker threads; writes jobs/s and the speedups as
 * `{ machine, settings, results: [{ name, value, unit }] }` to the path given as the first argument
 * (`pnpm bench` writes `bench-results/harness-sweep.json` at the repository root).
 *
 * Each sweep gives two numbers, each the best of {@link REPEATS} (other work on the machine only ever
 * slows a run down):
 * - throughput: jobs per second once every worker is running, counted from the moment each worker has
 *   finished its first job (which also loads the packages and the tensor backend) to the last job;
 * - whole sweep: wall time from the call to the written report (start-up, jobs, result files, report),
 *   which adds start-up and the report's fixed cost to both sides of the speedup.
 *
 * A busy machine has fewer free cores than it has cores, so the file also records two baselines:
 * - the speedup of a pure CPU loop on 2 threads over 1 (`baseline/spin-speedup/threads=2`): how free
 *   the second core was;
 * - the ceiling: the same jobs run by 2 independent Node processes side by side (no pool, no sweep, each
 *   running its half of the jobs and writing their result files) over 1 such process
 *   (`baseline/independent-processes-speedup/processes=2`): how well two of these jobs can run at once
 *   on this machine at all. The pool's speedup over this ceiling is the pool's own efficiency.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, platform, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { writeFileAtomic } from "../report/atomic-write.js";
import { findScenario } from "../registry.js";
import { WORKER_PROCESS_EXEC_ARGV, WORKER_RUNTIMES, type WorkerRuntime } from "../seed-pool.js";
import { parseSweepAxes } from "./sweep-axes.js";
import { planSweep, type SweepJob, type SweepPlan } from "./sweep-plan.js";
import { runSweep } from "./sweep-run.js";

/**
 * Scenario and settings: about a second of work per job on a free core. Starting a worker (loading
 * every scenario's packages and the tensor backend) costs about 1.5 s of CPU once per worker, in
 * parallel; with jobs of this size it is a small part of a sweep, as in real sweeps.
 */
const SCENARIO = "epistemic-policies";
const SETTINGS = ["budgetWells=320000", "maxCycles=400000"];
const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const WORKERS = [1, 2] as const;
const REPEATS = 3;

/** One benchmark number. */
interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** Iterations of the baseline's CPU loop per thread (about a second or two). */
const SPIN_ITERATIONS = 2e8;
const SPIN_CODE = `let x = 0; for (let i = 0; i < ${SPIN_ITERATIONS}; i++) x = (x * 1664525 + 1013904223) % 4294967296;`;

/** Seconds for `threads` threads to each run the CPU loop once. */
async function timeSpin(threads: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise((done, fail) => new Worker(SPIN_CODE, { eval: true }).on("exit", done).on("error", fail))),
  );
  return (performance.now() - started) / 1000;
}

/** Timings of one sweep, in seconds. */
interface SweepTiming {
  readonly whole: number;
  /** From the `workers`-th stored result to the last. */
  readonly afterWarmUp: number;
}

function benchPlan(): SweepPlan {
  const scenario = findScenario(SCENARIO);
  return planSweep(scenario, { axes: parseSweepAxes(scenario, SETTINGS), seeds: SEEDS, quick: false, backend: undefined });
}

/** What a {@link CHILD} process prints: when each of its jobs finished, in ms since it started. */
interface ChildTimes {
  readonly jobEnds: readonly number[];
}

const CHILD = new URL("./sweep-bench-child.js", import.meta.url);
const execFileAsync = promisify(execFile);

/**
 * Seconds per job, once warm, of `processes` independent processes each running its share of the
 * bench's jobs (the ceiling): jobs after each process's first, over the time they took, summed.
 */
async function timeIndependentProcesses(processes: number): Promise<number> {
  const { jobs } = benchPlan();
  const share = Math.ceil(jobs.length / processes);
  const outDir = mkdtempSync(join(tmpdir(), "tam-sweep-bench-"));
  try {
    const children = Array.from({ length: processes }, (_, i) => runChild(outDir, jobs.slice(i * share, (i + 1) * share)));
    const rates = (await Promise.all(children)).map(({ jobEnds }) => (jobEnds.length - 1) / (((jobEnds.at(-1) ?? Number.NaN) - (jobEnds[0] ?? Number.NaN)) / 1000));
    return 1 / rates.reduce((a, b) => a + b, 0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function runChild(outDir: string, jobs: readonly SweepJob[]): Promise<ChildTimes> {
  const { stdout } = await execFileAsync(process.execPath, [...WORKER_PROCESS_EXEC_ARGV, fileURLToPath(CHILD), outDir, JSON.stringify(jobs)]);
  return JSON.parse(stdout) as ChildTimes;
}

async function timeSweep(runtime: WorkerRuntime, workers: number): Promise<SweepTiming> {
  const plan = benchPlan();
  const outDir = mkdtempSync(join(tmpdir(), "tam-sweep-bench-"));
  try {
    const started = performance.now();
    const stored: number[] = [];
    await runSweep(plan, {
      outDir,
      resume: false,
      runner: { kind: "local", execution: "workers", workers, runtime },
      chartMetric: undefined,
      command: "sweep-bench",
      signal: new AbortController().signal,
      log: (line) => process.stderr.write(`${line}\n`),
      onJobStored: () => stored.push(performance.now()),
    });
    const whole = (performance.now() - started) / 1000;
    const warm = stored[workers - 1] ?? Number.NaN;
    return { whole, afterWarmUp: ((stored.at(-1) ?? Number.NaN) - warm) / 1000 };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const outPath = resolve(process.argv[2] ?? "harness-sweep.json");
const loadBefore = loadavg()[0] ?? Number.NaN;
const best = new Map<string, number>();
const keep = (key: string, seconds: number): void => void best.set(key, Math.min(best.get(key) ?? Number.POSITIVE_INFINITY, seconds));
for (let repeat = 0; repeat < REPEATS; repeat++) {
  for (const workers of WORKERS) {
    for (const runtime of WORKER_RUNTIMES) {
      const timing = await timeSweep(runtime, workers);
      keep(`whole/${runtime}/${workers}`, timing.whole);
      keep(`warm/${runtime}/${workers}`, timing.afterWarmUp);
    }
    keep(`spin/${workers}`, await timeSpin(workers));
    keep(`ceiling/${workers}`, await timeIndependentProcesses(workers));
  }
}
const seconds = (key: string): number => best.get(key) ?? Number.NaN;
/** Jobs per second once `workers` workers are warm: the jobs after each worker's first one. */
const throughput = (runtime: WorkerRuntime, workers: number): number => (SEEDS.length - workers) / seconds(`warm/${runtime}/${workers}`);
const wholeRate = (runtime: WorkerRuntime, workers: number): number => SEEDS.length / seconds(`whole/${runtime}/${workers}`);
const results: BenchResult[] = [
  ...WORKER_RUNTIMES.flatMap((runtime) => [
    ...WORKERS.map((workers) => ({ name: `sweep/${runtime}/throughput/workers=${workers}`, value: throughput(runtime, workers), unit: "jobs/s" })),
    { name: `sweep/${runtime}/throughput-speedup/workers=2`, value: throughput(runtime, 2) / throughput(runtime, 1), unit: "x" },
    ...WORKERS.map((workers) => ({ name: `sweep/${runtime}/whole-sweep/workers=${workers}`, value: seconds(`whole/${runtime}/${workers}`), unit: "s" })),
    { name: `sweep/${runtime}/whole-sweep-speedup/workers=2`, value: wholeRate(runtime, 2) / wholeRate(runtime, 1), unit: "x" },
  ]),
  // Each spin thread does the same work, so 2 threads on 2 free cores take as long as 1.
  { name: "baseline/spin-speedup/threads=2", value: (2 * seconds("spin/1")) / seconds("spin/2"), unit: "x" },
  ...WORKERS.map((processes) => ({ name: `baseline/independent-processes/throughput/processes=${processes}`, value: 1 / seconds(`ceiling/${processes}`), unit: "jobs/s" })),
  { name: "baseline/independent-processes-speedup/processes=2", value: seconds("ceiling/1") / seconds("ceiling/2"), unit: "x" },
  {
    name: "sweep/processes/throughput-speedup-over-ceiling/workers=2",
    value: throughput("processes", 2) / throughput("processes", 1) / (seconds("ceiling/1") / seconds("ceiling/2")),
    unit: "x",
  },
];
const cpuList = cpus();
const report = {
  machine: { cpu: cpuList[0]?.model ?? "unknown", cores: cpuList.length, node: process.version, platform: `${platform()} ${process.arch}` },
  settings: { scenario: SCENARIO, set: SETTINGS, jobs: SEEDS.length, repeats: REPEATS, timing: "best of repeats: throughput after each worker's first job, and whole sweep" },
  // Other processes on the machine slow the 2-thread run most: record how busy it was.
  loadAverage1m: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
  results,
};
await writeFileAtomic(outPath, `${JSON.stringify(report, null, 2)}\n`);
for (const r of results) process.stdout.write(`${r.name}: ${r.value.toFixed(3)} ${r.unit}\n`);
process.stdout.write(`-> ${outPath}\n`);
