/**
 * Candidate-term libraries for equation discovery (issue 8 item 7; seed 002 L1501 "operator library ...
 * spatial gradients and products"; PySINDy's `PolynomialLibrary` and `PDELibrary`; ADR 0407).
 *
 * A library is a dense `[rows, terms]` float64 matrix Θ with a name per term. Polynomial terms are all
 * monomials up to the degree, in PySINDy's order (degree, then combinations with replacement), named like
 * `"1"`, `"x"`, `"x^2"`, `"x y"`, `"x^2 z"`.
 */
import { spatialDerivatives } from "./finite-difference.js";
import type { Trajectory } from "./trajectory.js";

/** A library evaluated on samples. */
export interface CandidateLibrary {
  readonly names: readonly string[];
  /** `[rows, names.length]`, row-major. */
  readonly matrix: Float64Array;
  readonly rows: number;
}

/** The monomials up to `degree` over `count` variables, as index multisets (PySINDy's order). */
export function monomials(count: number, degree: number, bias = true): number[][] {
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`Error in monomials: count must be a positive integer, got ${count}.`);
  if (!Number.isSafeInteger(degree) || degree < 1) throw new Error(`Error in monomials: degree must be a positive integer, got ${degree}.`);
  const out: number[][] = bias ? [[]] : [];
  const grow = (prefix: number[], from: number, left: number): void => {
    if (left === 0) {
      out.push(prefix);
      return;
    }
    for (let i = from; i < count; i += 1) grow([...prefix, i], i, left - 1);
  };
  for (let d = 1; d <= degree; d += 1) grow([], 0, d);
  return out;
}

/** The name of a monomial: `"1"` or variables with exponents, e.g. `"x^2 y"`. */
export function monomialName(indices: readonly number[], variables: readonly string[]): string {
  if (indices.length === 0) return "1";
  const parts: string[] = [];
  let i = 0;
  while (i < indices.length) {
    let j = i;
    while (j < indices.length && indices[j] === indices[i]) j += 1;
    const name = variables[indices[i] as number] ?? `x${indices[i]}`;
    parts.push(j - i === 1 ? name : `${name}^${j - i}`);
    i = j;
  }
  return parts.join(" ");
}

/**
 * Θ of all monomials of the trajectory's columns up to `degree`.
 *
 * @example
 * ```ts
 * const lib = polynomialLibrary(t, ["x", "y", "z"], 2);   // 10 terms: 1, x, y, z, x^2, x y, x z, y^2, y z, z^2
 * ```
 * @throws Error naming the argument when the variable count differs from the trajectory's dim.
 */
export function polynomialLibrary(t: Trajectory, variables: readonly string[], degree: number, bias = true): CandidateLibrary {
  if (variables.length !== t.dim) throw new Error(`Error in polynomialLibrary: ${variables.length} variable names for ${t.dim} columns.`);
  const terms = monomials(t.dim, degree, bias);
  const cols = terms.length;
  const matrix = new Float64Array(t.steps * cols);
  for (let r = 0; r < t.steps; r += 1) {
    terms.forEach((term, j) => {
      let v = 1;
      for (const i of term) v *= t.values[r * t.dim + i] as number;
      matrix[r * cols + j] = v;
    });
  }
  return { names: terms.map((term) => monomialName(term, variables)), matrix, rows: t.steps };
}

/**
 * Θ for a periodic 1-D grid: every product of a monomial of `u` up to `degree` (with 1) and a spatial
 * derivative factor in {1, u_x, u_xx}, over all (row, cell) samples, row-major by time then cell. Names
 * like `"u"`, `"u_xx"`, `"u u_x"`.
 *
 * @throws Error when dx is invalid (see {@link spatialDerivatives}).
 */
export function pdeLibrary(grid: Trajectory, dx: number, degree: number): CandidateLibrary {
  const { ux, uxx } = spatialDerivatives(grid, dx);
  const polys = monomials(1, degree, true);
  const factors: { name: string; values: Float64Array | undefined }[] = [
    { name: "", values: undefined },
    { name: "u_x", values: ux },
    { name: "u_xx", values: uxx },
  ];
  const names: string[] = [];
  const parts: { poly: number[]; factor: Float64Array | undefined }[] = [];
  for (const f of factors) {
    for (const p of polys) {
      const pn = monomialName(p, ["u"]);
      names.push(f.name === "" ? pn : pn === "1" ? f.name : `${pn} ${f.name}`);
      parts.push({ poly: p, factor: f.values });
    }
  }
  const rows = grid.values.length;
  const cols = names.length;
  const matrix = new Float64Array(rows * cols);
  for (let s = 0; s < rows; s += 1) {
    const u = grid.values[s] as number;
    parts.forEach((part, j) => {
      let v = part.factor === undefined ? 1 : (part.factor[s] as number);
      for (let k = 0; k < part.poly.length; k += 1) v *= u;
      matrix[s * cols + j] = v;
    });
  }
  return { names, matrix, rows };
}
