import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { informationBits } from "../src/agent/information-bits.ts";

const K = 2;
const cell = fc.record({
  mu: fc.double({ min: -5, max: 5, noNaN: true }),
  sigma: fc.double({ min: 1e-3, max: 4, noNaN: true }),
  outcome: fc.double({ min: -20, max: 20, noNaN: true }),
});

describe("informationBits", () => {
  it("claims log2(1/σ) per cell, and realises all of it inside the tube", () => {
    const r = informationBits([0, 0], [0.25, 0.5], [0.1, -0.2], 1, K);
    expect(r.claimedBits).toBeCloseTo(2 + 1, 12);
    expect(r.realisedBits).toBeCloseTo(3, 12);
    expect(r.held).toBe(true);
  });

  it("charges log2(|τ − μ| / kσ) for a cell outside", () => {
    const r = informationBits([0], [0.25], [2], 1, K); // |τ−μ|/k = 1 → realised log2(1) = 0
    expect(r.claimedBits).toBeCloseTo(2, 12);
    expect(r.realisedBits).toBeCloseTo(0, 12);
    expect(r.held).toBe(false);
    const near = informationBits([0], [0.25], [0.75], 1, K); // |τ−μ|/k = 0.375: overclaim log2(1.5)
    expect(near.claimedBits - near.realisedBits).toBeCloseTo(Math.log2(1.5), 12);
  });

  it("averages over the horizon", () => {
    const r = informationBits([0, 0, 0, 0], [0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0], 2, K);
    expect(r.claimedBits).toBeCloseTo(2, 12); // 4 cells × 1 bit / 2 ticks
  });

  it("0 ≤ realised ≤ claimed; equal exactly when every cell is inside", () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 16 }), (cells) => {
        const r = informationBits(cells.map((c) => c.mu), cells.map((c) => c.sigma), cells.map((c) => c.outcome), 1, K);
        expect(r.realisedBits).toBeGreaterThanOrEqual(0);
        expect(r.realisedBits).toBeLessThanOrEqual(r.claimedBits + 1e-12);
        const inside = cells.every((c) => Math.abs(c.outcome - c.mu) / K < c.sigma);
        expect(r.held).toBe(inside);
        if (inside) expect(r.realisedBits).toBeCloseTo(r.claimedBits, 9);
      }),
    );
  });

  it("widening the tube never raises the overclaim", () => {
    fc.assert(
      fc.property(cell, fc.double({ min: 1, max: 10, noNaN: true }), (c, widen) => {
        const narrow = informationBits([c.mu], [c.sigma], [c.outcome], 1, K);
        const wide = informationBits([c.mu], [c.sigma * widen], [c.outcome], 1, K);
        expect(wide.claimedBits - wide.realisedBits).toBeLessThanOrEqual(narrow.claimedBits - narrow.realisedBits + 1e-12);
      }),
    );
  });

  it("rejects bad input naming the argument", () => {
    expect(() => informationBits([0], [0, 1], [0], 1, K)).toThrow(/mu \(1\), sigma \(2\) and outcome \(1\)/);
    expect(() => informationBits([0], [0], [0], 1, K)).toThrow(/sigma\[0\] must be finite and > 0, got 0/);
    expect(() => informationBits([0, 0, 0], [1, 1, 1], [0, 0, 0], 2, K)).toThrow(/horizonTicks must be an integer >= 1 dividing 3, got 2/);
    expect(() => informationBits([0], [1], [0], 1, 0)).toThrow(/k must be finite and > 0, got 0/);
  });
});
