/**
 * The command-line program behind `tam-harness`, kept apart from process start-up so tests can drive it.
 */
import { mkdir, access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { CommanderError, Option } from "commander";
import { initBackend } from "@tam/tensor-backend";
import type { BackendName, Scenario } from "./scenario.js";
import { SCENARIOS } from "./scenarios/index.js";
import { selectScenarios } from "./registry.js";
import { resolveConfig } from "./resolve-config.js";
import { runScenario } from "./run-scenario.js";
import type { Execution } from "./run-seeds.js";
import { parseIntegerFlag, seedList } from "./seed-list.js";
import { EXIT_INTERRUPTED } from "./sweep/interrupt.js";
import { registerSweepCommands, type SweepOutcome } from "./sweep/sweep-command.js";
import { UsageError } from "./usage-error.js";

/** Exit code when every check passed. */
export const EXIT_OK = 0;
/** Exit code when at least one check failed. */
export const EXIT_CHECK_FAILED = 1;
/** Exit code for usage and config errors. */
export const EXIT_USAGE = 2;
/** Exit code after Ctrl-C (SIGINT) stopped a sweep or worker cleanly. */
export { EXIT_INTERRUPTED };

const OUTCOME_CODES: Readonly<Record<SweepOutcome, number>> = {
  passed: EXIT_OK,
  failed: EXIT_CHECK_FAILED,
  interrupted: EXIT_INTERRUPTED,
};

/** Output streams the program writes to (replaceable in tests). */
export interface ProgramIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progressStream?: NodeJS.WriteStream;
  /** Run seeds in the calling thread instead of on worker processes. */
  readonly execution?: Execution;
  /** The scenarios to offer; the registry by default. */
  readonly scenarios?: readonly Scenario[];
}

const DEFAULT_IO: ProgramIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface RunFlags {
  seed?: string;
  seeds?: string;
  steps?: string;
  quick?: boolean;
  out: string;
  backend?: BackendName;
  inProcess?: boolean;
}

/** Parse `argv` (without node and script) and run; resolves to the exit code. */
export async function main(program: Command, argv: readonly string[], io: ProgramIo = DEFAULT_IO): Promise<number> {
  let exitCode = EXIT_OK;
  program
    .description("Runs the TAM seeds' experiments as scenarios with checks, and writes reports.")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError(false);

  program
    .command("list")
    .description("list the scenarios")
    .action(() => {
      const scenarios = io.scenarios ?? SCENARIOS;
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios) io.out(`${s.name.padEnd(width)}  ${s.experimental === true ? "(experimental, not in run all) " : ""}${s.description}\n`);
    });

  program
    .command("run")
    .description("run a scenario (or all) and write DIR/<scenario>/report.json and report.html")
    .argument("<scenario>", 'scenario name, or "all"')
    .option("--seed <n>", "run this one seed")
    .option("--seeds <n>", "run seeds 1..n")
    .option("--steps <n>", "override the scenario's step count")
    .option("--quick", "small sizes for CI", false)
    .option("--out <dir>", "output directory", "harness-out")
    .addOption(new Option("--backend <name>", "force a tensor backend").choices(["cpu", "wasm", "tensorflow"]))
    .addOption(new Option("--in-process", "run seeds in this thread, not on workers").hideHelp())
    .action(async (name: string, flags: RunFlags) => {
      exitCode = await runCommand(name, flags, io);
    });

  registerSweepCommands(program, io, {
    setOutcome: (outcome) => (exitCode = OUTCOME_CODES[outcome]),
    ensureWritableDir,
    ensureBackendLoads,
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`tam-harness: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function runCommand(name: string, flags: RunFlags, io: ProgramIo): Promise<number> {
  // Validate everything before running anything.
  const scenarios = selectScenarios(name, io.scenarios);
  const seed = flags.seed === undefined ? undefined : parseIntegerFlag("--seed", flags.seed, 0);
  const seeds = flags.seeds === undefined ? undefined : parseIntegerFlag("--seeds", flags.seeds, 1);
  const steps = flags.steps === undefined ? undefined : parseIntegerFlag("--steps", flags.steps, 1);
  const quick = flags.quick === true;
  const plans = scenarios.map((scenario) => ({
    scenario,
    config: resolveConfig(scenario, { quick, steps }),
    seeds: seedList({ seed, seeds }, scenario.defaultSeeds),
  }));
  const outDir = resolve(flags.out);
  await ensureWritableDir(outDir);
  if (flags.backend !== undefined) await ensureBackendLoads(flags.backend);

  let failed = false;
  for (const plan of plans) {
    const output = await runScenario(plan.scenario, {
      config: plan.config,
      seeds: plan.seeds,
      quick,
      backend: flags.backend,
      outDir,
      execution: flags.inProcess === true ? "in-process" : (io.execution ?? "workers"),
      command: ["tam-harness", "run", name, ...flagWords(flags)].join(" "),
      ...(io.progressStream === undefined ? {} : { progressStream: io.progressStream }),
    });
    const { report } = output;
    for (const check of report.checks) {
      io.out(`  ${check.pass ? "pass" : "FAIL"}  ${check.name}: expected ${check.expected}; observed ${check.observed}\n`);
    }
    const passedCount = report.checks.filter((c) => c.pass).length;
    io.out(`${report.scenario}: ${passedCount}/${report.checks.length} checks passed on ${report.provenance.backend.name} -> ${output.jsonPath}\n`);
    failed ||= !report.passed;
  }
  return failed ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** A forced backend that cannot load is a usage error, reported before any seed starts. */
async function ensureBackendLoads(backend: BackendName): Promise<void> {
  try {
    await initBackend({ backend });
  } catch (error) {
    throw new UsageError(`--backend ${backend} cannot be used: ${(error as Error).message}`);
  }
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out ${dir} is not a writable directory (${(error as Error).message})`);
  }
}

function flagWords(flags: RunFlags): string[] {
  const words: string[] = [];
  if (flags.seed !== undefined) words.push("--seed", flags.seed);
  if (flags.seeds !== undefined) words.push("--seeds", flags.seeds);
  if (flags.steps !== undefined) words.push("--steps", flags.steps);
  if (flags.quick === true) words.push("--quick");
  if (flags.backend !== undefined) words.push("--backend", flags.backend);
  return words;
}
