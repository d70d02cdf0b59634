// The commitment price λ: the seed's §7 update and its implicit 1/6 target (000 L253–275, C-11), the
// inert surprise term (D-7), the signed and dual variants, clipping, the bind-target flag, bad input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CommitmentPrice, RuleBaselines, normalisedHardness, type PriceObservation } from "../src/index.js";

function batch(fail: number[], options: Partial<PriceObservation> = {}): PriceObservation {
  return {
    fail,
    residual: options.residual ?? fail.map(() => 0.05),
    sigmaMean: options.sigmaMean ?? fail.map(() => 0.1),
    rule: options.rule ?? fail.map(() => 0),
    failDeviation: options.failDeviation ?? fail.map(() => 0),
    deviation: options.deviation ?? fail.map(() => 0.05),
  };
}

describe("CommitmentPrice faithful (seed §7)", () => {
  it("moves λ by η·(fail·1.2 − 0.2·(1 − fail)) per step: the surprise term never acts (hardness ≥ 0)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), (fail, residual) => {
        const price = new CommitmentPrice({ variant: "faithful", etaLambda: 0.01, lambdaInit: 5 });
        const update = price.update(batch([fail], { residual: [residual] }));
        expect(update.surprise).toBe(0);
        expect(update.hardness).toBeCloseTo(normalisedHardness(residual, 0.1), 9);
        expect(update.delta).toBeCloseTo(0.01 * (fail - 0.2 * (1 - fail)), 12);
      }),
    );
  });

  it("has its fixed point at mean fail = 1/6 (the implicit target of C-11)", () => {
    const price = new CommitmentPrice({ variant: "faithful", lambdaInit: 2 });
    expect(price.update(batch([1 / 6, 1 / 6])).delta).toBeCloseTo(0, 12);
    expect(price.update(batch([0.2])).delta).toBeGreaterThan(0);
    expect(price.update(batch([0.1])).delta).toBeLessThan(0);
  });

  it("uses the continuous fail amount, not a boolean (000 L41–47)", () => {
    const a = new CommitmentPrice({ variant: "faithful" }).update(batch([0.49])).delta;
    const b = new CommitmentPrice({ variant: "faithful" }).update(batch([0.55])).delta;
    const c = new CommitmentPrice({ variant: "faithful" }).update(batch([1])).delta;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
  });

  it("keeps λ in [0, λ_max] for any sequence of batches", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }), { maxLength: 60 }), (steps) => {
        const price = new CommitmentPrice({ variant: "faithful", etaLambda: 0.5, lambdaMax: 2, lambdaInit: 1 });
        for (const fails of steps) {
          const { lambda } = price.update(batch(fails));
          expect(lambda).toBeGreaterThanOrEqual(0);
          expect(lambda).toBeLessThanOrEqual(2);
        }
      }),
    );
  });
});

describe("CommitmentPrice signed", () => {
  it("lets the surprise term act: a failure in an episode easier than its rule's baseline raises λ more", () => {
    const warm = (price: CommitmentPrice): void => {
      for (let i = 0; i < 50; i++) price.update(batch([0.1, 0.1], { residual: [0.2, 0.3], rule: [1, 1] }));
    };
    const signed = new CommitmentPrice({ variant: "signed", ruleCount: 2, lambdaInit: 5 });
    const faithful = new CommitmentPrice({ variant: "faithful", ruleCount: 2, lambdaInit: 5 });
    warm(signed);
    warm(faithful);
    const easy = signed.update(batch([0.5], { residual: [0.05], rule: [1] }));
    const same = faithful.update(batch([0.5], { residual: [0.05], rule: [1] }));
    expect(easy.hardness).toBeLessThan(0);
    expect(easy.surprise).toBeGreaterThan(0);
    expect(easy.delta).toBeGreaterThan(same.delta);
    const hard = new CommitmentPrice({ variant: "signed", ruleCount: 2, lambdaInit: 5 });
    warm(hard);
    expect(hard.update(batch([0.5], { residual: [0.5], rule: [1] })).surprise).toBe(0);
  });

  it("keeps baselines per rule", () => {
    const baselines = new RuleBaselines(2, 0.5);
    baselines.observe(0, 1);
    baselines.observe(0, 3);
    baselines.observe(1, 10);
    expect(baselines.mean(0)).toBe(2);
    expect(baselines.std(0)).toBeCloseTo(1, 12);
    expect(baselines.mean(1)).toBe(10);
    expect(baselines.zScore(1, 10)).toBe(0);
    expect(new RuleBaselines(2).zScore(0, 5)).toBe(0);
    expect(() => baselines.observe(2, 1)).toThrow(/RuleBaselines.observe: rule must be an integer in \[0, 2\), got 2/);
  });
});

describe("CommitmentPrice dual", () => {
  it("rises on preventable failures (deviation within k typical deviations) and falls on unpreventable ones", () => {
    const rising = new CommitmentPrice({ variant: "dual", lambdaInit: 1 });
    rising.update(batch([0.2], { deviation: [0.1], failDeviation: [0.2 * 0.05] })); // sets the baseline ā = 0.1
    const up = rising.update(batch([0.2], { deviation: [0.1], failDeviation: [0.2 * 0.05] }));
    expect(up.drive).toBeCloseTo(0.2 - (0.2 * 0.05) / (2 * 0.1), 9);
    expect(up.delta).toBeGreaterThan(0);
    const falling = new CommitmentPrice({ variant: "dual", lambdaInit: 1 });
    falling.update(batch([0.2], { deviation: [0.1], failDeviation: [0.2 * 0.5] }));
    expect(falling.update(batch([0.2], { deviation: [0.1], failDeviation: [0.2 * 0.5] })).delta).toBeLessThan(0);
  });

  it("needs the deviation columns", () => {
    const price = new CommitmentPrice({ variant: "dual" });
    expect(() => price.update({ fail: [0.1], residual: [0.1], sigmaMean: [0.1], rule: [0] })).toThrow(/dual variant needs failDeviation and deviation/);
  });
});

describe("CommitmentPrice options and input", () => {
  it("with an explicit bind target, ascends on mean fail − (1 − target) (C-9 flag)", () => {
    const price = new CommitmentPrice({ variant: "signed", bindTarget: 0.9, etaLambda: 0.1, lambdaInit: 1 });
    const update = price.update(batch([0.3, 0.1]));
    expect(update.drive).toBeCloseTo(0.2 - 0.1, 12);
    expect(update.lambda).toBeCloseTo(1.01, 12);
  });

  it("rejects bad options and bad observations by name", () => {
    expect(() => new CommitmentPrice({ variant: "boolean" as never })).toThrow(/CommitmentPrice: option variant = "boolean": /);
    expect(() => new CommitmentPrice({ lambdaInit: 30, lambdaMax: 20 })).toThrow(/option lambdaInit/);
    expect(() => new CommitmentPrice({ bindTarget: 1 })).toThrow(/option bindTarget = 1: /);
    const price = new CommitmentPrice({ ruleCount: 2 });
    expect(() => price.update(batch([]))).toThrow(/fail is empty/);
    expect(() => price.update(batch([1.5]))).toThrow(/fail\[0\] must be in \[0, 1\], got 1.5/);
    expect(() => price.update(batch([0.1], { rule: [2] }))).toThrow(/rule\[0\] must be an integer in \[0, 2\), got 2/);
    expect(() => price.update(batch([0.1], { residual: [0.1, 0.2] }))).toThrow(/residual has 2 entries, fail has 1/);
    expect(() => price.update(batch([0.1], { residual: [Number.NaN] }))).toThrow(/residual\[0\]/);
  });
});
