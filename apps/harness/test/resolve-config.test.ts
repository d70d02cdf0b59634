import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/resolve-config.js";
import { UsageError } from "../src/usage-error.js";
import { countingScenario, noStepsScenario } from "./fixtures.js";

describe("resolveConfig", () => {
  it("uses schema defaults, then quick overrides, then --steps", () => {
    expect(resolveConfig(countingScenario, { quick: false, steps: undefined })).toEqual({ steps: 20, target: 5 });
    expect(resolveConfig(countingScenario, { quick: true, steps: undefined })).toEqual({ steps: 4, target: 5 });
    expect(resolveConfig(countingScenario, { quick: true, steps: 9 })).toEqual({ steps: 9, target: 5 });
  });

  it("names the field and the value when validation fails", () => {
    expect(() => resolveConfig(countingScenario, { quick: false, steps: 0 })).toThrow(/steps \(got 0\)/);
    expect(() => resolveConfig(countingScenario, { quick: false, steps: 0 })).toThrow(UsageError);
  });

  it("rejects --steps for a scenario without a steps setting", () => {
    expect(() => resolveConfig(noStepsScenario, { quick: false, steps: 5 })).toThrow(/has no "steps" setting/);
  });
});
