// Conformal layer (ADR 0205): the conformal quantile's rank guarantee, Mondrian groups, ACI's
// long-run bound (Gibbs & Candès 2021, Prop. 4.1), the pinball loss, CQR scores, calibration curves.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AdaptiveConformal,
  QuantileTube,
  RuleWorld,
  calibrationCurve,
  coneSignature,
  conformalQuantile,
  coverageAt,
  episodeScores,
  erf,
  nominalCoverage,
  normalisedDeviations,
  pinballLoss,
  splitConformal,
} from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

describe("split conformal", () => {
  it("q̂ is the ⌈(n+1)(1−α)⌉-th smallest score, so at least that many scores are ≤ q̂", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (scores, alpha) => {
        const q = conformalQuantile(scores, alpha);
        const rank = Math.ceil((scores.length + 1) * (1 - alpha));
        if (rank > scores.length) expect(q).toBe(Number.POSITIVE_INFINITY);
        else {
          expect(scores.filter((s) => s <= q).length).toBeGreaterThanOrEqual(rank);
          expect(scores.filter((s) => s < q).length).toBeLessThan(rank);
        }
      }),
    );
    expect(conformalQuantile([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], 0.1)).toBe(4.5);
    expect(() => conformalQuantile([], 0.1)).toThrow(/scores is empty/);
    expect(() => conformalQuantile([1], 1)).toThrow(/alpha must be in \(0, 1\), got 1/);
  });

  it("covers fresh exchangeable scores at ≥ 1 − α on average (1000 repetitions, n = 49)", () => {
    const rng = createRng(1);
    let covered = 0;
    const repetitions = 1000;
    for (let r = 0; r < repetitions; r++) {
      const scores = Array.from({ length: 49 }, () => Math.abs(rng.normal()));
      covered += Math.abs(rng.normal()) <= conformalQuantile(scores, 0.1) ? 1 : 0;
    }
    // Exact expected coverage ⌈50·0.9⌉/50 = 0.9; 3 binomial standard errors below.
    expect(covered / repetitions).toBeGreaterThan(0.9 - 3 * Math.sqrt(0.09 / repetitions));
  });

  it("calibrates per group (Mondrian) and takes episode scores as the worst step", () => {
    const cal = splitConformal([1, 2, 3, 10, 20, 30], 0.5, { groups: [0, 0, 0, 1, 1, 1], groupCount: 2 });
    expect(cal.groupQuantiles).toEqual([2, 20]);
    expect(Array.from(episodeScores([1, 3, 2, 0.5, 0.2, 0.1], 3))).toEqual([3, 0.5]);
    expect(() => episodeScores([1, 2, 3], 2)).toThrow(/do not split into episodes of 2 steps/);
    expect(() => splitConformal([1, 2], 0.5, { groups: [0, 2], groupCount: 2 })).toThrow(/groups\[1\] must be an integer in \[0, 2\), got 2/);
  });
});

describe("adaptive conformal inference", () => {
  it("keeps long-run miscoverage within (max(α, 1−α) + η)/(η·n) of α for any score sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 50, maxLength: 400 }), fc.constantFrom(0.05, 0.1, 0.2), (stream, alpha) => {
        const step = 0.05;
        const aci = new AdaptiveConformal(alpha, { step, initialScores: [1, 2, 3] });
        for (const score of stream) aci.observe(score);
        const bound = (Math.max(alpha, 1 - alpha) + step) / (step * stream.length);
        expect(Math.abs(aci.miscoverage - alpha)).toBeLessThanOrEqual(bound + 1e-12);
      }),
    );
  });

  it("rejects bad input", () => {
    expect(() => new AdaptiveConformal(0)).toThrow(/AdaptiveConformal: alpha/);
    expect(() => new AdaptiveConformal(0.1, { step: 0 })).toThrow(/step/);
    expect(() => new AdaptiveConformal(0.1).observe(Number.NaN)).toThrow(/score is NaN/);
  });
});

