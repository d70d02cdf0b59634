import { createRng } from "@tam/tensor-backend";
import { describe, expect, it } from "vitest";
import { ConformalCalibration } from "../src/agent/conformal-calibration.ts";

describe("ConformalCalibration", () => {
  it("widens each tick to its own conformal quantile and reports the improvement", () => {
    const rng = createRng(5);
    const cal = new ConformalCalibration(4, 2, 0.1, 40);
    // Tick t's true deviations are (t + 1)x what the tube assumes: |τ−μ|/σ ~ |N(0, (t+1)²)|.
    for (let i = 0; i < 40; i += 1) cal.record(Array.from({ length: 4 }, (_, t) => Math.abs(rng.normal(0, t + 1))));
    const before = cal.missRate();
    expect(before).toBeGreaterThan(0.3);
    const out = cal.calibrate();
    expect(out.scalesBefore).toEqual([1, 1, 1, 1]);
    // Later ticks need wider tubes; each scale is that tick's quantile over k.
    for (let t = 1; t < 4; t += 1) expect(out.scalesAfter[t] as number).toBeGreaterThan(out.scalesAfter[t - 1] as number);
    expect(out.missAfter).toBeLessThanOrEqual(0.1);
    expect(out.noiseImprovement).toBeCloseTo((before - out.missAfter) / before, 12);
    expect(cal.scales).toEqual(out.scalesAfter);
  });

  it("covers each tick of new horizons at 1 − α or better (exchangeable data)", () => {
    const rng = createRng(8);
    const draw = (): number[] => Array.from({ length: 3 }, (_, t) => Math.abs(rng.normal(0, 0.5 + t)));
    const cal = new ConformalCalibration(3, 2, 0.2, 50);
    for (let i = 0; i < 50; i += 1) cal.record(draw());
    cal.calibrate();
    const scales = cal.scales;
    let missed = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i += 1) draw().forEach((d, t) => (missed += d < 2 * (scales[t] as number) ? 0 : 1));
    expect(missed / (3 * trials)).toBeLessThan(0.2 + 0.03);
  });

  it("keeps a tick's scale while too few horizons give a finite quantile, and forgets beyond its window", () => {
    const cal = new ConformalCalibration(2, 2, 0.1, 10);
    cal.record([1, 1]);
    expect(cal.calibrate().scalesAfter).toEqual([1, 1]);
    for (let i = 0; i < 25; i += 1) cal.record([0.5, 1]);
    expect(cal.size).toBe(10);
    const after = cal.calibrate().scalesAfter;
    expect(after[0]).toBeCloseTo(0.25, 12);
    expect(after[1]).toBeCloseTo(0.5, 12);
  });

  it("rejects bad settings and input", () => {
    expect(() => new ConformalCalibration(2, 2, 0, 10)).toThrow(/alpha must be in \(0, 1\), got 0/);
    expect(() => new ConformalCalibration(2, 2, 0.1, 5)).toThrow(/window must be an integer >= 10/);
    expect(() => new ConformalCalibration(2, 0, 0.1, 10)).toThrow(/k must be finite and > 0, got 0/);
    expect(() => new ConformalCalibration(2, 2, 0.1, 10).record([1])).toThrow(/need 2 deviations, got 1/);
    expect(() => new ConformalCalibration(2, 2, 0.1, 10).record([1, -1])).toThrow(/deviation 1 must be >= 0, got -1/);
  });
});
