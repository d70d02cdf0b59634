// Sweep statistics and report: mean, sd and a Student-t 95% interval per metric, check pass rates per
// setting, charts of a metric against each swept setting, atomic JSON + self-contained HTML.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Scenario, SeedResult } from "../src/scenario.js";
import { encodeOutcome } from "../src/seed-task.js";
import type { JobResult } from "../src/sweep/result-store.js";
import { readJobResults, resultPath, writeJobResult } from "../src/sweep/result-store.js";
import { tQuantile975 } from "../src/sweep/student-t.js";
import { parseSweepAxes } from "../src/sweep/sweep-axes.js";
import { planSweep } from "../src/sweep/sweep-plan.js";
import { buildSweepReport } from "../src/sweep/sweep-report.js";
import { writeSweepReport } from "../src/sweep/write-sweep-report.js";
import { checkRates, metricStats } from "../src/sweep/sweep-stats.js";
import { typedScenario } from "./sweep-fixtures.js";

const typed = typedScenario as unknown as Scenario;
const result = (score: number): SeedResult => ({ series: {}, final: { score } });
const backend = { name: "cpu", forced: false, reason: "test" };

describe("tQuantile975", () => {
  it("follows the t table for few seeds and approaches 1.96", () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(31)).toBeCloseTo(2.0395, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
    expect(tQuantile975(100000)).toBeCloseTo(1.96, 3);
    expect(() => tQuantile975(0)).toThrow("df must be a positive integer (got 0)");
  });
});

describe("metricStats", () => {
  it("gives mean, sample sd, min, max and the t interval of the mean", () => {
    const stats = metricStats([1, 2, 3, 4, 5], [2, 4, 4, 4, 6].map(result))["score"];
    expect(stats).toMatchObject({ n: 5, mean: 4, min: 2, max: 6, perSeed: { "1": 2, "5": 6 } });
    expect(stats?.sd).toBeCloseTo(Math.sqrt(2), 12);
    const half = (2.776 * Math.sqrt(2)) / Math.sqrt(5);
    expect(stats?.ci95?.low).toBeCloseTo(4 - half, 12);
    expect(stats?.ci95?.high).toBeCloseTo(4 + half, 12);
  });

  it("has no interval for a single seed", () => {
    expect(metricStats([1], [result(3)])["score"]).toMatchObject({ n: 1, sd: 0, ci95: null });
  });
});

describe("checkRates", () => {
  it("counts the seeds on which each check passes, and the verdict over all seeds", () => {
    const rates = checkRates(typed, typed.configSchema.parse({ limit: 2 }), [1, 2, 3].map(result));
    expect(rates).toEqual([{ name: "score within limit", passes: 2, runs: 3, passRate: 2 / 3, passedAllSeeds: false }]);
    expect(checkRates(typed, typed.configSchema.parse({}), [])).toEqual([]);
  });
});

