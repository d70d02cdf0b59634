/**
 * Runs the demo: initialises the backend, builds the world and the agent from one seed, steps the
 * agent, and returns every record the dashboard shows. Deterministic per (seed, steps, backend).
 */
import { backendInfo, createRng, initBackend, tf, type BackendInfo } from "@tam/tensor-backend";
import type { RefusalEvent } from "@tam/epistemic";
import { DemoAgent, type StepRecord, type WorldTick } from "./agent/demo-agent.js";
import type { DemoOptions } from "./demo-options.js";
import { RegimeOscillatorWorld, WORLD_DEFAULTS } from "./world/regime-oscillator-world.js";

/** Version of the demo.json layout; bumped on incompatible changes. */
export const DEMO_SCHEMA_VERSION = 1;

/** Everything a run produced. */
export interface DemoResult {
  readonly schemaVersion: typeof DEMO_SCHEMA_VERSION;
  readonly options: Omit<DemoOptions, "out">;
  readonly backend: BackendInfo;
  readonly world: typeof WORLD_DEFAULTS;
  readonly steps: readonly StepRecord[];
  readonly ticks: readonly WorldTick[];
  readonly refusals: readonly RefusalEvent[];
  readonly summary: DemoSummary;
  /** CPU seconds the run used (user + system), for the record. */
  readonly cpuSeconds: number;
}

/** Totals over the run. */
export interface DemoSummary {
  readonly commitments: number;
  readonly held: number;
  readonly refusals: number;
  readonly calibrations: number;
  readonly finalDebtBits: number;
  readonly maxDebtBits: number;
  readonly claimedBits: number;
  readonly realisedBits: number;
  readonly growthCycles: number;
  readonly grownRegions: number;
  readonly initialBranchCells: number;
  readonly finalBranchCells: number;
  readonly tensorsLeaked: number;
}

/** Run the demo; `onProgress` receives the fraction done after every step. */
export async function runDemo(options: Omit<DemoOptions, "out">, onProgress: (fraction: number) => void = () => undefined): Promise<DemoResult> {
  await initBackend(options.backend === undefined ? {} : { backend: options.backend });
  const cpuStart = process.cpuUsage();
  const tensorsBefore = tf.memory().numTensors;
  const rng = createRng(options.seed);
  const world = new RegimeOscillatorWorld(rng.fork("world"));
  const agent = new DemoAgent(world, rng.fork("agent"), { steps: options.steps, seed: options.seed });
  const initialBranchCells = agent.model.branchCells();
  const steps: StepRecord[] = [];
  const ticks: WorldTick[] = [];
  const refusals: RefusalEvent[] = [];
  try {
    for (let s = 0; s < options.steps; s += 1) {
      const outcome = agent.step();
      steps.push(outcome.record);
      ticks.push(...outcome.ticks);
      if (outcome.refusalEvent !== null) refusals.push(outcome.refusalEvent);
      onProgress((s + 1) / options.steps);
      // Let the progress display draw between steps.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    agent.dispose();
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    schemaVersion: DEMO_SCHEMA_VERSION,
    options: { seed: options.seed, steps: options.steps, ...(options.backend === undefined ? {} : { backend: options.backend }) },
    backend: backendInfo(),
    world: WORLD_DEFAULTS,
    steps,
    ticks,
    refusals,
    summary: summarise(steps, initialBranchCells, tf.memory().numTensors - tensorsBefore),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function summarise(steps: readonly StepRecord[], initialBranchCells: number, tensorsLeaked: number): DemoSummary {
  const committed = steps.filter((s) => s.action === "commit");
  return {
    commitments: committed.length,
    held: committed.filter((s) => s.held === true).length,
    refusals: steps.filter((s) => s.refusal !== null).length,
    calibrations: steps.filter((s) => s.action === "calibrate").length,
    finalDebtBits: steps.at(-1)?.debtBits ?? 0,
    maxDebtBits: Math.max(0, ...steps.map((s) => s.debtBits)),
    claimedBits: committed.reduce((sum, s) => sum + s.claimedBits, 0),
    realisedBits: committed.reduce((sum, s) => sum + (s.realisedBits ?? 0), 0),
    growthCycles: steps.filter((s) => s.growthCycle).length,
    grownRegions: steps.reduce((sum, s) => sum + s.grownRegions, 0),
    initialBranchCells,
    finalBranchCells: steps.at(-1)?.branchCells ?? initialBranchCells,
    tensorsLeaked,
  };
}
