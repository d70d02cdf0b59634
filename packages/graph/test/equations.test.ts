// Equation discovery (issue 8 items 7-8; SINDy, Brunton et al. 2016; PySINDy's STLSQ; ADR 0406, 0407):
// library order and names, least squares, finite differences, STLSQ on exact sparse models, Lorenz at
// 0.1 % noise within 1 % with the right pattern, and the heat/advection PDE. Host float64 only.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareEquations,
  dampedOscillator,
  discoverEquations,
  discoverPde,
  heatGrid,
  integrateRk4,
  lorenzSystem,
  lotkaVolterra,
  monomials,
  polynomialLibrary,
  ridgeLeastSquares,
  sampleSystem,
  stlsq,
  timeDerivative,
  trajectory,
} from "../src/index.js";

describe("candidate libraries", () => {
  it("lists monomials in PySINDy's order with readable names", () => {
    const lib = polynomialLibrary(trajectory(Float64Array.of(1, 2, 3), 3, 1), ["x", "y", "z"], 2);
    expect(lib.names).toEqual(["1", "x", "y", "z", "x^2", "x y", "x z", "y^2", "y z", "z^2"]);
    expect(Array.from(lib.matrix)).toEqual([1, 1, 2, 3, 1, 2, 3, 4, 6, 9]);
    expect(monomials(3, 3)).toHaveLength(20);
  });
});

describe("least squares and STLSQ", () => {
  it("ridge QR solves consistent systems exactly and matches the normal equations with ridge", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const rng = createRng(seed);
        const rows = 30;
        const cols = 4;
        const a = Float64Array.from({ length: rows * cols }, () => rng.normal());
        const xi = Float64Array.from({ length: cols }, () => rng.normal());
        const b = new Float64Array(rows);
        for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) b[r] = (b[r] as number) + (a[r * cols + c] as number) * (xi[c] as number);
        const got = ridgeLeastSquares(a, rows, cols, b, 1, 0);
        got.forEach((v, i) => expect(v).toBeCloseTo(xi[i] as number, 9));
        // With ridge α: (AᵀA + αI) ξ = Aᵀb.
        const alpha = 0.7;
        const r = ridgeLeastSquares(a, rows, cols, b, 1, alpha);
        for (let i = 0; i < cols; i += 1) {
          let lhs = alpha * (r[i] as number);
          let rhs = 0;
          for (let k = 0; k < rows; k += 1) {
            let ar = 0;
            for (let j = 0; j < cols; j += 1) ar += (a[k * cols + j] as number) * (r[j] as number);
            lhs += (a[k * cols + i] as number) * ar;
            rhs += (a[k * cols + i] as number) * (b[k] as number);
          }
          expect(lhs).toBeCloseTo(rhs, 8);
        }
      }),
      { numRuns: 20 },
    );
  });

  it("STLSQ recovers an exact sparse model and drops every other term", () => {
    const rng = createRng(3);
    const rows = 200;
    const terms = 6;
    const theta = Float64Array.from({ length: rows * terms }, () => rng.normal());
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) y[r] = 2 * (theta[r * terms + 1] as number) - 0.5 * (theta[r * terms + 4] as number);
    const { coefficients } = stlsq(theta, rows, terms, y, 1, { threshold: 0.1 });
    expect(Array.from(coefficients).map((c) => Number(c.toFixed(9)))).toEqual([0, 2, 0, 0, -0.5, 0]);
    expect(() => stlsq(theta, rows, terms, y, 1, { threshold: -1 })).toThrow(/threshold/);
  });

  it("second-order finite differences are exact on quadratics, inside and at both ends", () => {
    const t = trajectory(Float64Array.from({ length: 10 }, (_, i) => 3 + 2 * (0.1 * i) + 5 * (0.1 * i) ** 2), 1, 0.1);
    timeDerivative(t).forEach((d, i) => expect(d).toBeCloseTo(2 + 10 * 0.1 * i, 9));
  });
});