describe("calibration curves", () => {
  it("erf and the nominal coverage of a Gaussian reading", () => {
    expect(erf(0)).toBeCloseTo(0, 8);
    expect(erf(2 / Math.SQRT2)).toBeCloseTo(0.9545, 4);
    expect(erf(-1)).toBeCloseTo(-0.8427, 4);
    expect(nominalCoverage(2, 2)).toBeCloseTo(0.9545 ** 2, 4);
  });

  it("a tube whose σ is the true noise std is calibrated (MAE < 0.01 on 20,000 steps)", () => {
    const rng = createRng(2);
    const deviations = Array.from({ length: 20_000 }, () => Math.max(Math.abs(rng.normal()), Math.abs(rng.normal())));
    const curve = calibrationCurve(deviations, 2);
    expect(curve.meanAbsoluteError).toBeLessThan(0.01);
    expect(coverageAt([0.5, 1.5, 2], 1.5)).toBeCloseTo(1 / 3, 12);
    const tight = calibrationCurve(deviations.map((d) => d * 2), 2);
    expect(tight.points.every((p) => p.observed <= p.nominal + 0.01)).toBe(true);
    expect(tight.meanAbsoluteError).toBeGreaterThan(0.1);
  });
});

describe.each(BACKENDS)("tensor parts on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("the pinball loss is minimised at the τ-quantile", () => {
    const rng = createRng(3);
    const ys = tf.tensor1d(Array.from({ length: 2000 }, () => rng.normal()));
    const losses = [-2, -1.645, -1.2].map((q) => tf.tidy(() => pinballLoss(ys, tf.scalar(q), 0.05).dataSync()[0] ?? Number.NaN));
    expect(losses[1]).toBeLessThan(losses[0] ?? 0);
    expect(losses[1]).toBeLessThan(losses[2] ?? 0);
    ys.dispose();
    expect(() => pinballLoss(tf.scalar(0), tf.scalar(0), 1)).toThrow(/pinballLoss: level/);
  });

  it("cone signature: log cone vol, E[T], bind rate and calibration at k", () => {
    tf.tidy(() => {
      const mu = tf.zeros([2, 3, 2]);
      const sigma = tf.fill([2, 3, 2], 0.5);
      const traj = tf.tensor3d([[[0.1, 0], [2, 0], [0, 0]], [[0, 0], [0, 0], [0, 0]]]);
      const sig = coneSignature({ mu, sigma, stopLogits: tf.fill([2, 3], -100) }, traj);
      expect(sig.logConeVol).toBeCloseTo(Math.log(0.5), 5);
      expect(sig.expectedHorizon).toBeCloseTo(3, 5);
      expect(sig.bindRate).toBeCloseTo(5 / 6, 6);
      expect(sig.calibrationAtK).toBeCloseTo(5 / 6 - nominalCoverage(2, 2), 6);
      expect(Array.from(normalisedDeviations(mu, sigma, traj))[1]).toBeCloseTo(4, 5);
      expect(() => coneSignature({ mu, sigma, stopLogits: tf.zeros([2, 2]) }, traj)).toThrow(/stopLogits must be \[2,3\]/);
    });
  });

  it("the quantile tube learns intervals and gives CQR scores; no tensors leak", () => {
    const world = new RuleWorld({ horizonSteps: 4 });
    const rng = createRng(5);
    const qt = new QuantileTube({ obsDim: world.obsDim, horizonSteps: 4, stateDim: 2, learningRate: 0.01 }, rng.fork("init"));
    const before = tf.memory().numTensors;
    const probe = world.sampleEpisodes(rng.fork("probe"), 64);
    const start = qt.scores(probe).reduce((a, b) => a + b, 0);
    for (let i = 0; i < 150; i++) qt.trainStep(world.sampleEpisodes(rng, 32));
    const scores = qt.scores(probe);
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.length).toBe(64);
    const { lo, hi } = qt.predict(probe);
    expect(lo.every((v, i) => v <= (hi[i] ?? Number.NaN))).toBe(true);
    expect(scores.reduce((a, b) => a + b, 0)).not.toBe(start);
    qt.dispose();
  });
});
