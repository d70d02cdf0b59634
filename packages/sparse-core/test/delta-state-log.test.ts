// The Δ-state log (seed 002 L1710-1738, D-10): exact at ε = 0, bounded by ε otherwise, nnz cap, keyframes,
// coalescing, off by default; and its finite-difference features.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { DeltaStateLog, deltaFeatures, type DeltaStateLogConfigInput } from "../src/index.js";

/** Values whose pairwise float64 differences are exact: 0 or ±[2^-14, 2^10] float32s. */
const stateValue = fc.oneof(fc.constant(0), fc.float({ min: Math.fround(2 ** -14), max: 2 ** 10, noNaN: true }), fc.float({ min: -(2 ** 10), max: Math.fround(-(2 ** -14)), noNaN: true }));

/** A random walk of float32 states: each step changes a few entries. */
const walk = (size: number, steps: number) =>
  fc.tuple(fc.array(stateValue, { minLength: size, maxLength: size }), fc.array(fc.array(fc.tuple(fc.nat(size - 1), stateValue), { maxLength: 3 }), { minLength: steps, maxLength: steps })).map(([start, changes]) => {
    const states: Float32Array[] = [Float32Array.from(start)];
    for (const change of changes) {
      const next = Float32Array.from(states[states.length - 1] as Float32Array);
      for (const [i, v] of change) next[i] = v;
      states.push(next);
    }
    return states;
  });

function run(states: readonly Float32Array[], config: DeltaStateLogConfigInput): DeltaStateLog {
  const log = new DeltaStateLog((states[0] as Float32Array).length, { enabled: true, ...config });
  states.forEach((s, step) => log.record(s, { step, batchTag: `b${step}` }));
  return log;
}

