// The JSONL refusal log: one record a line, schema-checked, a torn last line reported without losing
// earlier lines, and a writer that never glues a new record to a torn fragment. ADR 0105.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DOSE_RESPONSE,
  EpistemicController,
  RefusalEventSchema,
  RefusalLog,
  createScriptedLabWorld,
  createScriptedPolicy,
  parseRefusalLog,
  readRefusalLog,
  runLabLoop,
} from "@tam/epistemic";
import type { RefusalEvent } from "@tam/epistemic";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tam-epistemic-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function refusals(count: number): RefusalEvent[] {
  const controller = new EpistemicController({ initialDebtBits: 3, runId: "log-test" });
  return Array.from({ length: count }, (_, i) => {
    const refusal = controller.authorize(DOSE_RESPONSE, 1000, i + 1).refusal;
    if (refusal === null) throw new Error("expected a refusal");
    return refusal;
  });
}

describe("RefusalLog", () => {
  it("writes one schema-valid JSON object a line, from the controller's sink", () => {
    const path = join(dir, "refusals.jsonl");
    const log = new RefusalLog(path);
    const world = createScriptedLabWorld({ budgetWells: 1000, realisedBits: [0, 0, 0], noiseImprovements: [] });
    const policy = createScriptedPolicy([
      { template: "dose_response", claimedBits: 1 },
      { template: "dose_response", claimedBits: 1 },
      { template: "dose_response", claimedBits: 1 },
      { template: "dose_response", claimedBits: 1 },
      { template: "dose_response", claimedBits: 1 },
    ]);
    const result = runLabLoop({ world, policy, controller: new EpistemicController({ runId: "r1" }, { refusalSink: log }) });
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map((line) => RefusalEventSchema.parse(JSON.parse(line)))).toEqual(result.refusals);
    expect(result.refusals.map((r) => [r.cycle, r.reason])).toEqual([
      [4, "epistemic_debt_action_blocked"],
      [5, "epistemic_debt_action_blocked"],
    ]);
    expect(readRefusalLog(path)).toEqual({ events: result.refusals, tornLastLine: null, invalidLines: [] });
  });

  it("reports a torn last line and keeps every earlier line", () => {
    const path = join(dir, "refusals.jsonl");
    const log = new RefusalLog(path);
    const events = refusals(3);
    for (const event of events) log.append(event);
    const partial = JSON.stringify(events[0]).slice(0, 57);
    appendFileSync(path, partial); // a crash mid-write
    const contents = readRefusalLog(path);
    expect(contents.events).toEqual(events);
    expect(contents.tornLastLine?.line).toBe(4);
    expect(contents.tornLastLine?.text).toBe(partial);
    expect(contents.invalidLines).toEqual([]);
  });

  it("after a crash, the next writer isolates the torn fragment on its own line", () => {
    const path = join(dir, "refusals.jsonl");
    const events = refusals(3);
    writeFileSync(path, `${JSON.stringify(events[0])}\n${JSON.stringify(events[1]).slice(0, 30)}`);
    const reopened = new RefusalLog(path, { durable: true });
    const third = events[2];
    if (third === undefined) throw new Error("expected three events");
    reopened.append(third);
    const contents = readRefusalLog(path);
    expect(contents.events).toEqual([events[0], third]);
    expect(contents.tornLastLine).toBeNull();
    expect(contents.invalidLines.map((problem) => problem.line)).toEqual([2]);
  });

  it("rejects records that do not match the schema, before writing", () => {
    const path = join(dir, "refusals.jsonl");
    const log = new RefusalLog(path);
    const [event] = refusals(1);
    expect(() => log.append({ ...event, reason: "because" } as unknown as RefusalEvent)).toThrow('RefusalLog.append: invalid refusal event field "reason" = "because"');
    expect(readRefusalLog(path).events).toEqual([]);
  });

  it("reads a missing file as empty, and reports a bad middle line without dropping the rest", () => {
    expect(readRefusalLog(join(dir, "missing.jsonl"))).toEqual({ events: [], tornLastLine: null, invalidLines: [] });
    const events = refusals(2);
    const text = `${JSON.stringify(events[0])}\n{"event":"other"}\n\n${JSON.stringify(events[1])}\n`;
    const contents = parseRefusalLog(text);
    expect(contents.events).toEqual(events);
    expect(contents.invalidLines.map((problem) => problem.line)).toEqual([2]);
    expect(contents.invalidLines[0]?.error).toMatch(/schema/);
  });
});