describe("data sets", () => {
  it("RK4 matches exact solutions (exponential decay; the undamped oscillator's energy)", () => {
    const rows = integrateRk4((x, _t, out) => {
      out[0] = -(x[0] as number);
    }, Float64Array.of(1), 0.01, 101);
    expect(rows[100]).toBeCloseTo(Math.exp(-1), 10);
    const osc = sampleSystem(dampedOscillator(2, 0), { x0: [1, 0], steps: 500, dt: 0.05 }, createRng(1));
    const energy = (r: number): number => 4 * (osc.values[2 * r] as number) ** 2 + (osc.values[2 * r + 1] as number) ** 2;
    expect(energy(499)).toBeCloseTo(energy(0), 6);
  });

  it("noise is seeded and scaled by each column's RMS", () => {
    const clean = sampleSystem(lotkaVolterra(), { x0: [1, 1], steps: 400, dt: 0.05 }, createRng(1));
    const a = sampleSystem(lotkaVolterra(), { x0: [1, 1], steps: 400, dt: 0.05, noise: 0.01 }, createRng(7));
    const b = sampleSystem(lotkaVolterra(), { x0: [1, 1], steps: 400, dt: 0.05, noise: 0.01 }, createRng(7));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    let rms = 0;
    let dev = 0;
    for (let r = 0; r < 400; r += 1) {
      rms += (clean.values[2 * r] as number) ** 2;
      dev += ((a.values[2 * r] as number) - (clean.values[2 * r] as number)) ** 2;
    }
    expect(Math.sqrt(dev / 400) / (0.01 * Math.sqrt(rms / 400))).toBeGreaterThan(0.85);
    expect(Math.sqrt(dev / 400) / (0.01 * Math.sqrt(rms / 400))).toBeLessThan(1.15);
  });
});

describe("discovery", () => {
  it("Lorenz at 0.1 % noise: every coefficient within 1 % and exactly the true pattern (issue 8 item 9)", () => {
    for (const seed of [1, 2]) {
      const system = lorenzSystem();
      const data = sampleSystem(system, { x0: [-8, 8, 27], steps: 5000, dt: 0.002, noise: 0.001 }, createRng(seed));
      const found = discoverEquations(data, system.variables, { degree: 3 });
      const cmp = compareEquations(found.equations, system.equations);
      expect(cmp.patternCorrect).toBe(true);
      expect(cmp.maxRelativeError).toBeLessThan(0.01);
      expect(found.text[0]).toMatch(/^x' = -9\.9\d\d x \+ 9\.9\d\d y$|^x' = -10\.0\d\d x \+ 10\.0\d\d y$/);
    }
  });

  it("recovers the damped oscillator and Lotka-Volterra from clean data", () => {
    for (const system of [dampedOscillator(), lotkaVolterra()]) {
      const data = sampleSystem(system, { x0: [1.2, 0.8], steps: 2000, dt: 0.01 }, createRng(1));
      const cmp = compareEquations(discoverEquations(data, system.variables, { degree: 2, threshold: 0.05 }).equations, system.equations);
      expect(cmp.patternCorrect).toBe(true);
      expect(cmp.maxRelativeError).toBeLessThan(0.01);
    }
  });

  it("finds the heat/advection PDE u_t = α u_xx − c u_x from spatial differences", () => {
    const grid = heatGrid({ cells: 64, diffusivity: 0.1, velocity: 0.5, modes: 3 }, createRng(2));
    const found = discoverPde(grid.trajectory, grid.dx, { degree: 2, threshold: 0.02 });
    const cmp = compareEquations(found.equations, [grid.equation]);
    expect(cmp.patternCorrect).toBe(true);
    expect(cmp.maxRelativeError).toBeLessThan(0.02);
  });

  it("compareEquations counts spurious and missing terms", () => {
    const cmp = compareEquations([{ x: -9, z: 0.3 }], [{ x: -10, y: 10 }]);
    expect(cmp.falsePositives).toEqual(["0:z"]);
    expect(cmp.falseNegatives).toEqual(["0:y"]);
    expect(cmp.maxRelativeError).toBe(1);
    expect(() => compareEquations([], [{ x: 1 }])).toThrow(/targets/);
  });
});
