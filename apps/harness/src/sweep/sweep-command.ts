/**
 * The `tam-harness sweep` and `tam-harness worker` commands, registered on the program by
 * {@link registerSweepCommands}.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { findScenario } from "../registry.js";
import type { Execution } from "../run-seeds.js";
import type { BackendName, Scenario } from "../scenario.js";
import { WORKER_RUNTIMES, type WorkerRuntime } from "../seed-pool.js";
import { parseIntegerFlag } from "../seed-list.js";
import { UsageError } from "../usage-error.js";
import { onInterrupt } from "./interrupt.js";
import { checkQueueReachable, parseQueueUrl } from "./queue-connection.js";
import { DEFAULT_QUEUE_NAME } from "./queue-protocol.js";
import { DEFAULT_LOCK_MS, DEFAULT_MAX_STALLED, DEFAULT_STALLED_MS, runQueueWorker } from "./queue-worker.js";
import { parseSeedRange } from "./seed-range.js";
import { parseSweepAxes } from "./sweep-axes.js";
import { describeSetting, planSweep } from "./sweep-plan.js";
import { runSweep, type SweepRunner } from "./sweep-run.js";

/** Workers are processes unless `--runtime threads` asks for worker threads. */
const DEFAULT_RUNTIME: WorkerRuntime = "processes";

/** How a sweep or worker command ended; the program maps it to an exit code. */
export type SweepOutcome = "passed" | "failed" | "interrupted";

/** The parts of the program's I/O the sweep commands use (the program's `ProgramIo` fits). */
export interface SweepIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progressStream?: NodeJS.WriteStream;
  readonly execution?: Execution;
  readonly scenarios?: readonly Scenario[];
}

/** What the program lends the sweep commands. */
export interface SweepHost {
  /** Record how the command ended. */
  readonly setOutcome: (outcome: SweepOutcome) => void;
  /** @throws UsageError naming `--out` when the folder cannot be created or written. */
  readonly ensureWritableDir: (dir: string) => Promise<void>;
  /** @throws UsageError naming `--backend` when the forced backend cannot load. */
  readonly ensureBackendLoads: (backend: BackendName) => Promise<void>;
}

interface SweepFlags {
  seeds?: string;
  set: string[];
  quick?: boolean;
  out: string;
  resume?: boolean;
  workers?: string;
  runtime: WorkerRuntime;
  queue?: string;
  queueName: string;
  metric?: string;
  backend?: BackendName;
  inProcess?: boolean;
}

interface WorkerFlags {
  queue: string;
  queueName: string;
  workers?: string;
  runtime: WorkerRuntime;
  lockMs: string;
  stalledMs: string;
  maxStalled: string;
}

/** Add `sweep` and `worker` to the program. */
export function registerSweepCommands(program: Command, io: SweepIo, host: SweepHost): void {
  program
    .command("sweep")
    .description("run a scenario over settings x seeds; write DIR/<scenario>/sweep/... and sweep-report.json/.html")
    .argument("<scenario>", "scenario name")
    .option("--seeds <range>", "seeds A..B, or N for 1..N (default: 1..the scenario's default count)")
    .option("--set <key=v1,v2>", "sweep a config setting over these values (repeatable)", (value: string, previous: string[]) => [...previous, value], [])
    .option("--quick", "start from the scenario's small CI sizes", false)
    .option("--out <dir>", "output directory", "harness-out")
    .option("--resume", "run only the jobs without a stored result", false)
    .option("--workers <n>", "jobs at once on this machine, one per worker (default: one per core)")
    .addOption(runtimeOption())
    .option("--queue <url>", "run jobs through the Redis queue at redis://HOST:PORT (start workers with `tam-harness worker`)")
    .option("--queue-name <name>", "queue name, shared with the workers", DEFAULT_QUEUE_NAME)
    .option("--metric <name>", "final metric to chart against each swept setting (default: the first by name)")
    .addOption(new Option("--backend <name>", "force a tensor backend").choices(["cpu", "wasm", "tensorflow"]))
    .addOption(new Option("--in-process", "run jobs in this thread, not on workers").hideHelp())
    .action(async (name: string, flags: SweepFlags) => {
      host.setOutcome(await sweepCommand(name, flags, io, host));
    });

  program
    .command("worker")
    .description("take sweep jobs from the Redis queue and run them on this machine's cores, until Ctrl-C")
    .requiredOption("--queue <url>", "the Redis server, redis://HOST:PORT")
    .option("--queue-name <name>", "queue name, shared with the sweeps", DEFAULT_QUEUE_NAME)
    .option("--workers <n>", "jobs at once, one per worker (default: one per core)")
    .addOption(runtimeOption())
    .option("--lock-ms <ms>", "job lock duration: a dead worker's job is retried after at most this long", String(DEFAULT_LOCK_MS))
    .option("--stalled-ms <ms>", "how often to look for jobs of dead workers", String(DEFAULT_STALLED_MS))
    .option("--max-stalled <n>", "times a job may be retried after its worker died before it fails", String(DEFAULT_MAX_STALLED))
    .action(async (flags: WorkerFlags) => {
      host.setOutcome(await workerCommand(flags, io));
    });
}

