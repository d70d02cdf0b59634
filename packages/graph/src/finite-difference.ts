/**
 * Finite-difference derivatives for equation discovery (ADR 0407): second-order centred differences
 * `(x[i+1] - x[i-1]) / 2h` inside, second-order one-sided differences `(∓3x₀ ± 4x₁ ∓ x₂) / 2h` at the ends
 * (PySINDy's default `FiniteDifference(order=2)`), along time (rows) or along a periodic grid (columns).
 * This is the Δ-state log view of the seed (002 L1483-1511): `Δx / Δt` of consecutive logged states.
 */
import type { Trajectory } from "./trajectory.js";

/**
 * `dx/dt` of every column, `[steps, dim]`.
 *
 * @example
 * ```ts
 * const xdot = timeDerivative(t);   // same layout as t.values
 * ```
 * @throws Error when the trajectory has fewer than 3 rows.
 */
export function timeDerivative(t: Trajectory): Float64Array {
  const { steps, dim, dt, values } = t;
  if (steps < 3) throw new Error(`Error in timeDerivative: need at least 3 rows, got ${steps}.`);
  const out = new Float64Array(values.length);
  const at = (r: number, c: number): number => values[r * dim + c] as number;
  for (let c = 0; c < dim; c += 1) {
    out[c] = (-3 * at(0, c) + 4 * at(1, c) - at(2, c)) / (2 * dt);
    for (let r = 1; r < steps - 1; r += 1) out[r * dim + c] = (at(r + 1, c) - at(r - 1, c)) / (2 * dt);
    const l = steps - 1;
    out[l * dim + c] = (3 * at(l, c) - 4 * at(l - 1, c) + at(l - 2, c)) / (2 * dt);
  }
  return out;
}

/**
 * First and second spatial derivatives along the columns of a periodic grid (centred, second order):
 * `u_x = (u[i+1] - u[i-1]) / 2dx`, `u_xx = (u[i+1] - 2u[i] + u[i-1]) / dx²`.
 *
 * @throws Error when dx is not > 0 or the grid has fewer than 3 cells.
 */
export function spatialDerivatives(t: Trajectory, dx: number): { readonly ux: Float64Array; readonly uxx: Float64Array } {
  if (!(Number.isFinite(dx) && dx > 0)) throw new Error(`Error in spatialDerivatives: dx must be finite and > 0, got ${dx}.`);
  const { steps, dim: n, values } = t;
  if (n < 3) throw new Error(`Error in spatialDerivatives: need at least 3 cells, got ${n}.`);
  const ux = new Float64Array(values.length);
  const uxx = new Float64Array(values.length);
  for (let r = 0; r < steps; r += 1) {
    for (let i = 0; i < n; i += 1) {
      const left = values[r * n + ((i - 1 + n) % n)] as number;
      const mid = values[r * n + i] as number;
      const right = values[r * n + ((i + 1) % n)] as number;
      ux[r * n + i] = (right - left) / (2 * dx);
      uxx[r * n + i] = (right - 2 * mid + left) / (dx * dx);
    }
  }
  return { ux, uxx };
}