describe("sweep report", () => {
  async function sweepWithResults(): Promise<{ out: string; report: ReturnType<typeof buildSweepReport> }> {
    const out = mkdtempSync(join(tmpdir(), "tam-sweep-report-"));
    const plan = planSweep(typed, { axes: parseSweepAxes(typed, ["rate=1,3", "boost=false,true"]), seeds: [1, 2], quick: false, backend: undefined });
    for (const job of plan.jobs) {
      // leave out seed 2 of the last setting: it shows as missing
      if (job === plan.jobs.at(-1)) continue;
      const score = (job.setting["rate"] as number) * job.seed + (job.setting["boost"] === true ? 100 : 0);
      await writeJobResult(out, job, encodeOutcome({ seed: job.seed, result: { series: {}, final: { score, count: 2 } }, backend, wallTimeMs: 1 }), "local");
    }
    const results = await readJobResults(out, plan.jobs);
    const report = buildSweepReport({
      plan,
      results,
      failures: [],
      reused: 0,
      retried: 1,
      chartMetric: "score",
      command: "test",
      startedAt: new Date(),
      wallTimeMs: 1,
    });
    return { out, report };
  }

  it("summarises each setting across seeds and marks missing seeds", async () => {
    const { report } = await sweepWithResults();
    expect(report.settings.map((s) => s.setting)).toEqual([
      { rate: 1, boost: false },
      { rate: 1, boost: true },
      { rate: 3, boost: false },
      { rate: 3, boost: true },
    ]);
    const [first, , , last] = report.settings;
    expect(first?.final["score"]).toMatchObject({ mean: 1.5, min: 1, max: 2, n: 2 });
    expect(first?.checks[0]).toMatchObject({ passRate: 1, passedAllSeeds: true });
    expect(last).toMatchObject({ seeds: [1], missingSeeds: [2], passed: false });
    expect(report.jobs).toEqual({ total: 8, done: 7, reused: 0, failed: 0, retried: 1 });
    expect(report.passed).toBe(false);
    expect(report.chartMetric).toBe("score");
  });

  it("writes sweep-report.json and a self-contained HTML page with one chart per swept setting", async () => {
    const { out, report } = await sweepWithResults();
    const paths = await writeSweepReport(out, report);
    expect(JSON.parse(readFileSync(paths.jsonPath, "utf8"))).toEqual(JSON.parse(JSON.stringify(report)));
    const html = readFileSync(paths.htmlPath, "utf8");
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain("score against rate");
    expect(html).toContain("score against boost");
    expect(html).toContain("missing seeds 2");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(readdirSync(join(out, "typed")).sort()).toEqual(["sweep", "sweep-report.html", "sweep-report.json"]);
  });

  it("rejects a chart metric that no result has, naming it and the known ones", async () => {
    const { out } = await sweepWithResults();
    const plan = planSweep(typed, { axes: [], seeds: [1], quick: false, backend: undefined });
    const [job] = plan.jobs;
    if (job === undefined) throw new Error("no job");
    await writeJobResult(out, job, encodeOutcome({ seed: 1, result: result(1), backend, wallTimeMs: 1 }), "local");
    const results = await readJobResults(out, plan.jobs);
    expect(() =>
      buildSweepReport({ plan, results, failures: [], reused: 0, retried: 0, chartMetric: "nope", command: "", startedAt: new Date(), wallTimeMs: 0 }),
    ).toThrow("--metric nope: no such final metric (known: score)");
  });
});

describe("result files", () => {
  it("store one file per (scenario, config hash, seed); a rerun overwrites its own slot", async () => {
    const out = mkdtempSync(join(tmpdir(), "tam-sweep-store-"));
    const plan = planSweep(typed, { axes: [], seeds: [1, 2], quick: false, backend: undefined });
    const [one, two] = plan.jobs;
    if (one === undefined || two === undefined) throw new Error("no jobs");
    await writeJobResult(out, one, encodeOutcome({ seed: 1, result: result(1), backend, wallTimeMs: 1 }), "a");
    await writeJobResult(out, one, encodeOutcome({ seed: 1, result: result(1), backend, wallTimeMs: 1 }), "b");
    expect(resultPath(out, one)).toBe(join(out, "typed", "sweep", one.configHash, "seed-1.json"));
    expect(readdirSync(join(out, "typed", "sweep", one.configHash))).toEqual(["seed-1.json"]);
    const stored = await readJobResults(out, plan.jobs);
    expect([...stored.keys()]).toEqual([one.id]);
    expect((stored.get(one.id) as JobResult).ranOn).toBe("b");
    // the worker's JSON text is spliced into the file as it came: it reads back as the same outcome
    expect((stored.get(one.id) as JobResult).outcome).toEqual({ seed: 1, result: result(1), backend, wallTimeMs: 1 });
    expect((stored.get(one.id) as JobResult).setting).toEqual(one.setting);
    await expect(writeJobResult(out, two, encodeOutcome({ seed: 1, result: result(1), backend, wallTimeMs: 1 }), "a")).rejects.toThrow(
      `job ${two.id}: the result is for seed 1, not 2`,
    );
  });
});
