import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { DEFAULT_OUT, DEFAULT_SEED, DEFAULT_STEPS, DemoOptionError, parseDemoOptions } from "../src/demo-options.ts";
import { EXIT_USAGE, main } from "../src/main.ts";

describe("parseDemoOptions", () => {
  it("fills defaults", () => {
    expect(parseDemoOptions({})).toEqual({ seed: DEFAULT_SEED, steps: DEFAULT_STEPS, out: DEFAULT_OUT });
  });

  it("accepts valid values", () => {
    expect(parseDemoOptions({ seed: "7", steps: "12", out: "x", backend: "cpu" })).toEqual({ seed: 7, steps: 12, out: "x", backend: "cpu" });
  });

  it.each([
    [{ seed: "-1" }, /--seed must be an integer in \[0, 4294967295\] \(got "-1"\)/],
    [{ seed: "abc" }, /--seed must be an integer.*\(got "abc"\)/],
    [{ steps: "0" }, /--steps must be an integer in \[1, 100000\] \(got "0"\)/],
    [{ steps: "1.5" }, /--steps must be an integer.*\(got "1.5"\)/],
    [{ steps: "100001" }, /--steps must be an integer.*\(got "100001"\)/],
    [{ backend: "gpu" }, /--backend must be one of cpu, wasm, tensorflow \(got "gpu"\)/],
    [{ out: " " }, /--out must be a non-empty path/],
  ])("rejects %j naming the flag and the value", (flags, message) => {
    expect(() => parseDemoOptions(flags)).toThrow(DemoOptionError);
    expect(() => parseDemoOptions(flags)).toThrow(message);
  });
});

describe("tam-demo usage errors", () => {
  const run = async (argv: string[]): Promise<{ code: number; err: string }> => {
    let err = "";
    const code = await main(new Command("tam-demo"), argv, { out: () => undefined, err: (t) => (err += t) });
    return { code, err };
  };

  it("exits 2 on a bad value and runs nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-demo-opt-"));
    const { code, err } = await run(["--steps", "zero", "--out", dir]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/tam-demo: --steps must be an integer.*"zero"/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("exits 2 on an unknown flag", async () => {
    const { code, err } = await run(["--speed", "3"]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/unknown option '--speed'/);
  });

  it("exits 2 when --out is not a writable directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-demo-opt-"));
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const { code, err } = await run(["--steps", "1", "--out", file]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/--out .*a-file is not a writable directory/);
  });
});
