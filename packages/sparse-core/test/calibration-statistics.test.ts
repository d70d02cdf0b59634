// The statistics behind the Distribution Head's calibration monitor and ambiguity detector (seed 002
// L1198-1200, L1215-1219; SEED-INVENTORY §3.11): the KS statistic and its p-value against known references,
// the χ² frequency check against tabulated quantiles, and the two-mode fit on bimodal vs unimodal residuals.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { chiSquareTail, frequencyCheck, kolmogorovTail, ksUniform, twoModeFit } from "../src/index.js";

describe("ksUniform", () => {
  it("computes D_n by hand on a small sample: {0.1, 0.4, 0.7} gives D = 0.3", () => {
    expect(ksUniform([0.7, 0.1, 0.4]).statistic).toBeCloseTo(0.3, 12);
    expect(ksUniform([0.5]).statistic).toBeCloseTo(0.5, 12);
  });

  it("the Kolmogorov tail matches its tabulated quantiles (λ = 1.3581 → 0.05, 1.6276 → 0.01, 1.2238 → 0.10)", () => {
    expect(kolmogorovTail(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovTail(1.6276)).toBeCloseTo(0.01, 4);
    expect(kolmogorovTail(1.2238)).toBeCloseTo(0.1, 3);
    expect(kolmogorovTail(0.1)).toBe(1);
  });

  it("D_n lies in [1/(2n), 1], is permutation invariant, and the evenly spread sample attains 1/(2n) (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const n = values.length;
        const r = ksUniform(values);
        expect(r.statistic).toBeGreaterThanOrEqual(1 / (2 * n) - 1e-12);
        expect(r.statistic).toBeLessThanOrEqual(1);
        expect(ksUniform([...values].reverse()).statistic).toBe(r.statistic);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
      }),
    );
    const n = 40;
    expect(ksUniform(Array.from({ length: n }, (_, i) => (i + 0.5) / n)).statistic).toBeCloseTo(1 / (2 * n), 12);
  });

  it("uniform draws pass at α = 0.01 and squared (skewed) draws fail", () => {
    const rng = createRng(11);
    const u = Array.from({ length: 500 }, () => rng.uniform());
    expect(ksUniform(u).pValue).toBeGreaterThan(0.01);
    expect(ksUniform(u.map((v) => v * v)).pValue).toBeLessThan(1e-6);
  });

  it("rejects an empty sample and values outside [0, 1] by name", () => {
    expect(() => ksUniform([])).toThrow(/empty/);
    expect(() => ksUniform([0.2, 1.5])).toThrow(/value 1 is 1.5/);
  });
});

describe("frequencyCheck", () => {
  it("χ² tails match tabulated quantiles", () => {
    expect(chiSquareTail(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquareTail(5.991465, 2)).toBeCloseTo(0.05, 5);
    expect(chiSquareTail(11.344867, 3)).toBeCloseTo(0.01, 5);
    expect(chiSquareTail(9.487729, 4)).toBeCloseTo(0.05, 5);
    // Even degrees of freedom 2m have the closed form e^{−x/2} Σ_{k<m} (x/2)^k / k!.
    const closedForm = (x: number, m: number): number => Math.exp(-x / 2) * Array.from({ length: m }, (_, k) => k).reduce((s, k) => s + (x / 2) ** k / factorial(k), 0);
    expect(chiSquareTail(40, 30)).toBeCloseTo(closedForm(40, 15), 10);
    expect(chiSquareTail(3, 8)).toBeCloseTo(closedForm(3, 4), 10);
  });

  it("counts observed and expected buckets and computes Pearson's statistic", () => {
    const p = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const r = frequencyCheck(p, [0, 0, 0, 1], 2);
    expect(r.observed).toEqual([3, 1]);
    expect(r.expected).toEqual([2, 2]);
    expect(r.statistic).toBeCloseTo(1, 12);
    expect(r.degreesOfFreedom).toBe(1);
    expect(r.pValue).toBeCloseTo(chiSquareTail(1, 1), 12);
  });

  it("calibrated predictions pass, wrong frequencies fail", () => {
    const rng = createRng(5);
    const n = 600;
    const probs = [0.2, 0.5, 0.3];
    const labels = Array.from({ length: n }, () => {
      const u = rng.uniform();
      return u < 0.2 ? 0 : u < 0.7 ? 1 : 2;
    });
    const calibrated = Array.from({ length: n }, () => probs).flat();
    const wrong = Array.from({ length: n }, () => [0.5, 0.3, 0.2]).flat();
    expect(frequencyCheck(calibrated, labels, 3).pValue).toBeGreaterThan(0.01);
    expect(frequencyCheck(wrong, labels, 3).pValue).toBeLessThan(1e-6);
  });

  it("rejects labels out of range and rows that are not distributions", () => {
    expect(() => frequencyCheck([0.5, 0.5], [2], 2)).toThrow(/label 0 is 2/);
    expect(() => frequencyCheck([0.5, 0.6], [0], 2)).toThrow(/row 0 sums to/);
  });
});

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

describe("twoModeFit", () => {
  it("finds the two modes of ±1.5 + N(0, 0.2²) residuals and prefers them by BIC", () => {
    const rng = createRng(2);
    const values = Float64Array.from({ length: 200 }, () => (rng.bernoulli(0.5) ? 1.5 : -1.5) + rng.normal(0, 0.2));
    const fit = twoModeFit(values);
    const [lo, hi] = fit.modes;
    expect(lo.mean).toBeCloseTo(-1.5, 1);
    expect(hi.mean).toBeCloseTo(1.5, 1);
    expect(lo.sigma).toBeGreaterThan(0.15);
    expect(lo.sigma).toBeLessThan(0.25);
    expect(Math.abs(lo.weight - 0.5)).toBeLessThan(0.1);
    expect(2 * (fit.logLikTwo - fit.logLikOne) - 3 * Math.log(values.length)).toBeGreaterThan(100);
    values.forEach((v, i) => expect(fit.upper[i]).toBe(v > 0 ? 1 : 0));
  });

  it("on Gaussian residuals the mixture gains less than BIC's price in most samples", () => {
    const rng = createRng(3);
    let preferred = 0;
    for (let trial = 0; trial < 40; trial += 1) {
      const values = Float64Array.from({ length: 48 }, () => rng.normal(0, 0.2));
      const fit = twoModeFit(values);
      if (2 * (fit.logLikTwo - fit.logLikOne) - 3 * Math.log(48) > 0) preferred += 1;
      expect(fit.logLikTwo).toBeGreaterThanOrEqual(fit.logLikOne);
    }
    expect(preferred).toBeLessThanOrEqual(4);
  });
});
