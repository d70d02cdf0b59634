/**
 * Equation discovery from Δ-state logs (issue 8 item 7; seed 002 L1483-1511 Δ-state log and its "DE discovery"
 * operator library; SINDy, Brunton et al. 2016; ADR 0407): derivatives by finite differences of the logged
 * states, a candidate library, STLSQ; plus a comparison with known equations.
 */
import { pdeLibrary, polynomialLibrary, type CandidateLibrary } from "./candidate-library.js";
import { timeDerivative } from "./finite-difference.js";
import { stlsq, type StlsqOptions } from "./stlsq.js";
import type { Trajectory } from "./trajectory.js";

/** Discovered right-hand sides: one `{ term: coefficient }` per target (non-zero terms only). */
export interface DiscoveredEquations {
  readonly targets: readonly string[];
  readonly terms: readonly string[];
  /** `[terms, targets]` row-major. */
  readonly coefficients: Float64Array;
  readonly equations: readonly Readonly<Record<string, number>>[];
  /** Human-readable, e.g. `x' = -10.000 x + 10.000 y`. */
  readonly text: readonly string[];
}

/** Options of {@link discoverEquations}. */
export interface DiscoverOptions extends StlsqOptions {
  /** Polynomial degree of the library (default 3). */
  readonly degree?: number;
  /** Rows to drop at each end (finite-difference edges, default 2). */
  readonly trim?: number;
}

/**
 * SINDy on an ODE trajectory: `ẋ ≈ Θ(x) Ξ` with a polynomial library.
 *
 * @example
 * ```ts
 * const found = discoverEquations(sampleSystem(lorenzSystem(), { x0: [-8, 8, 27], steps: 5000, dt: 0.002 }, rng), ["x", "y", "z"]);
 * found.text;   // ["x' = -10.000 x + 10.000 y", "y' = 28.000 x - 1.000 y - 1.000 x z", "z' = -2.667 z + 1.000 x y"]
 * ```
 */
export function discoverEquations(t: Trajectory, variables: readonly string[], options: DiscoverOptions = {}): DiscoveredEquations {
  const trim = options.trim ?? 2;
  if (!Number.isSafeInteger(trim) || trim < 0 || 2 * trim >= t.steps - 2) throw new Error(`Error in discoverEquations: trim must be an integer in [0, steps/2), got ${trim}.`);
  const xdot = timeDerivative(t);
  const lib = polynomialLibrary(t, variables, options.degree ?? 3);
  const rows = t.steps - 2 * trim;
  const cols = lib.names.length;
  const theta = lib.matrix.subarray(trim * cols, (trim + rows) * cols);
  const targets = xdot.subarray(trim * t.dim, (trim + rows) * t.dim);
  return summarise(stlsq(Float64Array.from(theta), rows, cols, Float64Array.from(targets), t.dim, options).coefficients, lib, variables.map((v) => `${v}'`));
}

/**
 * PDE-FIND style discovery on a periodic grid: `u_t ≈ Θ(u, u_x, u_xx) ξ` (library of {@link pdeLibrary}).
 *
 * @example
 * ```ts
 * const found = discoverPde(grid.trajectory, grid.dx, { degree: 2, threshold: 0.02 });   // u_t = 0.100 u_xx
 * ```
 */
export function discoverPde(grid: Trajectory, dx: number, options: DiscoverOptions = {}): DiscoveredEquations {
  const trim = options.trim ?? 2;
  const ut = timeDerivative(grid);
  const lib = pdeLibrary(grid, dx, options.degree ?? 2);
  const n = grid.dim;
  const first = trim * n;
  const last = (grid.steps - trim) * n;
  const cols = lib.names.length;
  const theta = lib.matrix.slice(first * cols, last * cols);
  const targets = ut.slice(first, last);
  return summarise(stlsq(theta, last - first, cols, targets, 1, options).coefficients, lib, ["u_t"]);
}

function summarise(coefficients: Float64Array, lib: CandidateLibrary, targets: readonly string[]): DiscoveredEquations {
  const m = targets.length;
  const equations = targets.map((_, t) => {
    const eq: Record<string, number> = {};
    lib.names.forEach((name, j) => {
      const c = coefficients[j * m + t] as number;
      if (c !== 0) eq[name] = c;
    });
    return eq;
  });
  const text = equations.map((eq, t) => {
    const parts = Object.entries(eq).map(([name, c], i) => {
      const sign = c < 0 ? "-" : i === 0 ? "" : "+";
      const mag = Math.abs(c).toFixed(3);
      return `${i === 0 ? sign : ` ${sign} `}${mag}${name === "1" ? "" : ` ${name}`}`;
    });
    return `${targets[t]} = ${parts.length === 0 ? "0" : parts.join("")}`;
  });
  return { targets, terms: lib.names, coefficients, equations, text };
}

/** How discovered equations compare with known ones. */
export interface EquationComparison {
  /** max over true terms of |found − true| / |true|. */
  readonly maxRelativeError: number;
  /** Terms found that are not in the truth. */
  readonly falsePositives: readonly string[];
  /** True terms not found. */
  readonly falseNegatives: readonly string[];
  /** No false positives and no false negatives. */
  readonly patternCorrect: boolean;
}

/**
 * Compare discovered equations with the truth (per target, matching term names).
 *
 * @throws Error when the number of targets differs.
 */
export function compareEquations(found: readonly Readonly<Record<string, number>>[], truth: readonly Readonly<Record<string, number>>[]): EquationComparison {
  if (found.length !== truth.length) throw new Error(`Error in compareEquations: ${found.length} discovered targets vs ${truth.length} true ones.`);
  let maxRelativeError = 0;
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];
  truth.forEach((eq, t) => {
    const got = found[t] as Readonly<Record<string, number>>;
    for (const [term, c] of Object.entries(eq)) {
      const g = got[term];
      if (g === undefined) {
        falseNegatives.push(`${t}:${term}`);
        maxRelativeError = Math.max(maxRelativeError, 1);
      } else {
        maxRelativeError = Math.max(maxRelativeError, Math.abs(g - c) / Math.abs(c));
      }
    }
    for (const term of Object.keys(got)) if (!(term in eq)) falsePositives.push(`${t}:${term}`);
  });
  return { maxRelativeError, falsePositives, falseNegatives, patternCorrect: falsePositives.length === 0 && falseNegatives.length === 0 };
}
