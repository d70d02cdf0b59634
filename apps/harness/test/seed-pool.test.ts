// The seed pool from the build (its workers load the built worker.js): worker processes and worker
// threads run registered scenarios with the same results as this thread, stream progress, and an
// aborted task's worker is stopped; a worker stores a sweep job's result file itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSeedPool as createBuiltSeedPool } from "../dist/seed-pool.js";
import { epistemicPoliciesScenario } from "../src/scenarios/epistemic-policies.js";
import type { SeedPool, SeedPoolOptions } from "../src/seed-pool.js";
import { WORKER_RUNTIMES } from "../src/seed-pool.js";
import type { SeedOutcome, SeedTask } from "../src/seed-task.js";
import { readJobResult } from "../src/sweep/result-store.js";
import { parseSweepAxes } from "../src/sweep/sweep-axes.js";
import { planSweep } from "../src/sweep/sweep-plan.js";
import { requireBuiltCli } from "./cli-process.js";

const createSeedPool: (options: SeedPoolOptions) => SeedPool = createBuiltSeedPool;

const task = (seed: number, budgetWells = 480): SeedTask => ({ scenario: "epistemic-policies", config: { budgetWells }, seed, backend: undefined });

describe.each(WORKER_RUNTIMES)("seed pool on worker %s", (runtime) => {
  beforeAll(requireBuiltCli);

  it("runs seeds with the results of this thread, streaming each seed's progress up to 1", async () => {
    const pool = createSeedPool({ size: 2, runtime });
    const progress = new Map<number, number[]>();
    try {
      expect(pool).toMatchObject({ size: 2, runtime });
      const outcomes = await Promise.all(
        [1, 2].map((seed) => pool.run(task(seed), (s, fraction) => progress.set(s, [...(progress.get(s) ?? []), fraction]))),
      );
      for (const [i, outcome] of outcomes.entries()) {
        const seed = i + 1;
        const config = epistemicPoliciesScenario.configSchema.parse(task(seed).config);
        const expected = await epistemicPoliciesScenario.runSeed(config, { seed, backend: undefined, progress: () => undefined });
        expect(outcome.seed).toBe(seed);
        expect(outcome.result).toEqual(expected);
        const fractions = progress.get(seed) ?? [];
        expect(fractions.at(-1)).toBe(1);
        expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      }
      const encoded = await pool.runEncoded(task(1));
      expect(JSON.parse(encoded.json) as SeedOutcome).toMatchObject({ seed: 1, result: outcomes[0]?.result });
    } finally {
      await pool.destroy();
    }
  });

  it("stores a sweep job's result file from the worker, with the outcome this thread computes", async () => {
    const pool = createSeedPool({ size: 1, runtime });
    const outDir = mkdtempSync(join(tmpdir(), "tam-seed-pool-"));
    try {
      const plan = planSweep(epistemicPoliciesScenario, { axes: parseSweepAxes(epistemicPoliciesScenario, ["budgetWells=480"]), seeds: [3], quick: false, backend: undefined });
      const job = plan.jobs[0];
      if (job === undefined) throw new Error("the plan has no job");
      await expect(readJobResult(outDir, job)).resolves.toBeUndefined();
      await expect(pool.runAndStore(job, { outDir, job, place: "test" })).resolves.toBeUndefined();
      const stored = await readJobResult(outDir, job);
      const expected = await epistemicPoliciesScenario.runSeed(epistemicPoliciesScenario.configSchema.parse(job.config), {
        seed: 3,
        backend: undefined,
        progress: () => undefined,
      });
      expect(stored).toMatchObject({ id: job.id, seed: 3, outcome: { seed: 3, result: expected } });
      // The worker that stored it names itself: its own process, or a thread of this one.
      expect(stored?.ranOn).toMatch(runtime === "processes" ? /^test\/\d+$/ : new RegExp(`^test/${process.pid}#\\d+$`));
      expect(stored?.ranOn).not.toBe(`test/${process.pid}`);
    } finally {
      await pool.destroy();
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("rejects an aborted task and keeps serving others on a fresh worker", async () => {
    const pool = createSeedPool({ size: 1, runtime });
    try {
      const controller = new AbortController();
      const long = pool.run(task(1, 160_000), () => controller.abort(), controller.signal);
      await expect(long).rejects.toThrow(/abort/i);
      const after = await pool.run(task(2), () => undefined);
      expect(after.seed).toBe(2);
    } finally {
      await pool.destroy();
    }
  });
});
