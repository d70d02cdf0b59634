// The device micro-benchmark behind the crossover policy (seed 002 L1547-1548, TB-8): the non-negative
// least-squares fit, the linear cost model, and a tiny measurement on cpu and wasm (shape of the result,
// caching per backend, no leaked tensors; no timing assertions).
import { tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { LinearCostModel, clearDeviceCostCache, deviceCostModel, fitNonNegative, measureDeviceCosts, type CalibrationOptions } from "../src/index.js";
import { median } from "../src/device-cost-model.js";
import { TEST_BACKENDS, useBackend } from "./helpers/backends.js";

const TINY: CalibrationOptions = {
  shapes: [
    [4, 12, 10],
    [16, 24, 20],
    [2, 24, 20],
  ],
  densities: [0.05, 0.4],
  repeats: 1,
  warmup: 0,
};

describe("fitNonNegative", () => {
  it("recovers non-negative coefficients from exact data (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 6, maxLength: 10 }),
        (coef, features) => {
          fc.pre(coef.some((c) => c > 0.1));
          const rows = features.map(([a, b]) => [1, a as number, b as number]);
          const targets = rows.map((r) => r.reduce((s, v, j) => s + v * (coef[j] as number), 0));
          fc.pre(targets.every((t) => t > 1e-6));
          const fit = fitNonNegative(rows, targets);
          expect(fit.every((c) => c >= 0)).toBe(true);
          rows.forEach((r, i) => {
            const predicted = r.reduce((s, v, j) => s + v * (fit[j] as number), 0);
            expect(Math.abs(predicted - (targets[i] as number)) / (targets[i] as number)).toBeLessThan(1e-6);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("clips a column that would need a negative coefficient to 0", () => {
    // t = 2 + 3·x - 0.5·y has no non-negative fit; the best fit sets y's coefficient to 0.
    const rows = [1, 2, 3, 4, 5, 6].map((x) => [1, x, (x * 7) % 5]);
    const targets = rows.map(([, x, y]) => 2 + 3 * (x as number) - 0.5 * (y as number));
    const fit = fitNonNegative(rows, targets);
    expect(fit.every((c) => c >= 0)).toBe(true);
    expect(fit[2]).toBe(0);
  });

  it("rejects bad input", () => {
    expect(() => fitNonNegative([[1, 2]], [0])).toThrow(/targets must be finite and > 0/);
    expect(() => fitNonNegative([[1], [1, 2]], [1, 1])).toThrow(/fitNonNegative/);
    expect(() => median([])).toThrow(/median: no values/);
  });
});

describe("LinearCostModel", () => {
  const model = new LinearCostModel({
    backend: "test",
    workload: "forward",
    sparse: { fixedSeconds: 1, perEntrySeconds: 2, perPathSeconds: 3, perMacSeconds: 4 },
    dense: { fixedSeconds: 5, perEntrySeconds: 6, perPathSeconds: 7, perMacSeconds: 8 },
  });

  it("predicts c + e·B(in+out) + p·paths + α·B·paths (sparse) and c + e·in·out + p·paths + β·B·in·out (dense)", () => {
    const q = { batch: 2, inFeatures: 3, outFeatures: 5, paths: 4 };
    expect(model.sparseSeconds(q)).toBe(1 + 2 * 2 * 8 + 3 * 4 + 4 * 2 * 4);
    expect(model.denseSeconds(q)).toBe(5 + 6 * 15 + 7 * 4 + 8 * 2 * 15);
    expect(model.alphaSeconds).toBe(4);
    expect(model.betaSeconds).toBe(8);
  });

  it("uses its own measurements at a measured shape (linear in paths between them), the fit elsewhere", () => {
    const samples = [
      { batch: 4, inFeatures: 10, outFeatures: 10, paths: 10, sparseSeconds: 1, denseSeconds: 5 },
      { batch: 4, inFeatures: 10, outFeatures: 10, paths: 50, sparseSeconds: 9, denseSeconds: 7 },
      { batch: 4, inFeatures: 10, outFeatures: 10, paths: 90, sparseSeconds: 10, denseSeconds: 11 },
    ];
    const measured = new LinearCostModel({ backend: "test", workload: "forward", sparse: model.sparse, dense: model.dense, samples });
    expect(measured.sparseSeconds({ batch: 4, inFeatures: 10, outFeatures: 10, paths: 30 })).toBeCloseTo(5, 12);
    expect(measured.denseSeconds({ batch: 4, inFeatures: 10, outFeatures: 10, paths: 70 })).toBeCloseTo(9, 12);
    expect(measured.denseSeconds({ batch: 4, inFeatures: 10, outFeatures: 10, paths: 100 })).toBeCloseTo(12, 12); // beyond the last: extrapolated
    expect(measured.sparseSeconds({ batch: 4, inFeatures: 10, outFeatures: 10, paths: 0 })).toBeCloseTo(0.01, 12); // clamped at 1 % of the smaller
    const elsewhere = { batch: 2, inFeatures: 3, outFeatures: 5, paths: 4 };
    expect(measured.sparseSeconds(elsewhere)).toBe(model.sparseSeconds(elsewhere));
  });

  it("rejects negative coefficients and invalid queries", () => {
    expect(
      () => new LinearCostModel({ backend: "x", workload: "train", sparse: { fixedSeconds: -1, perEntrySeconds: 0, perPathSeconds: 0, perMacSeconds: 0 }, dense: model.dense }),
    ).toThrow(/sparse.fixedSeconds must be a finite number >= 0, got -1/);
    expect(() => model.sparseSeconds({ batch: 0, inFeatures: 3, outFeatures: 3, paths: 1 })).toThrow(/batch must be a positive integer, got 0/);
    expect(() => model.denseSeconds({ batch: 1, inFeatures: 3, outFeatures: 3, paths: 10 })).toThrow(/paths must be an integer in \[0, 9\], got 10/);
  });
});

describe.each(TEST_BACKENDS)("device micro-benchmark on %s", (backend) => {
  it("fits non-negative coefficients from medians of both paths, leaks no tensor, and is cached per backend", async () => {
    await useBackend(backend);
    clearDeviceCostCache();
    for (const workload of ["forward", "train"] as const) {
      const before = tf.memory().numTensors;
      const model = measureDeviceCosts({ ...TINY, workload });
      expect(tf.memory().numTensors).toBe(before);
      expect(model.backend).toBe(backend);
      expect(model.workload).toBe(workload);
      expect(model.samples).toHaveLength(6);
      expect(model.samples.map((s) => s.paths)).toEqual([6, 48, 24, 192, 24, 192]);
      for (const s of model.samples) {
        expect(s.sparseSeconds).toBeGreaterThan(0);
        expect(s.denseSeconds).toBeGreaterThan(0);
        expect(s.timedCalls).toEqual({ sparse: TINY.repeats, dense: TINY.repeats });
      }
      for (const c of [model.sparse, model.dense]) for (const v of Object.values(c)) expect(Number.isFinite(v) && v >= 0).toBe(true);
      const q = { batch: 8, inFeatures: 16, outFeatures: 16, paths: 20 };
      expect(model.sparseSeconds(q)).toBeGreaterThan(0);
      expect(model.denseSeconds(q)).toBeGreaterThan(0);
    }
    // A point over its time budget keeps 3 timed calls (the budget here is below any call's duration).
    const capped = measureDeviceCosts({ ...TINY, repeats: 5, maxPointSeconds: 1e-12 });
    for (const s of capped.samples) expect(s.timedCalls).toEqual({ sparse: 3, dense: 3 });
    const first = deviceCostModel(TINY);
    expect(deviceCostModel(TINY)).toBe(first);
    expect(deviceCostModel({ ...TINY, workload: "forward" })).not.toBe(first);
    const other = backend === "cpu" ? "wasm" : "cpu";
    await useBackend(other);
    const onOther = deviceCostModel(TINY);
    expect(onOther).not.toBe(first);
    expect(onOther.backend).toBe(other);
    await useBackend(backend);
    expect(deviceCostModel(TINY)).toBe(first);
    expect(() => measureDeviceCosts({ repeats: 0 })).toThrow(/measureDeviceCosts: option repeats = 0: /);
  });
});
