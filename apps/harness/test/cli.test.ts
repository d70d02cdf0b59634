// End-to-end: the built `tam-harness` binary, with seeds on worker processes. The turbo `test` task of
// this app depends on its `build`, so dist/ is current when this runs.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioReport } from "../src/report/report.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, TAM_BACKEND: "" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

describe("tam-harness binary", () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through turbo (pnpm test), which builds first`);
  });

  it("runs the backend scenario quickly, writes both report files and exits 0", async () => {
    const out = mkdtempSync(join(tmpdir(), "tam-cli-"));
    const { code, stdout } = await runCli(["run", "backend", "--quick", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/backend: \d+\/\d+ checks passed/);
    const report = JSON.parse(readFileSync(join(out, "backend", "report.json"), "utf8")) as ScenarioReport;
    expect(report.passed).toBe(true);
    expect(["tensorflow", "wasm", "cpu"]).toContain(report.provenance.backend.name);
    expect(report.provenance.backend.reason.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, "backend", "report.html"), "utf8")).toContain("<svg");
  });

  it("runs several seeds on worker processes with the same results as one seed at a time", async () => {
    const together = mkdtempSync(join(tmpdir(), "tam-cli-"));
    const alone = mkdtempSync(join(tmpdir(), "tam-cli-"));
    const [a, b] = await Promise.all([
      runCli(["run", "epistemic-policies", "--quick", "--seeds", "2", "--out", together]),
      runCli(["run", "epistemic-policies", "--quick", "--seed", "2", "--out", alone]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const read = (dir: string): ScenarioReport =>
      JSON.parse(readFileSync(join(dir, "epistemic-policies", "report.json"), "utf8")) as ScenarioReport;
    const [both, two] = [read(together), read(alone)];
    expect(both.seeds).toEqual([1, 2]);
    for (const [metric, byseed] of Object.entries(two.series)) {
      expect(both.series[metric]?.["2"]).toEqual(byseed["2"]);
    }
  });

  it("exits 2 on an unknown scenario", async () => {
    const unknown = await runCli(["run", "no-such-scenario"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "no-such-scenario"');
  });

  it("runs on a forced backend, or exits 2 naming why it cannot load (never a silent fallback)", async () => {
    const out = mkdtempSync(join(tmpdir(), "tam-cli-"));
    const forced = await runCli(["run", "backend", "--quick", "--backend", "tensorflow", "--out", out]);
    if (forced.code === 0) {
      const report = JSON.parse(readFileSync(join(out, "backend", "report.json"), "utf8")) as ScenarioReport;
      expect(report.provenance.backend).toMatchObject({ name: "tensorflow", forced: true });
    } else {
      expect(forced.code).toBe(2);
      expect(forced.stderr).toMatch(/tensorflow/);
      expect(existsSync(join(out, "backend"))).toBe(false);
    }
  });
});