describe("DeltaStateLog", () => {
  it("is off by default (C-16): record is a no-op", () => {
    const log = new DeltaStateLog(3);
    expect(log.enabled).toBe(false);
    expect(log.record([1, 2, 3], { step: 0 })).toBe(false);
    expect(log.entries()).toHaveLength(0);
    expect(() => log.reconstruct(0)).toThrow(/none logged/);
  });

  it("reconstructs exactly at ε = 0 at every kept keyframe and flush (property)", () => {
    fc.assert(
      fc.property(walk(6, 40), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), (states, k, horizonMult) => {
        const log = run(states, { epsilon: 0, coalesceSteps: k, horizonSteps: k * horizonMult * 2 });
        for (const step of log.steps()) {
          const truth = states[step] as Float32Array;
          expect(Array.from(log.reconstruct(step))).toEqual(Array.from(truth));
        }
        for (const entry of log.entries()) expect(entry.maxResidual).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the reconstruction within ε of the state at every flush, and the residual catches sub-ε drift (property)", () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(1e-3), max: 1, noNaN: true }), fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), (eps, drift) => {
        // Each entry drifts by at most 0.4 ε per step: a log that dropped sub-ε changes would never log any.
        const states: Float32Array[] = [];
        for (let t = 0; t < 60; t += 1) states.push(Float32Array.from(drift, (d) => 0.4 * eps * d * t));
        const log = run(states, { epsilon: eps, coalesceSteps: 1, horizonSteps: 1000 });
        for (const entry of log.entries()) {
          const truth = states[entry.step] as Float32Array;
          const recon = log.reconstruct(entry.step);
          truth.forEach((v, i) => expect(Math.abs((recon[i] as number) - v)).toBeLessThanOrEqual(eps));
          expect(entry.maxResidual).toBeLessThanOrEqual(eps);
        }
        const moving = drift.filter((d) => Math.abs(0.4 * eps * d * 59) > eps).length;
        if (moving > 0) expect(log.entries().some((e) => e.indices.length > 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("respects the nnz cap per horizon; the entry's maxResidual bounds the error; keyframes reset it", () => {
    fc.assert(
      fc.property(walk(8, 50), fc.integer({ min: 1, max: 10 }), (states, cap) => {
        const log = run(states, { epsilon: 0, coalesceSteps: 2, horizonSteps: 16, nnzCapPerHorizon: cap });
        const perSegment = new Map<number, number>();
        const keyframeSteps = log.keyframes().map((k) => k.step);
        for (const entry of log.entries()) {
          const segment = keyframeSteps.filter((s) => s <= entry.step).pop() as number;
          perSegment.set(segment, (perSegment.get(segment) ?? 0) + entry.indices.length);
          const truth = states[entry.step] as Float32Array;
          const recon = log.reconstruct(entry.step);
          truth.forEach((v, i) => expect(Math.abs((recon[i] as number) - v)).toBeLessThanOrEqual(entry.maxResidual));
        }
        for (const nnz of perSegment.values()) expect(nnz).toBeLessThanOrEqual(cap);
        for (const k of log.keyframes()) expect(Array.from(log.reconstruct(k.step))).toEqual(Array.from(states[k.step] as Float32Array));
      }),
      { numRuns: 40 },
    );
  });

  it("coalesces every K steps with timestamps and batch tags, and keeps two horizon segments", () => {
    const log = new DeltaStateLog(2, { enabled: true, epsilon: 0, coalesceSteps: 3, horizonSteps: 9 });
    for (let step = 0; step < 30; step += 1) log.record([step, -step], { step, time: 100 + step, batchTag: `b${step}` });
    expect(log.keyframes().map((k) => k.step)).toEqual([18, 27]);
    expect(log.steps()).toEqual([18, 21, 24, 27]);
    const first = log.entries()[0];
    expect(first?.step).toBe(21);
    expect(first?.fromStep).toBe(19);
    expect(first?.time).toBe(121);
    expect(first?.batchTags).toEqual(["b19", "b20", "b21"]);
    expect(Array.from(first?.values ?? [])).toEqual([3, -3]);
    expect(() => log.reconstruct(17)).toThrow(/before the oldest kept keyframe \(18\)/);
    expect(Array.from(log.reconstruct(26))).toEqual([24, -24]);
  });

  it("rejects bad input, naming the field", () => {
    expect(() => new DeltaStateLog(0)).toThrow(/stateSize/);
    expect(() => new DeltaStateLog(2, { epsilon: -1 })).toThrow(/config epsilon = -1: /);
    expect(() => new DeltaStateLog(2, { coalesceSteps: 0 })).toThrow(/config coalesceSteps = 0: /);
    const log = new DeltaStateLog(2, { enabled: true });
    expect(() => log.record([1], { step: 0 })).toThrow(/2 entries/);
    expect(() => log.record([1, Number.NaN], { step: 0 })).toThrow(/state\[1\]/);
    log.record([1, 2], { step: 5 });
    expect(() => log.record([1, 2], { step: 5 })).toThrow(/above the last \(5\)/);
  });
});

describe("deltaFeatures", () => {
  it("gives a uniform trajectory whose rate recovers the dynamics of a logged ODE", () => {
    // x' = -0.5 x, y' = 0.2 x - 0.1 y, integrated exactly enough with small Euler steps; logged every 4 steps.
    const dt = 0.01;
    const log = new DeltaStateLog(2, { enabled: true, epsilon: 0, coalesceSteps: 4, horizonSteps: 400 });
    let x = 2;
    let y = 1;
    for (let step = 0; step < 700; step += 1) {
      log.record([x, y], { step });
      [x, y] = [x + dt * -0.5 * x, y + dt * (0.2 * x - 0.1 * y)];
    }
    const f = deltaFeatures(log, { secondsPerStep: dt });
    expect(f.trajectory.dim).toBe(2);
    expect(f.trajectory.dt).toBeCloseTo(0.04, 12);
    expect(f.trajectory.steps).toBe(f.stepIndices.length);
    // Least squares of each rate column on the midpoint states.
    const n = f.trajectory.steps - 1;
    const mid = (k: number, c: number): number => ((f.trajectory.values[k * 2 + c] as number) + (f.trajectory.values[(k + 1) * 2 + c] as number)) / 2;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    let rx = 0;
    let ry0 = 0;
    let ry1 = 0;
    for (let k = 0; k < n; k += 1) {
      const a = mid(k, 0);
      const b = mid(k, 1);
      sxx += a * a;
      sxy += a * b;
      syy += b * b;
      rx += (f.rate[k * 2] as number) * a;
      ry0 += (f.rate[k * 2 + 1] as number) * a;
      ry1 += (f.rate[k * 2 + 1] as number) * b;
    }
    expect(rx / sxx).toBeCloseTo(-0.5, 2);
    const det = sxx * syy - sxy * sxy;
    expect((ry0 * syy - ry1 * sxy) / det).toBeCloseTo(0.2, 2);
    expect((ry1 * sxx - ry0 * sxy) / det).toBeCloseTo(-0.1, 2);
    // Curvature of x: x'' = 0.25 x.
    expect((f.curvature[0] as number) / (f.trajectory.values[2] as number)).toBeCloseTo(0.25, 2);
  });

  it("rejects uneven spacing and too few steps, naming them", () => {
    const log = new DeltaStateLog(1, { enabled: true, coalesceSteps: 3, horizonSteps: 4 });
    for (let step = 0; step < 12; step += 1) log.record([step], { step });
    expect(() => deltaFeatures(log)).toThrow(/evenly spaced/);
    const short = new DeltaStateLog(1, { enabled: true });
    short.record([1], { step: 0 });
    expect(() => deltaFeatures(short)).toThrow(/at least 3/);
    expect(() => deltaFeatures(log, { secondsPerStep: 0 })).toThrow(/secondsPerStep/);
  });
});
