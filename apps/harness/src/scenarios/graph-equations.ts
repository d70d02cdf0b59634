/**
 * Scenario `graph-equations`: equation discovery from Δ-state logs (@tam/graph; seed 002 L244 "test
 * convergence on known differential equation datasets", L1501 the DE-discovery operator library; issue 8
 * items 7 and 9). Lorenz (σ = 10, ρ = 28, β = 8/3), sampled as in PySINDy's example (dt = 0.002, 5000 rows,
 * x0 = (-8, 8, 27)), with Gaussian noise at a fraction of each column's RMS; derivatives by second-order
 * finite differences; a cubic polynomial library; STLSQ. Checks: at 0.1 % noise every coefficient within 1 %
 * and exactly the true sparsity pattern (as Brunton et al. 2016 / PySINDy report); a degradation curve as noise
 * grows; and the PDE case, a 1-D heat/advection grid, recovered from spatial differences.
 */
import { compareEquations, discoverEquations, discoverPde, heatGrid, lorenzSystem, sampleSystem } from "@tam/graph";
import { createRng } from "@tam/tensor-backend";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** The issue's claim: every Lorenz coefficient within 1 % at 0.1 % noise. */
const LORENZ_TOLERANCE = 0.01;
/** The noise level of that claim. */
const LORENZ_CLAIM_NOISE = 0.001;
/**
 * PDE tolerance (ADR 0407): second-order spatial differences on a 64-cell grid bias u_x by about k²dx²/6
 * (≈ 1.4 % for mode k = 3) and u_xx by k²dx²/12, so 2 % on clean data. (Noise is amplified by 1/dx² in
 * u_xx: at 1 % noise the PDE library finds spurious terms; that is reported, not claimed.)
 */
const PDE_TOLERANCE = 0.02;
/** Noise levels are reported on the x axis in units of 0.01 %. */
const NOISE_AXIS_UNIT = 1e-4;

const configSchema = z
  .object({
    steps: z.number().int().min(100).default(5000),
    dt: z.number().positive().default(0.002),
    x0: z.array(z.number()).length(3).default([-8, 8, 27]),
    degree: z.number().int().min(1).max(4).default(3),
    threshold: z.number().positive().default(0.1),
    noiseLevels: z.array(z.number().min(0).max(1)).min(1).default([0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]),
    heat: z
      .object({
        enabled: z.boolean().default(true),
        cells: z.number().int().min(16).default(64),
        steps: z.number().int().min(10).default(200),
        dt: z.number().positive().default(0.01),
        diffusivity: z.number().positive().default(0.1),
        velocity: z.number().default(0.5),
        noise: z.number().min(0).default(0),
        threshold: z.number().positive().default(0.02),
      })
      .strict()
      .default({ enabled: true, cells: 64, steps: 200, dt: 0.01, diffusivity: 0.1, velocity: 0.5, noise: 0, threshold: 0.02 }),
  })
  .strict();

