// Evolution strategies (OpenAI ES: antithetic sampling, centred ranks) and the paired permutation test.
// Source: 001_4e7658869d462183.txt L157–159 (ES); issue 9 item 9 (p < 0.05); ADR 0606.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EvolutionStrategy, centredRanks, pairedPermutationTest } from "../src/index.js";

describe("centredRanks", () => {
  it("maps to [-0.5, 0.5], sums to 0 and preserves order", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }), (values) => {
        const ranks = centredRanks(values);
        expect(Math.min(...ranks)).toBeGreaterThanOrEqual(-0.5);
        expect(Math.max(...ranks)).toBeLessThanOrEqual(0.5);
        expect(ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) if ((values[i] ?? 0) < (values[j] ?? 0)) expect(ranks[i]).toBeLessThan(ranks[j] ?? 0);
        }
      }),
    );
  });

  it("rejects empty input and NaN", () => {
    expect(() => centredRanks([])).toThrow(/empty/);
    expect(() => centredRanks([1, Number.NaN])).toThrow(/NaN/);
  });
});

describe("EvolutionStrategy", () => {
  const quadratic = (thetas: readonly Float64Array[]): number[] => thetas.map((t) => -(((t[0] ?? 0) - 3) ** 2) - ((t[1] ?? 0) + 1) ** 2);

  it("maximises a quadratic", () => {
    const es = new EvolutionStrategy(new Float64Array(2), createRng(1), { pairs: 8, noiseStd: 0.1, learningRate: 0.1 });
    for (let g = 0; g < 300; g++) es.step(quadratic);
    expect(es.theta[0]).toBeCloseTo(3, 0);
    expect(es.theta[1]).toBeCloseTo(-1, 0);
    expect(es.generationCount).toBe(300);
  });

  it("evaluates antithetic pairs θ ± σε and is deterministic per seed", () => {
    const seen: Float64Array[][] = [];
    const es = new EvolutionStrategy([1, 2], createRng(4), { pairs: 3, noiseStd: 0.5, learningRate: 0.1 });
    es.step((thetas) => {
      seen.push([...thetas]);
      return quadratic(thetas);
    });
    const generation = seen[0] ?? [];
    expect(generation).toHaveLength(6);
    for (let p = 0; p < 3; p++) {
      for (let k = 0; k < 2; k++) expect(((generation[2 * p]?.[k] ?? 0) + (generation[2 * p + 1]?.[k] ?? 0)) / 2).toBeCloseTo(k + 1, 12);
    }
    const again = new EvolutionStrategy([1, 2], createRng(4), { pairs: 3, noiseStd: 0.5, learningRate: 0.1 });
    again.step(quadratic);
    expect(Array.from(again.theta)).toEqual(Array.from(es.theta));
  });

  it("makes no update when every candidate has the same fitness (ties share their rank)", () => {
    expect(centredRanks([2, 2, 2, 2])).toEqual([0, 0, 0, 0]);
    expect(centredRanks([1, 3, 3, 5])).toEqual([-0.5, 0, 0, 0.5]);
    const es = new EvolutionStrategy([0.5, -1], createRng(2), { pairs: 4, noiseStd: 0.2, learningRate: 1 });
    es.step((thetas) => thetas.map(() => 1));
    expect(Array.from(es.theta)).toEqual([0.5, -1]);
  });

  it("takes steps of nearly constant length (centred ranks): a large step random-walks off an optimum, a small one stays (ADR 0609)", () => {
    // Start next to the optimum of a 12-parameter quadratic (the linear functor's size; exactly at it,
    // antithetic pairs tie): the gradient is tiny, yet the step length is set by α/σ, not by the gradient.
    const bowl = (thetas: readonly Float64Array[]): number[] => thetas.map((t) => -t.reduce((s, v) => s + v * v, 0));
    const drift = (noiseStd: number, learningRate: number): { meanStep: number; finalLoss: number } => {
      const es = new EvolutionStrategy(new Float64Array(12).fill(0.01), createRng(21), { pairs: 8, noiseStd, learningRate });
      let steps = 0;
      for (let g = 0; g < 20; g++) steps += es.step(bowl).stepNorm;
      return { meanStep: steps / 20, finalLoss: -(bowl([es.theta])[0] ?? Number.NaN) };
    };
    const large = drift(0.1, 0.1);
    const small = drift(0.05, 0.005);
    // Longer than the perturbation σ = 0.1 itself: it overshoots what the samples probe.
    expect(large.meanStep).toBeGreaterThan(0.2);
    expect(small.meanStep).toBeLessThan(0.05);
    expect(small.finalLoss).toBeLessThan(large.finalLoss / 10);
  });

  it("scales one generation's step by stepScale (schedules): 0 keeps θ, ½ halves the update", () => {
    const update = (scale: number): number[] => {
      const es = new EvolutionStrategy([1, 2], createRng(6), { pairs: 3, noiseStd: 0.2, learningRate: 0.1 });
      es.step(quadratic, scale);
      return Array.from(es.theta, (v, k) => v - (k + 1));
    };
    const full = update(1);
    expect(Math.hypot(...full)).toBeGreaterThan(0);
    expect(update(0)).toEqual([0, 0]);
    update(0.5).forEach((v, k) => expect(v).toBeCloseTo((full[k] ?? Number.NaN) / 2, 12));
    const es = new EvolutionStrategy([0], createRng(1), { pairs: 1, noiseStd: 0.1, learningRate: 0.1 });
    expect(() => es.step(quadratic, -1)).toThrow(/stepScale must be finite and >= 0, got -1/);
  });

  it("rejects bad options and bad fitness", () => {
    expect(() => new EvolutionStrategy([0], createRng(1), { pairs: 0, noiseStd: 0.1, learningRate: 0.1 })).toThrow(/pairs/);
    expect(() => new EvolutionStrategy([0], createRng(1), { pairs: 1, noiseStd: 0, learningRate: 0.1 })).toThrow(/noiseStd/);
    const es = new EvolutionStrategy([0], createRng(1), { pairs: 2, noiseStd: 0.1, learningRate: 0.1 });
    expect(() => es.step(() => [1])).toThrow(/returned 1 values/);
    expect(() => es.step(() => [1, 2, Number.NaN, 3])).toThrow(/non-finite/);
  });
});

