// The built CLI sweeping on worker processes: Ctrl-C (SIGINT to the whole process group, as a terminal
// sends it) stops cleanly with exit 130, no worker left and no half-written files; --resume runs only
// the missing jobs; results match in-process runs and worker threads.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { JobResult } from "../src/sweep/result-store.js";
import type { SweepReport } from "../src/sweep/sweep-report.js";
import { epistemicPoliciesScenario } from "../src/scenarios/epistemic-policies.js";
import { processGroupAlive, requireBuiltCli, startCli } from "./cli-process.js";

const SCENARIO = "epistemic-policies";

/** Every file under DIR/<scenario>/sweep (result files and anything else left there). */
function sweepFiles(dir: string): string[] {
  const root = join(dir, SCENARIO, "sweep");
  return readdirSync(root).flatMap((hash) => readdirSync(join(root, hash)).map((name) => join(root, hash, name)));
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

describe("tam-harness sweep on worker processes", () => {
  beforeAll(requireBuiltCli);

  it("stops on Ctrl-C with exit 130, no report and only whole result files; --resume finishes the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-sweep-cli-"));
    // Jobs of a few hundred ms each, so the interrupt lands mid-sweep.
    const args = ["sweep", SCENARIO, "--seeds", "1..4", "--set", "budgetWells=10000,10001", "--set", "maxCycles=100000", "--workers", "2", "--out", dir];
    const sweep = startCli(args, { ownGroup: true });
    await sweep.waitFor(/8 jobs; 8 to run on 2 local worker process\(es\)/);
    await sweep.waitFor(/: [1-9]\d*\/8 done/);
    const group = sweep.child.pid ?? Number.NaN;
    process.kill(-group, "SIGINT");
    const { code } = await sweep.exited;
    expect(code, sweep.output()).toBe(130);
    // The workers ignored the SIGINT; the sweep terminated them before it exited.
    expect(processGroupAlive(group)).toBe(false);
    expect(sweep.output()).toContain("interrupted; finished jobs are stored, run again with --resume");
    expect(readdirSync(join(dir, SCENARIO))).toEqual(["sweep"]);
    const kept = sweepFiles(dir);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(8);
    for (const file of kept) {
      expect(file).toMatch(/seed-\d+\.json$/);
      expect(readJson<JobResult>(file).outcome.result.final).toBeDefined();
    }

    const resumed = startCli([...args, "--resume"]);
    const { code: resumedCode } = await resumed.exited;
    expect(resumed.output()).toContain(`8 jobs; ${8 - kept.length} to run (${kept.length} already done)`);
    const report = readJson<SweepReport>(join(dir, SCENARIO, "sweep-report.json"));
    expect(resumedCode, resumed.output()).toBe(report.passed ? 0 : 1);
    expect(report.jobs).toMatchObject({ total: 8, done: 8, reused: kept.length, failed: 0 });
    expect(sweepFiles(dir)).toHaveLength(8);
    expect(report.settings.map((s) => s.seeds)).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);

    // Worker processes give the same results as the scenario run in this thread, and as worker threads.
    const threadsDir = mkdtempSync(join(tmpdir(), "tam-sweep-cli-threads-"));
    const onThreads = startCli(["sweep", SCENARIO, "--seeds", "1..2", "--set", "budgetWells=10000", "--set", "maxCycles=100000", "--runtime", "threads", "--out", threadsDir]);
    const { code: threadsCode } = await onThreads.exited;
    expect(onThreads.output()).toContain("on 2 local worker thread(s)");
    expect(threadsCode, onThreads.output()).toBe(readJson<SweepReport>(join(threadsDir, SCENARIO, "sweep-report.json")).passed ? 0 : 1);
    const byJob = new Map(sweepFiles(dir).map((file) => [readJson<JobResult>(file).id, readJson<JobResult>(file)]));
    const threadResults = sweepFiles(threadsDir).map((file) => readJson<JobResult>(file));
    expect(threadResults).toHaveLength(2);
    for (const onThread of threadResults) {
      expect(onThread.outcome.result).toEqual(byJob.get(onThread.id)?.outcome.result);
      expect(onThread.ranOn).toMatch(/^local\/\d+#\d+$/);
    }
    // Each result names the worker process that ran it: two sweeps (interrupted, then resumed) of two
    // workers each wrote them.
    const workers = new Set(sweepFiles(dir).map((file) => readJson<JobResult>(file).ranOn));
    for (const worker of workers) expect(worker).toMatch(/^local\/\d+$/);
    expect(workers.size).toBeLessThanOrEqual(4);

    for (const file of sweepFiles(dir).slice(0, 2)) {
      const stored = readJson<JobResult>(file);
      const config = epistemicPoliciesScenario.configSchema.parse(stored.config);
      const expected = await epistemicPoliciesScenario.runSeed(config, { seed: stored.seed, backend: undefined, progress: () => undefined });
      expect(stored.outcome.result).toEqual(expected);
    }
  });
});
