/**
 * Observed trajectories and their windows (ADR 0401, ADR 0406): a trajectory is `[T, dim]` row-major on the
 * host; a window is H consecutive rows (a node memory) followed by K target rows. Observation columns are
 * bound to graph nodes by {@link ObservedBinding}.
 */

/** A sampled trajectory `[steps, dim]`, row-major, with its time step. */
export interface Trajectory {
  readonly values: Float64Array;
  readonly steps: number;
  readonly dim: number;
  /** Time between rows (for derivatives). */
  readonly dt: number;
}

/** Which observation columns a node's state holds (in order; the node's stateDim equals columns.length). */
export interface ObservedBinding {
  readonly node: string;
  readonly columns: readonly number[];
}

/**
 * Make a trajectory, checking its size.
 *
 * @throws Error naming the field when sizes disagree or a value is not finite.
 */
export function trajectory(values: Float64Array, dim: number, dt: number): Trajectory {
  if (!Number.isSafeInteger(dim) || dim < 1) throw new Error(`Error in trajectory: dim must be a positive integer, got ${dim}.`);
  if (values.length % dim !== 0) throw new Error(`Error in trajectory: ${values.length} values is not a multiple of dim ${dim}.`);
  if (!(Number.isFinite(dt) && dt > 0)) throw new Error(`Error in trajectory: dt must be finite and > 0, got ${dt}.`);
  for (let i = 0; i < values.length; i += 1) if (!Number.isFinite(values[i])) throw new Error(`Error in trajectory: value ${i} is ${values[i]}.`);
  return { values, steps: values.length / dim, dim, dt };
}

/** Column means and standard deviations over trajectories (population std; 1 where a column is constant). */
export function columnStats(trajectories: readonly Trajectory[]): { mean: Float64Array; std: Float64Array } {
  const dim = trajectories[0]?.dim ?? 0;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  let n = 0;
  for (const t of trajectories) {
    if (t.dim !== dim) throw new Error(`Error in columnStats: trajectories have different dims (${dim} vs ${t.dim}).`);
    for (let r = 0; r < t.steps; r += 1) {
      for (let c = 0; c < dim; c += 1) {
        const v = t.values[r * dim + c] as number;
        mean[c] = (mean[c] as number) + v;
        sq[c] = (sq[c] as number) + v * v;
      }
    }
    n += t.steps;
  }
  const std = new Float64Array(dim);
  for (let c = 0; c < dim; c += 1) {
    mean[c] = (mean[c] as number) / Math.max(1, n);
    const variance = (sq[c] as number) / Math.max(1, n) - (mean[c] as number) ** 2;
    std[c] = variance > 1e-24 ? Math.sqrt(variance) : 1;
  }
  return { mean, std };
}

/** `(x - mean) / std` per column: a new trajectory. */
export function standardise(t: Trajectory, mean: Float64Array, std: Float64Array): Trajectory {
  const out = new Float64Array(t.values.length);
  for (let r = 0; r < t.steps; r += 1) for (let c = 0; c < t.dim; c += 1) out[r * t.dim + c] = ((t.values[r * t.dim + c] as number) - (mean[c] as number)) / (std[c] as number);
  return { values: out, steps: t.steps, dim: t.dim, dt: t.dt };
}
