// Ranking and selection (seed 002 L1644-1654, L1173-1177, L1306-1310; SEED-INVENTORY §3.5, §3.8, §3.16,
// C-6, C-19, C-20, D-14): SNR (m = 4 refined formula), Taylor ordering, LOO calibration, answer-directed
// ranking, the evidence decision with its tie-breakers, NMS, help signals, frontier and spectra.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import {
  answerDirectedRanking,
  calibrateTaylor,
  canonicalSpectrum,
  disposeBatch,
  generateFrontier,
  globalSortedSpectrum,
  helpRatio,
  isStalled,
  magnitudeRanking,
  makeRegion,
  nonMaximumSuppression,
  pruneRanking,
  rankByEvidence,
  regionSnr,
  scoreR,
  spearman,
  spectrumQuantiles,
  SparseMaskedStack,
} from "../src/index.js";
import { useBackend } from "./helpers/backends.js";
import { makeTeacher, teacherSource } from "./helpers/teacher.js";

const finite = fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });

describe("SNR shortlist score", () => {
  it("matches the refined m = 4 formula computed by hand", () => {
    const g = [Float32Array.of(1, 2), Float32Array.of(3, 2), Float32Array.of(1, 0), Float32Array.of(3, 4)];
    // ḡ = (2, 2); deviations (-1,0),(1,0),(-1,-2),(1,2): Σ‖·‖² = 1+1+5+5 = 12; s² = 12/3 = 4.
    const r = regionSnr(g, 0);
    expect(r.meanNorm).toBeCloseTo(Math.SQRT2 * 2, 6);
    expect(r.variance).toBeCloseTo(4, 6);
    expect(r.snr).toBeCloseTo((2 * Math.SQRT2) / 2, 6);
    expect(() => regionSnr([Float32Array.of(1)])).toThrow(/at least 2 batches/);
  });

  it("is invariant to a common positive scale of the gradients", () => {
    fc.assert(
      fc.property(fc.array(fc.array(finite, { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }), fc.float({ min: Math.fround(0.1), max: 10, noNaN: true }), (rows, scale) => {
        const a = regionSnr(rows.map((r) => Float32Array.from(r)), 0);
        const b = regionSnr(rows.map((r) => Float32Array.from(r, (v) => v * scale)), 0);
        if (Number.isFinite(a.snr) && a.variance > 1e-6) expect(b.snr).toBeCloseTo(a.snr, 2);
      }),
    );
  });
});

describe("Taylor prune ranking", () => {
  it("is ascending in 0.5·v·w² and excludes |w| <= ε (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, fc.float({ min: 0, max: 5, noNaN: true })), { maxLength: 30 }), fc.float({ min: 0, max: 1, noNaN: true }), (pairs, eps) => {
        const w = Float32Array.from(pairs, (p) => p[0]);
        const v = Float32Array.from(pairs, (p) => p[1]);
        const keys = Int32Array.from(pairs, (_, i) => i);
        const ranking = pruneRanking(w, v, keys, eps);
        expect(ranking.length).toBe(Array.from(w).filter((x) => Math.abs(x) > eps).length);
        for (let i = 1; i < ranking.length; i += 1) expect(ranking[i]!.score).toBeGreaterThanOrEqual(ranking[i - 1]!.score);
        for (const e of ranking) {
          expect(Math.abs(w[e.index]!)).toBeGreaterThan(eps);
          expect(e.score).toBeCloseTo(0.5 * v[e.index]! * w[e.index]! ** 2, 4);
        }
      }),
    );
  });

  it("magnitudeRanking: the same cells and Taylor scores, ascending in |w| (property; ADR 0306)", () => {
    // Where the orders differ: a small weight with a large second moment vs a large weight with a tiny one.
    const example = magnitudeRanking(Float32Array.of(0.1, 0.5, -0.3), Float32Array.of(100, 0.01, 1), Int32Array.of(0, 1, 2), 1e-4);
    expect(example.map((e) => e.key)).toEqual([0, 2, 1]);
    expect(pruneRanking(Float32Array.of(0.1, 0.5, -0.3), Float32Array.of(100, 0.01, 1), Int32Array.of(0, 1, 2), 1e-4).map((e) => e.key)).toEqual([1, 2, 0]);
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, fc.float({ min: 0, max: 5, noNaN: true })), { maxLength: 30 }), fc.float({ min: 0, max: 1, noNaN: true }), (pairs, eps) => {
        const w = Float32Array.from(pairs, (p) => p[0]);
        const v = Float32Array.from(pairs, (p) => p[1]);
        const keys = Int32Array.from(pairs, (_, i) => i);
        const byMagnitude = magnitudeRanking(w, v, keys, eps);
        const byTaylor = pruneRanking(w, v, keys, eps);
        expect([...byMagnitude].sort((a, b) => a.key - b.key)).toEqual([...byTaylor].sort((a, b) => a.key - b.key));
        for (let i = 1; i < byMagnitude.length; i += 1) expect(Math.abs(w[byMagnitude[i]!.index]!)).toBeGreaterThanOrEqual(Math.abs(w[byMagnitude[i - 1]!.index]!));
      }),
    );
  });
});