async function sweepCommand(name: string, flags: SweepFlags, io: SweepIo, host: SweepHost): Promise<SweepOutcome> {
  // Validate everything before running anything.
  const scenario = findScenario(name, io.scenarios);
  const seeds = parseSeedRange(flags.seeds ?? String(scenario.defaultSeeds));
  const axes = parseSweepAxes(scenario, flags.set);
  const plan = planSweep(scenario, { axes, seeds, quick: flags.quick === true, backend: flags.backend });
  const runner = await chooseRunner(flags, io);
  const outDir = resolve(flags.out);
  await host.ensureWritableDir(outDir);
  if (flags.backend !== undefined && runner.kind === "local") await host.ensureBackendLoads(flags.backend);

  const interrupt = onInterrupt(io.err);
  let output;
  try {
    output = await runSweep(plan, {
      outDir,
      resume: flags.resume === true,
      runner,
      chartMetric: flags.metric,
      command: ["tam-harness", "sweep", name, ...sweepWords(flags)].join(" "),
      signal: interrupt.signal,
      log: (line) => io.out(`${line}\n`),
      ...(io.progressStream === undefined ? {} : { progressStream: io.progressStream }),
    });
  } finally {
    interrupt.dispose();
  }
  const { report, paths } = output;
  if (report === undefined || paths === undefined) {
    io.err(`${scenario.name}: interrupted; finished jobs are stored, run again with --resume to complete the sweep\n`);
    return "interrupted";
  }
  for (const s of report.settings) {
    const passedChecks = s.checks.filter((c) => c.passedAllSeeds).length;
    const missing = s.missingSeeds.length === 0 ? "" : `, missing seeds ${s.missingSeeds.join(", ")}`;
    io.out(`  ${s.passed ? "pass" : "FAIL"}  ${describeSetting(s.setting)}: ${passedChecks}/${s.checks.length} checks passed over ${s.seeds.length} seed(s)${missing}\n`);
  }
  for (const s of report.settings) for (const f of s.failures) io.err(`  seed ${f.seed} of ${describeSetting(s.setting)} failed: ${f.error}\n`);
  const { jobs } = report;
  io.out(`${report.scenario}: ${jobs.done}/${jobs.total} jobs done, ${jobs.failed} failed, ${jobs.retried} retried -> ${paths.jsonPath}\n`);
  return report.passed ? "passed" : "failed";
}

async function chooseRunner(flags: SweepFlags, io: SweepIo): Promise<SweepRunner> {
  const workers = flags.workers === undefined ? undefined : parseIntegerFlag("--workers", flags.workers, 1);
  if (flags.queue === undefined) {
    const execution = flags.inProcess === true ? "in-process" : (io.execution ?? "workers");
    return { kind: "local", execution, workers: workers ?? availableParallelism(), runtime: flags.runtime };
  }
  if (workers !== undefined || flags.runtime !== DEFAULT_RUNTIME) {
    throw new UsageError("--workers and --runtime set this machine's workers and cannot be used with --queue (give them to `tam-harness worker`)");
  }
  const connection = parseQueueUrl(flags.queue);
  await checkQueueReachable(connection);
  return { kind: "queue", connection, queueName: flags.queueName };
}

async function workerCommand(flags: WorkerFlags, io: SweepIo): Promise<SweepOutcome> {
  const workers = flags.workers === undefined ? availableParallelism() : parseIntegerFlag("--workers", flags.workers, 1);
  const lockMs = parseIntegerFlag("--lock-ms", flags.lockMs, 100);
  const stalledMs = parseIntegerFlag("--stalled-ms", flags.stalledMs, 100);
  const maxStalled = parseIntegerFlag("--max-stalled", flags.maxStalled, 0);
  const connection = parseQueueUrl(flags.queue);
  await checkQueueReachable(connection);
  const interrupt = onInterrupt(io.err);
  try {
    await runQueueWorker({
      connection,
      queueName: flags.queueName,
      workers,
      runtime: flags.runtime,
      lockMs,
      stalledMs,
      maxStalled,
      log: (line) => io.out(`${line}\n`),
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
  return "interrupted";
}

function sweepWords(flags: SweepFlags): string[] {
  const words: string[] = [];
  if (flags.seeds !== undefined) words.push("--seeds", flags.seeds);
  for (const set of flags.set) words.push("--set", set);
  if (flags.quick === true) words.push("--quick");
  if (flags.resume === true) words.push("--resume");
  if (flags.workers !== undefined) words.push("--workers", flags.workers);
  if (flags.runtime !== DEFAULT_RUNTIME) words.push("--runtime", flags.runtime);
  if (flags.queue !== undefined) words.push("--queue", parseQueueUrl(flags.queue).display);
  if (flags.metric !== undefined) words.push("--metric", flags.metric);
  if (flags.backend !== undefined) words.push("--backend", flags.backend);
  return words;
}

function runtimeOption(): Option {
  return new Option("--runtime <kind>", "what a worker is: a child process, or a worker thread").choices(WORKER_RUNTIMES).default(DEFAULT_RUNTIME);
}