describe("pairedPermutationTest", () => {
  it("finds a clear paired effect and gives p in (0, 1]", () => {
    const rng = createRng(9);
    const b = Array.from({ length: 64 }, () => rng.normal());
    const a = b.map((v) => v + 0.5 + 0.1 * rng.normal());
    const result = pairedPermutationTest(a, b, createRng(1), 2000);
    expect(result.pGreater).toBeLessThan(0.01);
    expect(result.pGreater).toBeGreaterThan(0);
    expect(result.meanDifference).toBeCloseTo(0.5, 1);
    const reverse = pairedPermutationTest(b, a, createRng(1), 2000);
    expect(reverse.pGreater).toBeGreaterThan(0.95);
  });

  it("matches the exact sign-flip distribution on a small case", () => {
    // Three positive differences: P(mean* >= mean) = 1/8 under random sign flips.
    const result = pairedPermutationTest([1, 2, 3], [0, 0, 0], createRng(2), 20_000);
    expect(result.pGreater).toBeCloseTo(1 / 8, 2);
    expect(result.pTwoSided).toBeCloseTo(2 / 8, 2);
  });

  it("is calibrated under the null: p < 0.05 in about 5% of null data sets", () => {
    const rng = createRng(11);
    let rejections = 0;
    const sets = 200;
    for (let s = 0; s < sets; s++) {
      const a = Array.from({ length: 20 }, () => rng.normal());
      const b = Array.from({ length: 20 }, () => rng.normal());
      if (pairedPermutationTest(a, b, rng, 400).pGreater < 0.05) rejections += 1;
    }
    expect(rejections / sets).toBeGreaterThan(0.01);
    expect(rejections / sets).toBeLessThan(0.1);
  });

  it("rejects unpaired or non-finite data", () => {
    expect(() => pairedPermutationTest([1, 2], [1], createRng(1))).toThrow(/paired/);
    expect(() => pairedPermutationTest([], [], createRng(1))).toThrow(/no pairs/);
    expect(() => pairedPermutationTest([Number.NaN], [1], createRng(1))).toThrow(/not finite/);
  });
});
