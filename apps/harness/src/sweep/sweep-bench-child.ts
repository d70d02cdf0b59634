/**
 * Child process of the sweep benchmark's ceiling: runs the jobs given as JSON on argv one after
 * another, exactly as a pool worker does (run the seed, write its result file naming this process),
 * without any pool. Two such processes side by side show how far two jobs at once can scale on this
 * machine at all; the benchmark times them from their result files, as it times the pool's workers.
 *
 * Usage (by `sweep-bench.ts` only): `node --single-threaded-gc sweep-bench-child.js OUT_DIR JOBS_JSON`.
 */
import { findScenario } from "../registry.js";
import { runSeedTask } from "../seed-task.js";
import { storeOutcome } from "./result-store.js";
import type { SweepJob } from "./sweep-plan.js";

const [outDir, jobsJson] = process.argv.slice(2);
if (outDir === undefined || jobsJson === undefined) throw new Error("usage: sweep-bench-child.js OUT_DIR JOBS_JSON");
for (const job of JSON.parse(jobsJson) as SweepJob[]) {
  await storeOutcome({ outDir, job, place: "bench-child" }, await runSeedTask(findScenario(job.scenario), job, () => undefined));
}