/** The `graph-equations` scenario. */
export const graphEquationsScenario = defineScenario({
  name: "graph-equations",
  description: "Equation discovery (STLSQ over a polynomial library) on Lorenz with noise, and a heat/advection PDE (seed 002, @tam/graph)",
  configSchema,
  quick: { noiseLevels: [0, 0.001, 0.01, 0.1] },
  defaultSeeds: 3,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const system = lorenzSystem();
    const levels = [...new Set([...config.noiseLevels, LORENZ_CLAIM_NOISE])].sort((a, b) => a - b);
    const errorSeries: SeriesPoint[] = [];
    const wrongTermsSeries: SeriesPoint[] = [];
    const final: Record<string, number> = {};
    const notes: Record<string, unknown> = {};
    levels.forEach((noise, i) => {
      const data = sampleSystem(system, { x0: config.x0, steps: config.steps, dt: config.dt, noise }, root.fork(`lorenz-${noise}`));
      const found = discoverEquations(data, system.variables, { degree: config.degree, threshold: config.threshold });
      const cmp = compareEquations(found.equations, system.equations);
      const step = Math.round(noise / NOISE_AXIS_UNIT);
      errorSeries.push({ step, value: cmp.maxRelativeError });
      wrongTermsSeries.push({ step, value: cmp.falsePositives.length + cmp.falseNegatives.length });
      if (noise === LORENZ_CLAIM_NOISE) {
        final["claim_maxRelativeError"] = cmp.maxRelativeError;
        final["claim_patternCorrect"] = cmp.patternCorrect ? 1 : 0;
        notes["claim_equations"] = found.text;
      }
      final[`maxRelativeError_noise${noise}`] = cmp.maxRelativeError;
      final[`patternCorrect_noise${noise}`] = cmp.patternCorrect ? 1 : 0;
      ctx.progress((i + 1) / (levels.length + 1));
    });
    if (config.heat.enabled) {
      const h = config.heat;
      const grid = heatGrid({ cells: h.cells, steps: h.steps, dt: h.dt, diffusivity: h.diffusivity, velocity: h.velocity, noise: h.noise, modes: 3 }, root.fork("heat"));
      const found = discoverPde(grid.trajectory, grid.dx, { degree: 2, threshold: h.threshold });
      const cmp = compareEquations(found.equations, [grid.equation]);
      final["pde_maxRelativeError"] = cmp.maxRelativeError;
      final["pde_patternCorrect"] = cmp.patternCorrect ? 1 : 0;
      notes["pde_equation"] = found.text;
    }
    ctx.progress(1);
    return Promise.resolve({ series: { maxRelativeError: errorSeries, wrongTerms: wrongTermsSeries }, final, notes });
  },
  checks(config, results): readonly Check[] {
    const perSeed = (key: string, digits = 3): string => results.map((r) => (r.final[key] ?? Number.NaN).toExponential(digits)).join(", ");
    const checks: Check[] = [
      {
        name: "Lorenz at 0.1 % noise: every coefficient within 1 %",
        expected: `max |ξ − ξ_true| / |ξ_true| <= ${LORENZ_TOLERANCE} on every seed`,
        observed: `per seed: ${perSeed("claim_maxRelativeError")}`,
        pass: results.length > 0 && results.every((r) => (r.final["claim_maxRelativeError"] ?? Infinity) <= LORENZ_TOLERANCE),
      },
      {
        name: "Lorenz at 0.1 % noise: exactly the true sparsity pattern (7 terms of the cubic library)",
        expected: "no spurious and no missing term on every seed",
        observed: `pattern correct on ${results.filter((r) => r.final["claim_patternCorrect"] === 1).length} of ${results.length} seeds`,
        pass: results.length > 0 && results.every((r) => r.final["claim_patternCorrect"] === 1),
      },
    ];
    const levels = [...new Set([...config.noiseLevels, LORENZ_CLAIM_NOISE])].sort((a, b) => a - b);
    const meanAt = (noise: number): number => results.reduce((s, r) => s + (r.final[`maxRelativeError_noise${noise}`] ?? Number.NaN), 0) / Math.max(1, results.length);
    const low = levels[0] as number;
    const high = levels[levels.length - 1] as number;
    checks.push({
      name: "degradation curve: the error grows with noise (lowest vs highest level)",
      expected: `mean max relative error at noise ${high} > at noise ${low}`,
      observed: levels.map((n) => `${n}: ${meanAt(n).toExponential(2)}`).join(", "),
      pass: levels.length >= 2 && meanAt(high) > meanAt(low),
    });
    if (config.heat.enabled) {
      checks.push({
        name: `heat/advection PDE from spatial differences: right terms, coefficients within ${PDE_TOLERANCE * 100} %`,
        expected: `u_t = ${config.heat.diffusivity} u_xx${config.heat.velocity === 0 ? "" : ` − ${config.heat.velocity} u_x`}, max relative error <= ${PDE_TOLERANCE}, on every seed`,
        observed: `per seed: ${perSeed("pde_maxRelativeError")}; pattern correct on ${results.filter((r) => r.final["pde_patternCorrect"] === 1).length} of ${results.length}`,
        pass: results.length > 0 && results.every((r) => r.final["pde_patternCorrect"] === 1 && (r.final["pde_maxRelativeError"] ?? Infinity) <= PDE_TOLERANCE),
      });
    }
    return checks;
  },
  charts: [
    { title: "Lorenz: max relative coefficient error vs noise (x = noise in 0.01 % of RMS)", series: ["maxRelativeError"], yLabel: "max |Δξ|/|ξ|" },
    { title: "Lorenz: spurious + missing terms vs noise (x = noise in 0.01 % of RMS)", series: ["wrongTerms"], yLabel: "terms" },
  ],
});
