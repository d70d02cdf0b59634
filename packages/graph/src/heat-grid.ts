/**
 * A 1-D periodic heat / advection grid `u_t = α u_xx - c u_x` on [0, 2π) (data set E3, the PDE case the seed's
 * Δ-state library implies with "spatial gradients and products", 002 L1501; ADR 0406). The solution is exact
 * (each Fourier mode decays as e^{-αk²t} and moves at speed c), so the data carry no integrator error.
 */
import type { Rng } from "@tam/tensor-backend";

import { addNoise } from "./noise.js";
import { trajectory, type Trajectory } from "./trajectory.js";

/** Options of {@link heatGrid}. */
export interface HeatGridOptions {
  /** Grid cells N (default 64). */
  readonly cells?: number;
  /** Diffusivity α (default 0.1). */
  readonly diffusivity?: number;
  /** Advection speed c (default 0: pure heat). */
  readonly velocity?: number;
  /** Fourier modes k = 1..K with random amplitude and phase (default 4). */
  readonly modes?: number;
  /** Rows (default 200). */
  readonly steps?: number;
  /** Time between rows (default 0.01). */
  readonly dt?: number;
  /** Noise level (fraction of RMS, default 0). */
  readonly noise?: number;
}

/** A grid data set: rows are times, columns are cells. */
export interface GridData {
  readonly trajectory: Trajectory;
  /** Cell width. */
  readonly dx: number;
  /** True `u_t` as `{ term: coefficient }` in {@link pdeLibrary} names. */
  readonly equation: Readonly<Record<string, number>>;
}

/**
 * Sample the grid.
 *
 * @example
 * ```ts
 * const { trajectory, dx } = heatGrid({ cells: 64, diffusivity: 0.1 }, createRng(1));
 * ```
 * @throws Error naming the option when a size or coefficient is invalid.
 */
export function heatGrid(options: HeatGridOptions, rng: Rng): GridData {
  const n = options.cells ?? 64;
  const alpha = options.diffusivity ?? 0.1;
  const c = options.velocity ?? 0;
  const modes = options.modes ?? 4;
  const steps = options.steps ?? 200;
  const dt = options.dt ?? 0.01;
  if (!Number.isSafeInteger(n) || n < 8) throw new Error(`Error in heatGrid: cells must be an integer >= 8, got ${n}.`);
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new Error(`Error in heatGrid: diffusivity must be finite and >= 0, got ${alpha}.`);
  if (!Number.isFinite(c)) throw new Error(`Error in heatGrid: velocity must be finite, got ${c}.`);
  if (!Number.isSafeInteger(modes) || modes < 1 || modes >= n / 4) throw new Error(`Error in heatGrid: modes must be an integer in [1, cells/4), got ${modes}.`);
  if (!Number.isSafeInteger(steps) || steps < 3) throw new Error(`Error in heatGrid: steps must be an integer >= 3, got ${steps}.`);
  const dx = (2 * Math.PI) / n;
  const amp = Array.from({ length: modes }, () => rng.uniform(0.5, 1.5));
  const phase = Array.from({ length: modes }, () => rng.uniform(0, 2 * Math.PI));
  const values = new Float64Array(steps * n);
  for (let r = 0; r < steps; r += 1) {
    const t = r * dt;
    for (let i = 0; i < n; i += 1) {
      const x = i * dx;
      let u = 0;
      for (let k = 1; k <= modes; k += 1) u += ((amp[k - 1] as number) / k) * Math.exp(-alpha * k * k * t) * Math.sin(k * (x - c * t) + (phase[k - 1] as number));
      values[r * n + i] = u;
    }
  }
  const clean = trajectory(values, n, dt);
  const equation: Record<string, number> = {};
  if (alpha !== 0) equation["u_xx"] = alpha;
  if (c !== 0) equation["u_x"] = -c;
  return { trajectory: addNoise(clean, options.noise ?? 0, rng.fork("noise")), dx, equation };
}
