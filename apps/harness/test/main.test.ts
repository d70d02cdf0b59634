// Drives the CLI program in-process with test scenarios: exit codes, validation, report files.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from "../src/main.js";
import type { ScenarioReport } from "../src/report/report.js";
import { countingScenario, noStepsScenario } from "./fixtures.js";
import { runProgram, type ProgramRun } from "./run-program.js";

const run = (argv: string[]): Promise<ProgramRun> => runProgram(argv, [countingScenario, noStepsScenario]);

const tempOut = (): string => mkdtempSync(join(tmpdir(), "tam-harness-"));

describe("tam-harness program", () => {
  it("lists scenarios", async () => {
    const { code, out } = await run(["list"]);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain("counting");
    expect(out).toContain("no-steps");
  });

  it("lists experimental scenarios as such and leaves them out of run all", async () => {
    const experimental = { ...noStepsScenario, name: "wip", experimental: true };
    const listed = await runProgram(["list"], [countingScenario, experimental]);
    expect(listed.out).toMatch(/wip +\(experimental, not in run all\)/);
    const dir = tempOut();
    const all = await runProgram(["run", "all", "--quick", "--seed", "1", "--out", dir], [countingScenario, experimental]);
    expect(all.code).toBe(EXIT_OK);
    expect(existsSync(join(dir, "counting", "report.json"))).toBe(true);
    expect(existsSync(join(dir, "wip"))).toBe(false);
    const byName = await runProgram(["run", "wip", "--out", dir], [countingScenario, experimental]);
    expect(byName.code).toBe(EXIT_OK);
    expect(existsSync(join(dir, "wip", "report.json"))).toBe(true);
  });

  it("runs a scenario, writes report.json and report.html, exits 0 when checks pass", async () => {
    const dir = tempOut();
    const { code, out } = await run(["run", "counting", "--seeds", "3", "--quick", "--out", dir]);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain("1/1 checks passed");
    const report = JSON.parse(readFileSync(join(dir, "counting", "report.json"), "utf8")) as ScenarioReport;
    expect(report.seeds).toEqual([1, 2, 3]);
    expect(report.config).toEqual({ steps: 4, target: 5 });
    expect(report.final["last"]).toMatchObject({ mean: 6, min: 3, max: 9 });
    expect(report.series["count"]?.["2"]).toHaveLength(4);
    expect(report.provenance.node).toBe(process.version);
    expect(report.provenance.packages["@tam/harness"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(readFileSync(join(dir, "counting", "report.html"), "utf8")).toContain("<svg");
  });

  it("exits 1 when a check fails, and still writes the report", async () => {
    const dir = tempOut();
    const failing = { ...countingScenario, quick: { steps: 4, target: 11 } };
    const { code } = await runProgram(["run", "counting", "--quick", "--seed", "1", "--out", dir], [failing]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    const report = JSON.parse(readFileSync(join(dir, "counting", "report.json"), "utf8")) as ScenarioReport;
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: "target within limit", observed: "11", pass: false });
  });

  it.each([
    [["run", "nope"], /unknown scenario "nope" \(known: counting, no-steps, or "all"\)/],
    [["run", "counting", "--seeds", "x"], /--seeds must be an integer \(got "x"\)/],
    [["run", "counting", "--steps", "0"], /--steps must be an integer >= 1 \(got 0\)/],
    [["run", "no-steps", "--steps", "3"], /has no "steps" setting/],
    [["run", "counting", "--backend", "gpu"], /argument 'gpu' is invalid/],
    [["run", "counting", "--bogus"], /unknown option '--bogus'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
  ])("exits 2 with a message naming the problem, running nothing: %j", async (argv, message) => {
    const dir = tempOut();
    const { code, err } = await run([...argv, "--out", dir]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
    expect(existsSync(join(dir, "counting"))).toBe(false);
  });
});
