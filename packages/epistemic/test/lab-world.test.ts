// The lab world: seeded determinism, information gain from the data, noise drift and calibration.
// ADR 0104; SEED-INVENTORY.md §11 E7.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BASELINE_REPLICATES,
  DOSE_RESPONSE,
  DOSE_RESPONSE_DEEP,
  TERMINATE,
  createLabWorld,
  createSeededRng,
  entropyBits,
  realisedInformationGainBits,
} from "@tam/epistemic";

describe("createSeededRng", () => {
  it("is deterministic per seed, differs across seeds and labels", () => {
    const draw = (seed: number, label?: string): number[] => {
      const base = createSeededRng(seed);
      const rng = label === undefined ? base : base.fork(label);
      return Array.from({ length: 5 }, () => rng.uniform());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, "a")).not.toEqual(draw(7, "b"));
    expect(draw(7, "a")).toEqual(draw(7, "a"));
  });

  it("has uniform and normal moments close to theory", () => {
    const rng = createSeededRng(123);
    const n = 50_000;
    let sumU = 0;
    let sumN = 0;
    let sumN2 = 0;
    let minU = 1;
    let maxU = 0;
    for (let i = 0; i < n; i += 1) {
      const u = rng.uniform();
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      sumU += u;
      const z = rng.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(minU).toBeGreaterThanOrEqual(0);
    expect(maxU).toBeLessThan(1);
    expect(sumU / n).toBeCloseTo(0.5, 2);
    expect(sumN / n).toBeCloseTo(0, 1);
    expect(sumN2 / n).toBeCloseTo(1, 1);
  });

  it("rejects a non-integer seed and a bad int bound", () => {
    expect(() => createSeededRng(1.5)).toThrow(/seed.*1\.5/);
    expect(() => createSeededRng(1).int(0)).toThrow(/n must be/);
  });
});

describe("information gain", () => {
  it("is the prior entropy minus the posterior entropy, in [0, log2 K]", () => {
    const hypotheses = [-3, -2, -1, 0];
    fc.assert(
      fc.property(
        fc.array(fc.record({ logDose: fc.double({ min: -5, max: 1, noNaN: true }), response: fc.double({ min: -1, max: 2, noNaN: true }) }), {
          maxLength: 30,
        }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        (measurements, noiseSd) => {
          const gain = realisedInformationGainBits(measurements, hypotheses, noiseSd);
          expect(gain).toBeGreaterThanOrEqual(0);
          expect(gain).toBeLessThanOrEqual(2 + 1e-12);
        },
      ),
      { numRuns: 300 },
    );
    expect(realisedInformationGainBits([], hypotheses, 0.1)).toBeCloseTo(0, 12);
    expect(entropyBits([0.5, 0.5])).toBe(1);
  });

  it("falls as noise grows (mean over experiments)", () => {
    const meanGain = (noiseSd: number): number => {
      const world = createLabWorld({ budgetWells: 1e9, noiseSdInitial: noiseSd, noiseSdFloor: noiseSd, noiseSdMax: noiseSd }, 5);
      let total = 0;
      for (let i = 0; i < 200; i += 1) total += world.execute(DOSE_RESPONSE, 20).realisedBits;
      return total / 200;
    };
    const low = meanGain(0.15);
    const mid = meanGain(0.3);
    const high = meanGain(0.6);
    expect(low).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(high);
    expect(low).toBeGreaterThan(2.5);
    expect(high).toBeLessThan(1.6);
  });

  it("varies from experiment to experiment (it comes from the data, not a constant)", () => {
    const world = createLabWorld({ noiseSdInitial: 0.4, noiseSdMax: 0.4, budgetWells: 1e6 }, 3);
    const gains = new Set(Array.from({ length: 20 }, () => world.execute(DOSE_RESPONSE, 20).realisedBits));
    expect(gains.size).toBeGreaterThan(15);
  });

  it("a deeper experiment (more replicates) yields more bits on average", () => {
    const run = (template: typeof DOSE_RESPONSE): number => {
      const world = createLabWorld({ budgetWells: 1e9, noiseSdInitial: 0.4, noiseSdFloor: 0.4, noiseSdMax: 0.4 }, 11);
      let total = 0;
      for (let i = 0; i < 200; i += 1) total += world.execute(template, template.costWells).realisedBits;
      return total;
    };
    expect(run(DOSE_RESPONSE_DEEP)).toBeGreaterThan(run(DOSE_RESPONSE));
  });
});

describe("createLabWorld", () => {
  it("drifts noise up with biology and calibration brings it measurably down", () => {
    const world = createLabWorld({}, 9);
    const start = world.noiseSd;
    for (let i = 0; i < 6; i += 1) world.execute(DOSE_RESPONSE, 20);
    const drifted = world.noiseSd;
    expect(drifted).toBeGreaterThan(start);
    const outcome = world.execute(BASELINE_REPLICATES, 12);
    expect(world.noiseSd).toBeLessThan(drifted);
    expect(world.noiseSd).toBeGreaterThanOrEqual(world.config.noiseSdFloor);
    expect(outcome.noiseImprovement).toBeCloseTo((drifted - world.noiseSd) / drifted, 12);
    expect(outcome.noiseImprovement).toBeGreaterThan(0.1);
    expect(world.budgetRemainingWells).toBe(960 - 6 * 20 - 12);
  });

  it("is identical for the same seed and different for another", () => {
    const trace = (seed: number): number[] => {
      const world = createLabWorld({}, seed);
      const out: number[] = [];
      for (let i = 0; i < 10; i += 1) out.push(world.execute(i % 4 === 3 ? BASELINE_REPLICATES : DOSE_RESPONSE, i % 4 === 3 ? 12 : 20).realisedBits, world.noiseSd);
      return out;
    };
    expect(trace(1)).toEqual(trace(1));
    expect(trace(1)).not.toEqual(trace(2));
  });

  it("charges the given cost, refuses overdrafts and unknown templates, terminates for free", () => {
    const world = createLabWorld({ budgetWells: 30 }, 1);
    expect(() => world.execute(DOSE_RESPONSE, 31)).toThrow(/31 wells but only 30 remain/);
    expect(() => world.execute({ name: "mystery", kind: "biology", costWells: 5 }, 5)).toThrow(/unknown template "mystery"/);
    world.execute(DOSE_RESPONSE, 24.4);
    expect(world.budgetRemainingWells).toBeCloseTo(5.6, 12);
    expect(world.execute(TERMINATE, 0).kind).toBe("termination");
    expect(world.budgetRemainingWells).toBeCloseTo(5.6, 12);
  });

  it("validates its config by field", () => {
    expect(() => createLabWorld({ budgetWells: -5 })).toThrow(/createLabWorld: invalid config field "budgetWells" = -5: /);
    expect(() => createLabWorld({ noiseSdInitial: 0.1, noiseSdFloor: 0.15 })).toThrow(/noiseSdInitial/);
    expect(() => createLabWorld({ templates: [{ name: "d", kind: "biology", costWells: 20 }, { name: "t", kind: "termination", costWells: 0 }] })).toThrow(
      /no calibration/,
    );
    expect(() => createLabWorld({ calibrationEfficiency: 2 })).toThrow(/calibrationEfficiency/);
  });
});
