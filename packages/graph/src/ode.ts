/**
 * A fixed-step classical Runge-Kutta integrator for the data sets (ADR 0406). Float64 on the host: the data
 * are references for learning and for equation discovery, not a hot loop.
 */

/** The right-hand side `dx/dt = f(x, t)` writing into `out`. */
export type VectorField = (x: Float64Array, t: number, out: Float64Array) => void;

/**
 * Integrate `f` from `x0` and return `steps` rows `[steps, dim]` sampled every `dt` (the first row is `x0`),
 * using `substeps` RK4 steps of `dt / substeps` between samples.
 *
 * @example
 * ```ts
 * const rows = integrateRk4((x, _t, out) => { out[0] = -x[0]; }, Float64Array.of(1), 0.01, 101);
 * rows[100];   // ≈ exp(-1)
 * ```
 * @throws Error naming the argument when a size or step is invalid, or the state leaves the finite range.
 */
export function integrateRk4(f: VectorField, x0: Float64Array, dt: number, steps: number, substeps = 1): Float64Array {
  if (!(Number.isFinite(dt) && dt > 0)) throw new Error(`Error in integrateRk4: dt must be finite and > 0, got ${dt}.`);
  if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`Error in integrateRk4: steps must be a positive integer, got ${steps}.`);
  if (!Number.isSafeInteger(substeps) || substeps < 1) throw new Error(`Error in integrateRk4: substeps must be a positive integer, got ${substeps}.`);
  const dim = x0.length;
  const out = new Float64Array(steps * dim);
  const x = Float64Array.from(x0);
  const k1 = new Float64Array(dim);
  const k2 = new Float64Array(dim);
  const k3 = new Float64Array(dim);
  const k4 = new Float64Array(dim);
  const tmp = new Float64Array(dim);
  const h = dt / substeps;
  out.set(x, 0);
  let t = 0;
  for (let s = 1; s < steps; s += 1) {
    for (let j = 0; j < substeps; j += 1) {
      f(x, t, k1);
      for (let i = 0; i < dim; i += 1) tmp[i] = (x[i] as number) + 0.5 * h * (k1[i] as number);
      f(tmp, t + 0.5 * h, k2);
      for (let i = 0; i < dim; i += 1) tmp[i] = (x[i] as number) + 0.5 * h * (k2[i] as number);
      f(tmp, t + 0.5 * h, k3);
      for (let i = 0; i < dim; i += 1) tmp[i] = (x[i] as number) + h * (k3[i] as number);
      f(tmp, t + h, k4);
      for (let i = 0; i < dim; i += 1) x[i] = (x[i] as number) + (h / 6) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
      t += h;
    }
    for (let i = 0; i < dim; i += 1) if (!Number.isFinite(x[i])) throw new Error(`Error in integrateRk4: the state became ${x[i]} at row ${s}.`);
    out.set(x, s * dim);
  }
  return out;
}
