/**
 * The command-line program behind `tam-demo`, kept apart from process start-up so tests can drive it.
 * Exit codes: 0 after a run, 2 on a usage error (nothing runs then).
 */
import { access, constants, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CommanderError, type Command } from "commander";
import writeFileAtomic from "write-file-atomic";
import { initBackend } from "@tam/tensor-backend";
import { renderDashboard } from "./dashboard/dashboard-html.js";
import { DEFAULT_OUT, DEFAULT_SEED, DEFAULT_STEPS, DemoOptionError, parseDemoOptions, type DemoOptions } from "./demo-options.js";
import { createProgressDisplay } from "./progress-display.js";
import { runDemo, type DemoResult } from "./run-demo.js";

/** Exit code after a run. */
export const EXIT_OK = 0;
/** Exit code for usage errors. */
export const EXIT_USAGE = 2;

/** Where the program writes (replaceable in tests). */
export interface ProgramIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progressStream?: NodeJS.WriteStream;
}

const DEFAULT_IO: ProgramIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Files a run writes. */
export interface DemoFiles {
  readonly dashboard: string;
  readonly json: string;
}

/** Parse `argv` (without node and script) and run; resolves to the exit code. */
export async function main(program: Command, argv: readonly string[], io: ProgramIo = DEFAULT_IO): Promise<number> {
  let flags: Record<string, unknown> = {};
  program
    .description("Runs one agent assembled from every TAM package in one world, and writes a dashboard (DIR/dashboard.html, DIR/demo.json).")
    .option("--seed <n>", `seed of the world and the agent (default ${DEFAULT_SEED})`)
    .option("--steps <n>", `agent steps, 8 world ticks each (default ${DEFAULT_STEPS})`)
    .option("--out <dir>", `output directory (default ${DEFAULT_OUT})`)
    .option("--backend <name>", "force a tensor backend: cpu, wasm or tensorflow")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .action((options: Record<string, unknown>) => {
      flags = options;
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  let options: DemoOptions;
  let outDir: string;
  try {
    options = parseDemoOptions(flags);
    outDir = resolve(options.out);
    await ensureWritableDir(outDir);
    if (options.backend !== undefined) await ensureBackendLoads(options.backend);
  } catch (error) {
    if (error instanceof DemoOptionError) {
      io.err(`tam-demo: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const progress = createProgressDisplay(options.steps, io.progressStream);
  let result: DemoResult;
  try {
    result = await runDemo(options, (fraction) => progress.update(fraction));
  } finally {
    progress.stop();
  }
  const files = await writeDemoFiles(result, outDir);
  const s = result.summary;
  io.out(
    `tam-demo: ${s.held}/${s.commitments} commitments held, ${s.refusals} refused, ${s.calibrations} calibrations, ` +
      `debt ${s.finalDebtBits.toFixed(2)} bits (max ${s.maxDebtBits.toFixed(2)}), branch cells ${s.initialBranchCells} -> ${s.finalBranchCells}, ` +
      `${result.backend.name}, ${result.cpuSeconds.toFixed(1)} s CPU\n`,
  );
  io.out(`tam-demo: dashboard ${files.dashboard}\n`);
  return EXIT_OK;
}

/**
 * Write `demo.json` and `dashboard.html` into `outDir` (created if missing), each atomically: a temporary
 * sibling renamed over the target, so an interrupted run never leaves half a dashboard.
 */
export async function writeDemoFiles(result: DemoResult, outDir: string): Promise<DemoFiles> {
  const files = { json: join(outDir, "demo.json"), dashboard: join(outDir, "dashboard.html") };
  const page = renderDashboard(result);
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(files.json, `${JSON.stringify(result, null, 1)}\n`);
  await writeFileAtomic(files.dashboard, page);
  return files;
}

/** A forced backend that cannot load is a usage error, reported before the run starts. */
async function ensureBackendLoads(backend: NonNullable<DemoOptions["backend"]>): Promise<void> {
  try {
    await initBackend({ backend });
  } catch (error) {
    throw new DemoOptionError(`--backend ${backend} cannot be used: ${(error as Error).message}`);
  }
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new DemoOptionError(`--out ${dir} is not a writable directory (${(error as Error).message})`);
  }
}
