/**
 * Measurement noise for the data sets (ADR 0406): additive Gaussian with σ_c = level · RMS_c, the root mean
 * square of column c (PySINDy's examples scale by one RMS over all columns; per column keeps small variables
 * from drowning). Drawn from the seeded Rng.
 */
import type { Rng } from "@tam/tensor-backend";

import type { Trajectory } from "./trajectory.js";

/**
 * A noisy copy of a trajectory (level 0 returns an exact copy).
 *
 * @example
 * ```ts
 * const noisy = addNoise(lorenz, 0.001, createRng(1));   // 0.1 % noise
 * ```
 * @throws Error naming the level when it is negative or not finite.
 */
export function addNoise(t: Trajectory, level: number, rng: Rng): Trajectory {
  if (!(Number.isFinite(level) && level >= 0)) throw new Error(`Error in addNoise: level must be finite and >= 0, got ${level}.`);
  const values = Float64Array.from(t.values);
  if (level === 0) return { ...t, values };
  const rms = new Float64Array(t.dim);
  for (let r = 0; r < t.steps; r += 1) for (let c = 0; c < t.dim; c += 1) rms[c] = (rms[c] as number) + (t.values[r * t.dim + c] as number) ** 2;
  for (let c = 0; c < t.dim; c += 1) rms[c] = Math.sqrt((rms[c] as number) / t.steps);
  for (let r = 0; r < t.steps; r += 1) for (let c = 0; c < t.dim; c += 1) values[r * t.dim + c] = (values[r * t.dim + c] as number) + level * (rms[c] as number) * rng.normal();
  return { ...t, values };
}
