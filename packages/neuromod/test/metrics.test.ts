// The seed's formulas on hand-computed cases and their [0, 1] bounds (004_b9e7278aec0f8932.txt
// L21–37, L99–121; SEED-INVENTORY.md H004-C).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { tf } from "@tam/tensor-backend";
import {
  annealedBeta,
  bindingFraction,
  clampModulators,
  cognitiveDeltas,
  effCog,
  effLocal,
  energyCost,
  loadAt,
  noiseLeak,
  ntSaturation,
  parseLoadSchedule,
  rangeUtilization,
} from "../src/index.js";
import { useBackend, values } from "./helpers.js";

beforeAll(async () => {
  await useBackend("cpu");
});

const close = (got: number[], want: number[], tol = 1e-6): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(tol));
};

describe("local metrics, hand-computed", () => {
  it("B̄ = bound / total sites", () => {
    close(values(() => bindingFraction(tf.tensor1d([1, 3, 0]), tf.tensor1d([4, 4, 0]))), [0.25, 0.75, 0]);
  });

  it("SatNT = max(0, available − capacity) / available", () => {
    close(values(() => ntSaturation(tf.tensor1d([2, 1, 0, 10]), tf.tensor1d([1.5, 3, 1, 2]))), [0.25, 0, 0, 0.8]);
  });

  it("RangeUtil = time in [θlow, θhigh] / window (edges count as in)", () => {
    close(values(() => rangeUtilization(tf.tensor2d([[0.1, 0.3], [0.5, 0.7], [0.6, 0.71], [0.9, 0.2]]), 0.3, 0.7)), [0.5, 0.5]);
    expect(() => rangeUtilization(tf.tensor2d([[0.5]]), 0.7, 0.3)).toThrow(/rangeUtilization: low must be < high/);
  });

  it("NoiseLeak = residual variance share of the regression on the modelled activity", () => {
    const x = [0, 1, 2, 3];
    close(values(() => noiseLeak(tf.tensor1d(x.map((v) => 2 * v + 1)), tf.tensor1d(x))), [0], 1e-5);
    close(values(() => noiseLeak(tf.tensor1d([1, -1, 1, -1]), tf.tensor1d([0, 0, 1, 1]))), [1], 1e-5);
    // y = x + e with e ⟂ x: var(x) = 1.25, var(e) = 1 (e = ±1, balanced against x), share = 1 / 2.25.
    const e = [1, -1, -1, 1];
    close(values(() => noiseLeak(tf.tensor1d(x.map((v, i) => v + (e[i] as number))), tf.tensor1d(x))), [1 / 2.25], 1e-5);
    expect(() => noiseLeak(tf.tensor1d([1, 2]), tf.tensor1d([1, 2, 3]))).toThrow(/noiseLeak: observed \[2\] and modelled \[3\]/);
  });

  it("EnergyCost = mean of the density and release fractions (L1)", () => {
    close(values(() => energyCost(tf.tensor1d([0.2, 1]), tf.tensor1d([0.6, 0]))), [0.4, 0.5]);
  });

  it("Eff_local = w1 S̄ + w2 RangeUtil − w3 SatNT − w4 NoiseLeak − w5 EnergyCost", () => {
    const t = (v: number) => tf.tensor2d([[v]]);
    const got = values(() =>
      effLocal(
        { activity: t(0.6), rangeUtil: t(0.8), saturation: t(0.1), noiseLeak: t(0.3), energy: t(0.5) },
        { activity: 1, rangeUtil: 2, saturation: 3, noiseLeak: 4, energy: 5 },
      ),
    );
    close(got, [0.6 + 1.6 - 0.3 - 1.2 - 2.5], 1e-5);
  });

  it("terms stay in [0, 1] on random input (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.float({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 12 }),
        (a, b) => {
          const n = Math.min(a.length, b.length);
          const av = a.slice(0, n);
          const bv = b.slice(0, n);
          for (const v of [
            ...values(() => ntSaturation(tf.tensor1d(av), tf.tensor1d(bv))),
            ...values(() => noiseLeak(tf.tensor1d(av), tf.tensor1d(bv))),
            ...values(() => rangeUtilization(tf.tensor1d(av.map((x) => x / 100)), 0.3, 0.7)),
          ]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("cognitive efficiency, hand-computed (seed L113–121, L54)", () => {
  const a = { cfgNode: "x", coherence: 0.2, utility: 0.5, uncertainty: 0.6, safetyPenalty: 0, calibrationGap: 0.4 };
  const b = { cfgNode: "x", coherence: 0.5, utility: 0.4, uncertainty: 0.5, safetyPenalty: 0.1, calibrationGap: 0.1 };

  it("ΔC = C(t) − C(t−1), ΔU = U(t) − U(t−1), ΔH = H(t−1) − H(t), S = 1 − penalty, ΔCal = Gap(t−1) − Gap(t)", () => {
    const d = cognitiveDeltas(a, b);
    close(
      [d.deltaCoherence, d.deltaUtility, d.deltaUncertainty, d.safety, d.deltaCalibration],
      [0.3, -0.1, 0.1, 0.9, 0.3],
      1e-12,
    );
    expect(effCog(d)).toBeCloseTo(1.5, 12);
    expect(effCog(d, { coherence: 2, utility: 1, uncertainty: 0, safety: 0, calibration: 1 })).toBeCloseTo(0.8, 12);
  });

  it("rejects levels outside [0, 1] and negative weights by name", () => {
    expect(() => cognitiveDeltas(a, { ...b, utility: 1.5 })).toThrow(/utility must be in \[0, 1\], got 1.5/);
    expect(() => effCog(cognitiveDeltas(a, b), { coherence: -1, utility: 1, uncertainty: 1, safety: 1, calibration: 1 })).toThrow(/weight coherence/);
  });
});

describe("schedules and the clamp", () => {
  it("β anneals linearly upward from small, then stays", () => {
    const s = { start: 0.1, end: 1, ticks: 100 };
    expect(annealedBeta(0, s)).toBeCloseTo(0.1, 12);
    expect(annealedBeta(50, s)).toBeCloseTo(0.55, 12);
    expect(annealedBeta(100, s)).toBe(1);
    expect(annealedBeta(5000, s)).toBe(1);
    expect(() => annealedBeta(-1, s)).toThrow(/annealedBeta: tick/);
  });

  it("load steps and drifts as scheduled", () => {
    const s = parseLoadSchedule({ steps: [{ atTick: 10, factor: 2 }], drift: { fromTick: 20, toTick: 30, factor: 0.5 } });
    expect([loadAt(9, s), loadAt(10, s), loadAt(20, s), loadAt(25, s), loadAt(30, s), loadAt(99, s)]).toEqual([1, 2, 2, 1.5, 1, 1]);
    expect(() => parseLoadSchedule({ drift: { fromTick: 5, toTick: 5, factor: 2 } })).toThrow(/drift.toTick must be > drift.fromTick/);
  });

  it("the μ safety clamp clips into [min, max] and rejects a bad range", () => {
    close(values(() => clampModulators(tf.tensor1d([0, 0.5, 1]))), [0.05, 0.5, 0.95], 1e-7);
    expect(() => clampModulators(tf.tensor1d([0.5]), { min: 0.8, max: 0.2 })).toThrow(/validateMuClamp: need 0 <= min < max <= 1, got min=0.8/);
  });
});