describe("evidence decision (C-6, D-14)", () => {
  const ev = (meanGain: number, winRate: number, stdGain: number): { meanGain: number; winRate: number; stdGain: number; size: number; activeCount: number } => ({ meanGain, winRate, stdGain, size: 1, activeCount: 1 });
  it("ranks by mean ΔLoss, ties by win-rate then lower variance", () => {
    const ranked = rankByEvidence([ev(0.1, 0.5, 0.01), ev(0.2, 0.25, 0.5), ev(0.1, 1, 0.2), ev(0.1, 1, 0.05)]);
    expect(ranked.map((r) => [r.meanGain, r.winRate, r.stdGain])).toEqual([
      [0.2, 0.25, 0.5],
      [0.1, 1, 0.05],
      [0.1, 1, 0.2],
      [0.1, 0.5, 0.01],
    ]);
    expect(scoreR(ev(1, 1, 0.5), { beta: 2, lambdaStruct: 0.1, lambdaActive: 0.2 })).toBeCloseTo(1 - 1 - 0.1 - 0.2);
  });

  it("is a total order: the first ranked has the largest mean (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, fc.float({ min: 0, max: 1, noNaN: true }), fc.float({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 20 }), (rows) => {
        const ranked = rankByEvidence(rows.map(([m, w, s]) => ev(m, w, s)));
        expect(ranked[0]!.meanGain).toBe(Math.max(...rows.map((r) => r[0])));
      }),
    );
  });
});

describe("non-maximum suppression", () => {
  it("keeps no two overlapping candidates and keeps the best first (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.float({ min: 0, max: 10, noNaN: true })), { maxLength: 20 }), (rows) => {
        const candidates = rows.map(([r, c, score]) => ({ region: makeRegion("o", "row", [[r, c], [r, (c + 1) % 6]], 6), score }));
        const kept = nonMaximumSuppression(candidates, { limit: 10 });
        for (let i = 0; i < kept.length; i += 1) for (let j = i + 1; j < kept.length; j += 1) expect(Array.from(kept[i]!.region.keys).some((k) => kept[j]!.region.keys.includes(k))).toBe(false);
        if (candidates.length > 0) expect(kept[0]!.score).toBe(Math.max(...candidates.map((c) => c.score)));
      }),
    );
  });
});

