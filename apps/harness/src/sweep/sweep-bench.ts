/**
 * Benchmark: the same local sweep on 1 and on 2 workers, as worker processes (the default) and as
 * worker threads, for two kinds of job; writes jobs/s and the speedups as
 * `{ machine, settings, results: [{ name, value, unit }], rounds }` to the path given as the first
 * argument (`pnpm bench` writes `bench-results/harness-sweep.json` at the repository root).
 *
 * The two workloads ({@link WORKLOADS}) are real scenario sweeps of about a second per job:
 * - `compute`: `graph-equations` (Lorenz integration and sparse regression on small arrays, 2 kB of
 *   results per job): how the pool scales when the jobs are bound by the cores;
 * - `allocation-heavy`: `epistemic-policies` (builds and writes about 8 MB of series per job): how it
 *   scales when the jobs also contend for the caches and memory bandwidth the two cores share.
 *
 * Throughput is jobs per second once warm, read from the result files: each worker (its `ranOn`) counts
 * the jobs after its first one (which also loads the packages and the tensor backend) over the time from
 * its first result to its last, and the workers' rates add up. A worker waiting for the other's last job
 * is thus not counted as slowness. The whole sweep's wall time (start-up, jobs, result files, report) is
 * recorded too.
 *
 * The host's other tenants change how fast a core is from one minute to the next by more than the
 * margin measured here, so every number is measured in {@link ROUNDS} rounds, and a round measures 1
 * and 2 workers back to back (in alternating order): each speedup compares two runs made under the same
 * conditions, and the file gives the median over rounds with the smallest and largest.
 *
 * Two baselines, measured in the same rounds:
 * - a pure CPU loop on 2 threads over 1 (`baseline/spin-speedup/threads=2`): how free the second core was;
 * - per workload, the ceiling: the same jobs run by 2 independent Node processes side by side (no pool, no
 *   sweep), each running its half and writing the result files, timed like the pool
 *   (`<workload>/baseline/independent-processes-speedup/...`): how well two of these jobs can run at once
 *   on this machine at all. The pool's speedup over the ceiling's is the pool's own efficiency.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { cpus, loadavg, platform, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { writeFileAtomic } from "../report/atomic-write.js";
import { findScenario } from "../registry.js";
import { WORKER_PROCESS_EXEC_ARGV, WORKER_RUNTIMES, type WorkerRuntime } from "../seed-pool.js";
import { parseJobResult } from "./result-store.js";
import { parseSweepAxes } from "./sweep-axes.js";
import { planSweep, type SweepJob, type SweepPlan } from "./sweep-plan.js";
import { runSweep } from "./sweep-run.js";

/** One kind of job the bench sweeps: a scenario, its settings and how many seeds (jobs). */
interface Workload {
  readonly name: string;
  readonly scenario: string;
  readonly settings: readonly string[];
  readonly jobs: number;
}

/**
 * About a second of work per job on a free core. Starting a worker (loading every scenario's packages
 * and the tensor backend) costs about 1.5 s of CPU once per worker, in parallel; with jobs of this size
 * it is a small part of a sweep, as in real sweeps.
 */
const WORKLOADS: readonly Workload[] = [
  { name: "compute", scenario: "graph-equations", settings: ["steps=10000"], jobs: 16 },
  { name: "allocation-heavy", scenario: "epistemic-policies", settings: ["budgetWells=320000", "maxCycles=400000"], jobs: 16 },
];
/** Rounds; each measures every system on 1 and on 2 workers back to back. */
const ROUNDS = 5;

/** One benchmark number. */
interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** Iterations of the baseline's CPU loop per thread (about a second or two). */
const SPIN_ITERATIONS = 2e8;
const SPIN_CODE = `let x = 0; for (let i = 0; i < ${SPIN_ITERATIONS}; i++) x = (x * 1664525 + 1013904223) % 4294967296;`;

/** Loops per second of `threads` threads each running the CPU loop once. */
async function spinRate(threads: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise((done, fail) => new Worker(SPIN_CODE, { eval: true }).on("exit", done).on("error", fail))),
  );
  return threads / ((performance.now() - started) / 1000);
}

