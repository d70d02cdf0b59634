// Intent functors: identity initialisation, the closed-form teacher regression, output normalisation on a reference set with a
// learnable affine, parameters round-trip, norm and Jacobian penalties (the MLP's analytic Jacobian against finite differences).
// Source: 001_4e7658869d462183.txt L151–153, L163–177; ADRs 0601, 0606, 0612.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LinearIntentFunctor, MlpIntentFunctor } from "../src/index.js";

/** W, b of a linear functor followed by the identity affine (γ = 1, β = 0), d = 3. */
function withIdentityAffine(wb: readonly number[]): number[] {
  return [...wb, 1, 1, 1, 0, 0, 0];
}

function points(seed: number, m: number, d: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: m * d }, () => rng.normal(0.5, 2));
}

describe("LinearIntentFunctor", () => {
  it("starts at the identity and standardises its outputs on the reference set", () => {
    const z = points(1, 50, 3);
    const f = LinearIntentFunctor.identity(3);
    expect(Array.from(f.applyRaw(z))).toEqual(Array.from(z, (v) => Math.fround(v)));
    const g = f.withReference(z);
    const out = g.apply(z);
    for (let d = 0; d < 3; d++) {
      let mean = 0;
      let sq = 0;
      for (let i = 0; i < 50; i++) {
        mean += (out[i * 3 + d] ?? 0) / 50;
        sq += (out[i * 3 + d] ?? 0) ** 2 / 50;
      }
      expect(mean).toBeCloseTo(0, 4);
      expect(sq).toBeCloseTo(1, 3);
    }
  });

  it("fits the teacher regression in closed form: recovers any affine map, reflections included", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.integer({ min: 1, max: 500 }), (theta, seed) => {
        const z = points(seed, 40, 3);
        const truth = LinearIntentFunctor.identity(3).withParameters(withIdentityAffine(theta));
        const target = Float32Array.from(truth.applyRaw(z));
        const fitted = LinearIntentFunctor.leastSquares(z, target, 3);
        const mapped = fitted.applyRaw(z);
        for (let i = 0; i < mapped.length; i++) expect(mapped[i]).toBeCloseTo(target[i] ?? 0, 3);
        // The output affine keeps the fit through the normalisation: on its reference set, F = the regression.
        const normalised = fitted.apply(z);
        for (let i = 0; i < normalised.length; i++) expect(normalised[i]).toBeCloseTo(target[i] ?? 0, 2);
        // Re-referencing on the same set changes nothing.
        expect(Array.from(fitted.withReference(z).apply(z))).toEqual(Array.from(normalised));
      }),
      { numRuns: 25 },
    );
    expect(() => LinearIntentFunctor.leastSquares(points(1, 4, 3), new Float32Array(9), 3)).toThrow(/target must have 12 values like source, got 9/);
  });

  it("round-trips parameters, keeps the reference, and penalises the raw norm and the Jacobian", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 18, maxLength: 18 }), (theta) => {
        const z = points(2, 20, 3);
        const f = LinearIntentFunctor.identity(3).withReference(z).withParameters(theta);
        expect(Array.from(f.parameters())).toEqual(theta);
        const raw = f.applyRaw(z);
        let norm = 0;
        for (const v of raw) norm += (v * v) / raw.length;
        expect(f.normPenalty(z)).toBeCloseTo(norm, 6);
        expect(f.jacobianPenalty(z)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 30 },
    );
    const z = points(3, 20, 3);
    // The identity on standardised data has Jacobian diag(1/std): penalty = mean 1/var.
    expect(LinearIntentFunctor.identity(3).jacobianPenalty(z)).toBeCloseTo(1, 6);
    expect(() => LinearIntentFunctor.identity(3).withParameters([1, 2])).toThrow(/parameters/);
    expect(() => LinearIntentFunctor.identity(3).apply([1, 2])).toThrow(/z must be/);
  });
  it("applies its output affine after the standardisation: γ scales and β shifts each standardised output (ADR 0612)", () => {
    const z = points(7, 30, 3);
    const base = LinearIntentFunctor.identity(3).withReference(z);
    const theta = Array.from(base.parameters());
    theta.splice(12, 6, 2, 0.5, -1, 0.3, -0.7, 1.2);
    const shifted = base.withParameters(theta);
    const plain = base.apply(z);
    const out = shifted.apply(z);
    const gain = [2, 0.5, -1];
    const bias = [0.3, -0.7, 1.2];
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo((gain[i % 3] ?? 0) * (plain[i] ?? 0) + (bias[i % 3] ?? 0), 5);
    // The Jacobian penalty includes the gain: central finite differences of the normalised map.
    const x = z.slice(0, 3);
    let fd = 0;
    for (let k = 0; k < 3; k++) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[k] = (plus[k] ?? 0) + 1e-3;
      minus[k] = (minus[k] ?? 0) - 1e-3;
      const up = shifted.apply(plus);
      const down = shifted.apply(minus);
      for (let o = 0; o < 3; o++) fd += (((up[o] ?? 0) - (down[o] ?? 0)) / 2e-3) ** 2;
    }
    expect(shifted.jacobianPenalty(z)).toBeCloseTo(fd / 3, 2);
    expect(shifted.jacobianPenalty(z)).not.toBeCloseTo(base.jacobianPenalty(z), 2);
  });
});

describe("MlpIntentFunctor", () => {
  it("starts at the identity (W2 = 0) and has the Jacobian of central finite differences", () => {
    const z = points(4, 10, 3);
    const f = MlpIntentFunctor.init(3, createRng(5), 6);
    for (let i = 0; i < z.length; i++) expect(f.applyRaw(z)[i]).toBeCloseTo(z[i] ?? Number.NaN, 6);
    const rng = createRng(6);
    const theta = Array.from({ length: f.parameterCount }, () => rng.normal(0, 0.5));
    const g = f.withParameters(theta).withReference(z);
    // Jacobian penalty vs finite differences of the normalised map at one input.
    const x = z.slice(0, 3);
    const h = 1e-5;
    let fd = 0;
    for (let k = 0; k < 3; k++) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[k] = (plus[k] ?? 0) + h;
      minus[k] = (minus[k] ?? 0) - h;
      const a = g.apply(plus);
      const b = g.apply(minus);
      for (let o = 0; o < 3; o++) fd += (((a[o] ?? 0) - (b[o] ?? 0)) / (2 * h)) ** 2;
    }
    expect(g.jacobianPenalty(x)).toBeCloseTo(fd / 3, 1);
    expect(Array.from(g.parameters())).toEqual(theta);
  });
});
