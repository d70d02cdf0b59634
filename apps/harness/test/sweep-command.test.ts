// Drives `tam-harness sweep` in-process with test scenarios: result files, report, exit codes, --resume,
// and errors that name the flag and the value (exit 2, nothing run).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from "../src/main.js";
import type { JobResult } from "../src/sweep/result-store.js";
import type { SweepReport } from "../src/sweep/sweep-report.js";
import { countingScenario } from "./fixtures.js";
import { freePort } from "./redis-server.js";
import { runProgram, type ProgramRun } from "./run-program.js";
import { typedScenario } from "./sweep-fixtures.js";

const run = (argv: string[]): Promise<ProgramRun> => runProgram(argv, [countingScenario, typedScenario]);

const tempOut = (): string => mkdtempSync(join(tmpdir(), "tam-sweep-"));
const readReport = (dir: string): SweepReport => JSON.parse(readFileSync(join(dir, "typed", "sweep-report.json"), "utf8")) as SweepReport;

/** Every result file under DIR/typed/sweep, as (path, record). */
function resultFiles(dir: string): { path: string; result: JobResult }[] {
  const root = join(dir, "typed", "sweep");
  return readdirSync(root).flatMap((hash) =>
    readdirSync(join(root, hash)).map((name) => {
      const path = join(root, hash, name);
      return { path, result: JSON.parse(readFileSync(path, "utf8")) as JobResult };
    }),
  );
}