function benchPlan(workload: Workload): SweepPlan {
  const scenario = findScenario(workload.scenario);
  const seeds = Array.from({ length: workload.jobs }, (_, i) => i + 1);
  return planSweep(scenario, { axes: parseSweepAxes(scenario, workload.settings), seeds, quick: false, backend: undefined });
}

/**
 * Jobs per second once warm, from the result files under `outDir`: per worker, the jobs after its
 * first over the time from its first result to its last; summed over workers.
 */
async function warmThroughput(outDir: string): Promise<number> {
  const files = (await readdir(outDir, { recursive: true })).filter((file) => /(^|\/)seed-\d+\.json$/.test(file));
  const finishedBy = new Map<string, number[]>();
  for (const file of files) {
    const result = parseJobResult(await readFile(join(outDir, file), "utf8"));
    finishedBy.set(result.ranOn, [...(finishedBy.get(result.ranOn) ?? []), Date.parse(result.finishedAt)]);
  }
  let rate = 0;
  for (const finished of finishedBy.values()) {
    finished.sort((a, b) => a - b);
    if (finished.length > 1) rate += (finished.length - 1) / (((finished.at(-1) ?? Number.NaN) - (finished[0] ?? Number.NaN)) / 1000);
  }
  return rate;
}

/** Run `measure` in a fresh temporary folder, removed afterwards. */
async function inTemporaryFolder<T>(measure: (outDir: string) => Promise<T>): Promise<T> {
  const outDir = mkdtempSync(join(tmpdir(), "tam-sweep-bench-"));
  try {
    return await measure(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const CHILD = new URL("./sweep-bench-child.js", import.meta.url);
const execFileAsync = promisify(execFile);

/** Warm throughput of `processes` independent processes, each running its share of the jobs (the ceiling). */
async function ceilingRate(workload: Workload, processes: number): Promise<number> {
  const { jobs } = benchPlan(workload);
  const share = Math.ceil(jobs.length / processes);
  return inTemporaryFolder(async (outDir) => {
    await Promise.all(Array.from({ length: processes }, (_, i) => runChild(outDir, jobs.slice(i * share, (i + 1) * share))));
    return warmThroughput(outDir);
  });
}

async function runChild(outDir: string, jobs: readonly SweepJob[]): Promise<void> {
  await execFileAsync(process.execPath, [...WORKER_PROCESS_EXEC_ARGV, fileURLToPath(CHILD), outDir, JSON.stringify(jobs)]);
}

/** One sweep: warm throughput (jobs/s) and whole wall time (s). */
interface SweepTiming {
  readonly rate: number;
  readonly whole: number;
}

async function timeSweep(workload: Workload, runtime: WorkerRuntime, workers: number): Promise<SweepTiming> {
  return inTemporaryFolder(async (outDir) => {
    const started = performance.now();
    await runSweep(benchPlan(workload), {
      outDir,
      resume: false,
      runner: { kind: "local", execution: "workers", workers, runtime },
      chartMetric: undefined,
      command: "sweep-bench",
      signal: new AbortController().signal,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const whole = (performance.now() - started) / 1000;
    return { rate: await warmThroughput(outDir), whole };
  });
}

/** A system measured on 1 and on 2 workers in each round: its rates (higher is faster). */
interface System {
  readonly name: string;
  readonly measure: (workers: number) => Promise<Readonly<Record<string, number>>>;
}

const systems: readonly System[] = [
  ...WORKLOADS.flatMap((workload): System[] => [
    ...WORKER_RUNTIMES.map(
      (runtime): System => ({
        name: `${workload.name}/sweep/${runtime}`,
        measure: async (workers) => {
          const { rate, whole } = await timeSweep(workload, runtime, workers);
          // The whole sweep as a rate, so that its speedup reads like the others.
          return { throughput: rate, "whole-sweep": workload.jobs / whole };
        },
      }),
    ),
    { name: `${workload.name}/baseline/independent-processes`, measure: async (workers) => ({ throughput: await ceilingRate(workload, workers) }) },
  ]),
  { name: "baseline/spin", measure: async (workers) => ({ throughput: await spinRate(workers) }) },
];

/**
 * Collect this process's garbage from the last measurement (reading a sweep's results leaves tens of
 * megabytes) and pause a moment, so that neither runs during the next measurement on the cores it times.
 */
async function settle(): Promise<void> {
  if (typeof globalThis.gc !== "function") throw new Error("sweep-bench: run node with --expose-gc (pnpm bench does)");
  globalThis.gc();
  await new Promise((done) => setTimeout(done, 1000));
}

/** Per round, per `system/measure`: the rate on 1 and on 2 workers. */
type Round = Record<string, { readonly one: number; readonly two: number }>;

const outPath = resolve(process.argv[2] ?? "harness-sweep.json");
const loadBefore = loadavg()[0] ?? Number.NaN;
const rounds: Round[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const measured: Round = {};
  for (const system of systems) {
    const order = round % 2 === 0 ? [1, 2] : [2, 1];
    const rates = new Map<number, Readonly<Record<string, number>>>();
    for (const workers of order) {
      await settle();
      rates.set(workers, await system.measure(workers));
    }
    for (const [measure, one] of Object.entries(rates.get(1) ?? {})) measured[`${system.name}/${measure}`] = { one, two: rates.get(2)?.[measure] ?? Number.NaN };
  }
  rounds.push(measured);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${Object.entries(measured).map(([key, { one, two }]) => `${key} ${(two / one).toFixed(2)}x`).join(", ")}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}
const across = (key: string, pick: (rates: { readonly one: number; readonly two: number }) => number): number[] =>
  rounds.map((round) => (round[key] === undefined ? Number.NaN : pick(round[key])));
const results: BenchResult[] = Object.keys(rounds[0] ?? {}).flatMap((key): BenchResult[] => {
  const speedups = across(key, ({ one, two }) => two / one);
  const unit = key.startsWith("baseline/spin") ? "loops/s" : "jobs/s";
  return [
    { name: `${key}/workers=1`, value: median(across(key, ({ one }) => one)), unit },
    { name: `${key}/workers=2`, value: median(across(key, ({ two }) => two)), unit },
    { name: `${key}-speedup/workers=2`, value: median(speedups), unit: "x" },
    { name: `${key}-speedup/workers=2/min`, value: Math.min(...speedups), unit: "x" },
    { name: `${key}-speedup/workers=2/max`, value: Math.max(...speedups), unit: "x" },
  ];
});
for (const workload of WORKLOADS) {
  const ceilingKey = `${workload.name}/baseline/independent-processes/throughput`;
  for (const runtime of WORKER_RUNTIMES) {
    const key = `${workload.name}/sweep/${runtime}/throughput`;
    const shares = rounds.map((round) => {
      const pool = round[key];
      const ceiling = round[ceilingKey];
      return pool === undefined || ceiling === undefined ? Number.NaN : pool.two / pool.one / (ceiling.two / ceiling.one);
    });
    results.push({ name: `${key}-speedup-over-ceiling/workers=2`, value: median(shares), unit: "x" });
  }
}
const cpuList = cpus();
const report = {
  machine: { cpu: cpuList[0]?.model ?? "unknown", cores: cpuList.length, node: process.version, platform: `${platform()} ${process.arch}` },
  settings: {
    workloads: WORKLOADS,
    rounds: ROUNDS,
    timing: "per round, 1 and 2 workers back to back; median over rounds (and min, max) of the speedups; throughput once each worker is warm",
  },
  // Other processes on the machine slow the 2-worker runs most: record how busy it was.
  loadAverage1m: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
  results,
  rounds,
};
await writeFileAtomic(outPath, `${JSON.stringify(report, null, 2)}\n`);
for (const r of results) process.stdout.write(`${r.name}: ${r.value.toFixed(3)} ${r.unit}\n`);
process.stdout.write(`-> ${outPath}\n`);
