/**
 * Benchmark of the lab loop (`pnpm bench`): the three built-in policies on a 160,000-well lab world
 * (about 8,500 cycles each), as the `epistemic-policies` scenario runs them in a sweep. Reports CPU time
 * (user + sys) per cycle, the fastest of several rounds (the machine is shared, so wall time would
 * measure the neighbours), and the heap a run's result keeps per cycle record. Writes
 * bench-results/epistemic.json at the repository root.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createCalibratedPolicy,
  createLabWorld,
  createLearnerPolicy,
  createOverclaimerPolicy,
  EpistemicController,
  runLabLoop,
  type AgentPolicy,
  type LabRunResult,
} from "../src/index.js";

const outFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench-results", "epistemic.json");
const BUDGET_WELLS = 160_000;
const ROUNDS = 5;
const POLICIES: Readonly<Record<string, () => AgentPolicy>> = {
  overclaimer: createOverclaimerPolicy,
  calibrated: createCalibratedPolicy,
  learner: createLearnerPolicy,
};

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function run(policy: () => AgentPolicy, seed: number): LabRunResult {
  return runLabLoop({ world: createLabWorld({ budgetWells: BUDGET_WELLS }, seed), policy: policy(), controller: new EpistemicController(), maxCycles: 400_000 });
}

/** CPU microseconds per cycle over the three policies, fastest of {@link ROUNDS} rounds. */
function cpuPerCycle(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.cpuUsage();
    const cycles = Object.values(POLICIES).reduce((total, policy) => total + run(policy, round + 1).cycles.length, 0);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / cycles);
  }
  return best;
}

/** Heap bytes one run's result keeps, per cycle record (the records, the ledger's events, the rest). */
function retainedBytesPerCycle(): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const result = run(createCalibratedPolicy, 1);
  collectGarbage();
  const retained = process.memoryUsage().heapUsed - before;
  return retained / result.cycles.length;
}

const load = loadavg()[0] ?? Number.NaN;
run(createCalibratedPolicy, 99); // warm-up: compile the loop before timing it
const results = [
  { name: "lab-loop/cpu-us-per-cycle", value: cpuPerCycle(), unit: "µs" },
  { name: "lab-loop/retained-bytes-per-cycle", value: retainedBytesPerCycle(), unit: "B" },
];
const report = {
  machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, loadAverage1m: load },
  settings: { world: `lab world, ${BUDGET_WELLS} wells`, policies: Object.keys(POLICIES), measure: `CPU time per cycle, fastest of ${ROUNDS} rounds` },
  results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(`${outFile}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${outFile}.tmp`, outFile);
for (const r of results) console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}`);
console.log(`wrote ${outFile}`);