describe("tam-harness sweep", () => {
  it("runs settings x seeds, one result file per job, and a report per setting; exits 0 when all pass", async () => {
    const dir = tempOut();
    const { code, out } = await run(["sweep", "typed", "--seeds", "1..3", "--set", "rate=1,2", "--set", "mode=fast,slow", "--out", dir]);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain("typed: 4 setting(s) x 3 seed(s) = 12 jobs; 12 to run");
    expect(out).toContain("pass  rate=2, mode=slow: 1/1 checks passed over 3 seed(s)");
    const files = resultFiles(dir);
    expect(files).toHaveLength(12);
    expect(new Set(files.map((f) => f.result.id)).size).toBe(12);
    for (const { path, result } of files) expect(path.endsWith(join(result.configHash, `seed-${result.seed}.json`))).toBe(true);
    const report = readReport(dir);
    expect(report.axes).toEqual([
      { key: "rate", values: [1, 2] },
      { key: "mode", values: ["fast", "slow"] },
    ]);
    expect(report.settings).toHaveLength(4);
    const rate2 = report.settings.find((s) => s.setting["rate"] === 2 && s.setting["mode"] === "fast");
    expect(rate2?.final["score"]).toMatchObject({ mean: 4, min: 2, max: 6, n: 3, sd: 2 });
    expect(rate2?.checks).toEqual([{ name: "score within limit", passes: 3, runs: 3, passRate: 1, passedAllSeeds: true }]);
    expect(report.jobs).toEqual({ total: 12, done: 12, reused: 0, failed: 0, retried: 0 });
    expect(readFileSync(join(dir, "typed", "sweep-report.html"), "utf8")).toContain("<svg");
  });

  it("exits 1 when a setting fails a check, with the pass rate across seeds", async () => {
    const dir = tempOut();
    const { code, out } = await run(["sweep", "typed", "--seeds", "3", "--set", "limit=2,100", "--out", dir]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(out).toContain("FAIL  limit=2: 0/1 checks passed over 3 seed(s)");
    const failing = readReport(dir).settings.find((s) => s.setting["limit"] === 2);
    expect(failing?.checks[0]).toMatchObject({ passes: 2, runs: 3, passedAllSeeds: false });
  });

  it("reports a job that throws as failed, keeps the other jobs, exits 1, and --resume retries only it", async () => {
    const dir = tempOut();
    const argv = ["sweep", "typed", "--seeds", "1..3", "--set", "label=plain,boom", "--out", dir];
    const first = await run(argv);
    expect(first.code).toBe(EXIT_CHECK_FAILED);
    expect(first.err).toContain("seed 2 of label=boom failed: boom on seed 2");
    expect(first.out).toContain("FAIL  label=boom: 1/1 checks passed over 2 seed(s), missing seeds 2");
    const boom = readReport(dir).settings.find((s) => s.setting["label"] === "boom");
    expect(boom).toMatchObject({ seeds: [1, 3], missingSeeds: [2], passed: false });
    expect(boom?.failures).toEqual([expect.objectContaining({ seed: 2, error: "boom on seed 2" })]);
    expect(readReport(dir).jobs).toMatchObject({ total: 6, done: 5, failed: 1 });
    expect(resultFiles(dir)).toHaveLength(5);
    const again = await run([...argv, "--resume"]);
    expect(again.out).toContain("6 jobs; 1 to run (5 already done)");
    expect(again.code).toBe(EXIT_CHECK_FAILED);
  });

  it("--resume runs only the jobs without a result and reuses the rest", async () => {
    const dir = tempOut();
    expect((await run(["sweep", "typed", "--seeds", "1..2", "--set", "rate=1,2", "--out", dir])).code).toBe(EXIT_OK);
    const before = resultFiles(dir);
    const [dropped, ...kept] = before;
    if (dropped === undefined) throw new Error("no result files");
    rmSync(dropped.path);
    const again = await run(["sweep", "typed", "--seeds", "1..2", "--set", "rate=1,2", "--out", dir, "--resume"]);
    expect(again.code).toBe(EXIT_OK);
    expect(again.out).toContain("4 jobs; 1 to run (3 already done)");
    const after = resultFiles(dir);
    expect(after).toHaveLength(4);
    for (const k of kept) expect(after.find((a) => a.path === k.path)?.result.finishedAt).toBe(k.result.finishedAt);
    expect(readReport(dir).jobs).toMatchObject({ total: 4, done: 4, reused: 3 });
    const done = await run(["sweep", "typed", "--seeds", "1..2", "--set", "rate=1,2", "--out", dir, "--resume"]);
    expect(done.out).toContain("4 jobs; 0 to run (4 already done)");
  });

  it.each([
    [["sweep", "nope"], /unknown scenario "nope"/],
    [["sweep", "typed", "--seeds", "2..1"], /--seeds 2..1 selects no seeds/],
    [["sweep", "typed", "--set", "speed=1"], /--set speed=1: scenario "typed" has no "speed" setting/],
    [["sweep", "typed", "--set", "rate=1,fast"], /--set rate=fast: "rate" takes a number \(got "fast"\)/],
    [["sweep", "typed", "--set", "mode=fast,warp"], /--set mode=warp: "mode" takes one of fast, slow/],
    [["sweep", "typed", "--workers", "0"], /--workers must be an integer >= 1 \(got 0\)/],
    [["sweep", "typed", "--runtime", "fibers"], /--runtime.*fibers/],
    [["sweep", "typed", "--queue", "http://localhost:6379"], /--queue "http:\/\/localhost:6379" must use redis:\/\/ or rediss:\/\//],
    [["sweep", "typed", "--queue", "not a url"], /--queue "not a url" is not a URL/],
    [["sweep", "typed", "--queue", "redis://localhost/x"], /the database must be a number \(got "x"\)/],
    [["sweep", "typed", "--queue", "redis://localhost:6379", "--workers", "2"], /--workers and --runtime .* cannot be used with --queue/],
    [["sweep", "typed", "--queue", "redis://localhost:6379", "--runtime", "threads"], /--workers and --runtime .* cannot be used with --queue/],
  ])("exits 2 naming the flag and value, running nothing: %j", async (argv, message) => {
    const dir = tempOut();
    const { code, err } = await run([...argv, "--out", dir]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
    expect(existsSync(join(dir, "typed"))).toBe(false);
  });

  it.each([
    [["worker", "--queue", "redis://"], /--queue "redis:\/\/" has no host/],
    [["worker"], /required option '--queue <url>' not specified/],
    [["worker", "--queue", "redis://localhost:6379", "--lock-ms", "5"], /--lock-ms must be an integer >= 100 \(got 5\)/],
  ])("worker exits 2 naming the flag and value: %j", async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
  });

  it("exits 2 with a clear error when the Redis server cannot be reached (sweep and worker)", async () => {
    const port = await freePort();
    const dir = tempOut();
    const sweep = await run(["sweep", "typed", "--queue", `redis://127.0.0.1:${port}`, "--out", dir]);
    expect(sweep.code).toBe(EXIT_USAGE);
    expect(sweep.err).toContain(`--queue redis://127.0.0.1:${port}: cannot reach the Redis server (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(existsSync(join(dir, "typed"))).toBe(false);
    const worker = await run(["worker", "--queue", `redis://user:secret@127.0.0.1:${port}`]);
    expect(worker.code).toBe(EXIT_USAGE);
    expect(worker.err).toContain(`--queue redis://user:***@127.0.0.1:${port}: cannot reach the Redis server`);
    expect(worker.err).not.toContain("secret");
  });
});
