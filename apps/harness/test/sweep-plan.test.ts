// Sweep planning: --seeds ranges, --set values parsed by the config field's type, the cross product
// of settings x seeds with every config validated up front, and the stable config hash.
import { describe, expect, it } from "vitest";
import type { Scenario } from "../src/scenario.js";
import { canonicalJson, configHash } from "../src/sweep/config-hash.js";
import { parseSeedRange } from "../src/sweep/seed-range.js";
import { parseSweepAxes } from "../src/sweep/sweep-axes.js";
import { describeSetting, planSweep } from "../src/sweep/sweep-plan.js";
import { UsageError } from "../src/usage-error.js";
import { countingScenario } from "./fixtures.js";
import { typedScenario } from "./sweep-fixtures.js";

const typed = typedScenario as unknown as Scenario;

describe("parseSeedRange", () => {
  it("reads A..B inclusive and N as 1..N", () => {
    expect(parseSeedRange("1..4")).toEqual([1, 2, 3, 4]);
    expect(parseSeedRange("7..9")).toEqual([7, 8, 9]);
    expect(parseSeedRange("3")).toEqual([1, 2, 3]);
    expect(parseSeedRange("0..0")).toEqual([0]);
  });

  it.each([
    ["x", /--seeds must be A..B or N \(got "x"\)/],
    ["1..", /--seeds must be A..B or N/],
    ["5..2", /--seeds 5..2 selects no seeds/],
    ["0", /--seeds 0 selects no seeds/],
    ["1..5000", /--seeds 1..5000 selects 5000 seeds; at most 1000/],
  ])("rejects %s naming the flag and value", (raw, message) => {
    expect(() => parseSeedRange(raw)).toThrow(message);
    expect(() => parseSeedRange(raw)).toThrow(UsageError);
  });
});

describe("parseSweepAxes", () => {
  it("parses values by the field's type: numbers, integers, booleans, enums, literals, strings", () => {
    const axes = parseSweepAxes(typed, ["rate=0.5,1e-3,2", "count=1,3", "boost=true,false", "mode=slow,fast", "label=a,b c", "version=3"]);
    expect(axes).toEqual([
      { key: "rate", values: [0.5, 0.001, 2] },
      { key: "count", values: [1, 3] },
      { key: "boost", values: [true, false] },
      { key: "mode", values: ["slow", "fast"] },
      { key: "label", values: ["a", "b c"] },
      { key: "version", values: [3] },
    ]);
  });

  it.each([
    ["nope=1", /--set nope=1: scenario "typed" has no "nope" setting \(known: rate, count/],
    ["rate", /--set "rate" must look like key=v1,v2/],
    ["rate=1,abc", /--set rate=abc: "rate" takes a number \(got "abc"\)/],
    ["rate=-1", /--set rate=-1: .*>0/],
    ["count=1.5", /--set count=1.5: .*expected int/],
    ["count=11", /--set count=11: .*<=10/],
    ["boost=yes", /--set boost=yes: "boost" takes true or false \(got "yes"\)/],
    ["mode=medium", /--set mode=medium: "mode" takes one of fast, slow \(got "medium"\)/],
    ["version=4", /--set version=4: "version" takes one of 3/],
    ["tags=a", /--set tags=a: "tags" is a array setting, which cannot be swept/],
    ["rate=1,", /--set rate=: empty value/],
    ["rate=1,1.0", /--set rate=1,1.0: a value is repeated/],
  ])("rejects %s naming the key and the value", (flag, message) => {
    expect(() => parseSweepAxes(typed, [flag])).toThrow(message);
  });

  it("rejects a key given twice", () => {
    expect(() => parseSweepAxes(typed, ["rate=1", "rate=2"])).toThrow("--set rate is given more than once");
  });
});

describe("planSweep", () => {
  it("makes the cross product of settings x seeds, each config fully resolved", () => {
    const plan = planSweep(typed, { axes: parseSweepAxes(typed, ["rate=1,2", "mode=fast,slow"]), seeds: [1, 2, 3], quick: true, backend: undefined });
    expect(plan.settings.map((s) => describeSetting(s.setting))).toEqual(["rate=1, mode=fast", "rate=1, mode=slow", "rate=2, mode=fast", "rate=2, mode=slow"]);
    expect(plan.jobs).toHaveLength(12);
    expect(new Set(plan.jobs.map((j) => j.id)).size).toBe(12);
    expect(plan.settings[3]?.config).toEqual({ rate: 2, count: 1, boost: false, mode: "slow", label: "plain", version: 3, limit: 1000, tags: [] });
    const job = plan.jobs[4];
    expect(job).toMatchObject({ scenario: "typed", seed: 2, setting: { rate: 1, mode: "slow" } });
    expect(job?.configHash).toBe(configHash(plan.settings[1]?.config ?? {}));
    expect(job?.id).toBe(`typed-${job?.configHash}-seed2`);
  });

  it("with nothing swept, runs the defaults over the seeds", () => {
    const plan = planSweep(typed, { axes: [], seeds: [5], quick: false, backend: "cpu" });
    expect(plan.settings.map((s) => describeSetting(s.setting))).toEqual(["(defaults)"]);
    expect(plan.jobs).toEqual([expect.objectContaining({ seed: 5, backend: "cpu", setting: {} })]);
  });

  it("validates every resulting config before anything runs, naming the setting, field and value", () => {
    // steps=0 passes parsing as a number; the schema's min(1) rejects it when the config is resolved.
    const axes = [{ key: "steps", values: [3, 0] }];
    expect(() => planSweep(countingScenario as unknown as Scenario, { axes, seeds: [1], quick: false, backend: undefined })).toThrow(
      /setting steps=0: invalid config for scenario "counting": steps \(got 0\)/,
    );
  });
});

describe("configHash", () => {
  it("is the same whatever the key order, and differs when a value differs", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
    expect(configHash({ a: 1, b: 2 })).not.toBe(configHash({ a: 1, b: 3 }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});