describe("frontier", () => {
  it("generates only Cold cells, seeded at the largest |ḡ|, with every requested kind", () => {
    const g = new Float32Array(24); // a [4, 6] space: key = row * 6 + col
    g[7] = 3; // (1, 1): the seed
    g[9] = 2; // (1, 3): Hot
    g[11] = 1.8; // (1, 5)
    g[13] = 2.5; // (2, 1)
    g[2] = 1; // (0, 2): below half the seed's |ḡ|
    const hot = Int32Array.of(9);
    const regions = generateFrontier("o", { shape: [4, 6], perBatch: [g, g] }, hot, createRng(1), { gradientSeeds: 1, randomSeeds: 0 });
    expect(regions.map((r) => [r.kind, Array.from(r.keys)])).toEqual([
      ["cell", [7]],
      ["row", [7, 11]],
      ["column", [7, 13]],
      ["block", [7, 13]],
    ]);
  });

  it("never proposes a Hot cell (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 20 }), (seed, nHot) => {
        const rng = createRng(seed);
        const g = Float32Array.from({ length: 30 }, () => rng.normal());
        const hot = Int32Array.from(rng.choice(30, nHot)).sort();
        for (const r of generateFrontier("o", { shape: [5, 6], perBatch: [g, g] }, hot, rng)) for (const k of r.keys) expect(hot.includes(k)).toBe(false);
      }),
    );
  });
});

describe("help signals", () => {
  it("help_ratio and stall follow their definitions", () => {
    expect(helpRatio(Float32Array.of(3, 4), Float32Array.of(0.5), 0)).toBeCloseTo(Math.sqrt(12.5) / 0.5);
    expect(isStalled([1, 0.999, 0.998, 0.998])).toBe(true);
    expect(isStalled([1, 0.8, 0.6, 0.5])).toBe(false);
    expect(isStalled([1, 1])).toBe(false);
  });
});

describe("canonical sorted spectra (C-19)", () => {
  it("sorts within neurons by signed value and neurons by L2 norm (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (neurons, fanIn, seed) => {
        const rng = createRng(seed);
        const w = Float32Array.from({ length: neurons * fanIn }, () => rng.normal());
        const s = canonicalSpectrum(w, neurons, fanIn);
        for (const row of s.rows) for (let i = 1; i < row.length; i += 1) expect(row[i]!).toBeLessThanOrEqual(row[i - 1]!);
        for (let i = 1; i < s.neuronOrder.length; i += 1) expect(s.norms[s.neuronOrder[i]!]!).toBeLessThanOrEqual(s.norms[s.neuronOrder[i - 1]!]!);
        expect(Array.from(globalSortedSpectrum(w))).toEqual(Array.from(w).sort((a, b) => b - a));
      }),
    );
    expect(spectrumQuantiles(Float32Array.of(0, 1, 2, 3, 4), [0, 0.5, 1])).toEqual([0, 2, 4]);
  });
});

describe("LOO calibration and answer-directed ranking", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("Taylor scores rank like LOO ΔLoss on a trained layer (positive Spearman), and answer-directed ranking follows u", () => {
    const teacher = makeTeacher(2, 10, 4, 16);
    const rng = createRng(2);
    const source = teacherSource(teacher, rng.fork("d"), 64);
    const keys = teacher.keys;
    const net = new SparseMaskedStack({ layers: [{ inFeatures: 10, outFeatures: 4, base: { kind: "zero" }, initial: { keys, values: new Float32Array(keys.length) } }], learningRate: 0.05 });
    for (let i = 0; i < 200; i += 1) {
      const b = source.train();
      net.trainStep(b).dispose();
      disposeBatch(b);
    }
    const batches = [source.train(), source.train(), source.train(), source.train()];
    const before = tf.memory().numTensors;
    const cal = calibrateTaylor(net, "layer0", batches, 12);
    expect(tf.memory().numTensors).toBe(before);
    expect(cal.keys.length).toBe(12);
    expect(cal.spearman).toBeGreaterThan(0.6);
    const u = Float32Array.of(1, 0, 0, 0);
    const ranking = answerDirectedRanking(net, "layer0", batches[0]!, u);
    const col = (key: number): number => key % 4;
    // Cells feeding outputs other than 0 do not move the answer uᵀy: they rank first with score 0.
    const zeros = ranking.filter((e) => e.score === 0);
    expect(zeros.length).toBe(Array.from(keys).filter((k) => col(k) !== 0).length);
    for (const e of ranking.slice(zeros.length)) expect(col(e.key)).toBe(0);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    batches.forEach(disposeBatch);
    source.dispose();
    net.dispose();
  });
});
