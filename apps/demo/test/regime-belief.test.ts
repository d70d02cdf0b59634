import { createRng } from "@tam/tensor-backend";
import { describe, expect, it } from "vitest";
import { RegimeBelief } from "../src/agent/regime-belief.ts";

describe("RegimeBelief", () => {
  it("tracks a switch from steady to turbulent residuals and back", () => {
    const rng = createRng(3);
    const belief = new RegimeBelief(0.01);
    const feed = (std: number, n: number): number[] =>
      Array.from({ length: n }, () => {
        belief.update([rng.normal(0, std), rng.normal(0, std)]);
        return belief.probabilities[1];
      });
    const steady = feed(0.1, 40);
    expect(Math.max(...steady.slice(10))).toBeLessThan(0.5);
    const turbulent = feed(0.6, 40);
    expect(turbulent.slice(5).filter((p) => p > 0.5).length).toBeGreaterThan(30);
    expect(belief.mostLikely).toBe(1);
    const calm = feed(0.1, 40);
    expect(calm.slice(10).every((p) => p < 0.5)).toBe(true);
    const [v0, v1] = belief.variances;
    expect(v1).toBeGreaterThanOrEqual(4 * v0);
    expect(v0).toBeGreaterThan(0.005);
    expect(v0).toBeLessThan(0.03);
  });

  it("probabilities sum to one and stay in [0, 1]", () => {
    const belief = new RegimeBelief(1);
    for (const r of [0, 100, 1e-9, 3, 0.5]) {
      belief.update([r]);
      const [a, b] = belief.probabilities;
      expect(a + b).toBeCloseTo(1, 12);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1);
    }
  });

  it("rejects a non-positive variance", () => {
    expect(() => new RegimeBelief(0)).toThrow(/steadyVariance must be finite and > 0, got 0/);
  });
});
