/**
 * A known ODE system for the data sets (SEED-INVENTORY E3, §15.4 item 10; ADR 0406): variable names, the
 * vector field, the true right-hand sides as coefficients of monomials (named as {@link polynomialLibrary}
 * names them, e.g. `"x y"`, `"x^2"`), and seeded trajectory sampling with a noise option.
 */
import type { Rng } from "@tam/tensor-backend";

import { addNoise } from "./noise.js";
import { integrateRk4, type VectorField } from "./ode.js";
import { trajectory, type Trajectory } from "./trajectory.js";

/** A known ODE system. */
export interface OdeSystem {
  readonly name: string;
  /** Variable names, in column order. */
  readonly variables: readonly string[];
  readonly field: VectorField;
  /** True `dx_i/dt` as `{ term: coefficient }` per variable (terms as the polynomial library names them). */
  readonly equations: readonly Readonly<Record<string, number>>[];
}

/** How to sample a trajectory. */
export interface SampleOptions {
  /** Initial state. */
  readonly x0: readonly number[];
  /** Rows (the first is x0). */
  readonly steps: number;
  /** Time between rows. */
  readonly dt: number;
  /** RK4 steps between rows (default 10). */
  readonly substeps?: number;
  /** Noise level (fraction of each column's RMS, default 0). */
  readonly noise?: number;
}

/**
 * Sample one trajectory of a system.
 *
 * @example
 * ```ts
 * const t = sampleSystem(lorenzSystem(), { x0: [-8, 8, 27], steps: 5000, dt: 0.002, noise: 0.001 }, createRng(1));
 * ```
 * @throws Error naming the field when x0 has the wrong length.
 */
export function sampleSystem(system: OdeSystem, options: SampleOptions, rng: Rng): Trajectory {
  if (options.x0.length !== system.variables.length) throw new Error(`Error in sampleSystem(${system.name}): x0 must have ${system.variables.length} entries, got ${options.x0.length}.`);
  const rows = integrateRk4(system.field, Float64Array.from(options.x0), options.dt, options.steps, options.substeps ?? 10);
  const clean = trajectory(rows, system.variables.length, options.dt);
  return addNoise(clean, options.noise ?? 0, rng);
}
