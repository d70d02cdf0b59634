// Test helper: the `tam-harness` program driven in-process with test scenarios, its output captured.
import { Command } from "commander";
import { main } from "../src/main.js";
import type { Scenario } from "../src/scenario.js";

/** What a program run printed and returned. */
export interface ProgramRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run `tam-harness ...argv` in this thread (no workers) offering only `scenarios`. */
export async function runProgram(argv: readonly string[], scenarios: readonly Scenario[]): Promise<ProgramRun> {
  let out = "";
  let err = "";
  const code = await main(new Command("tam-harness"), argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    execution: "in-process",
    scenarios,
  });
  return { code, out, err };
}
