/**
 * The Δ-log reader (seed 002 L1724-1726 signals and DE discovery; TODO-5 L1853; SEED-INVENTORY §3.12;
 * ADR 0322): the reconstructed states at the log's flush steps as a uniformly sampled trajectory (the
 * `{ values, steps, dim, dt }` shape `@tam/graph`'s equation discovery takes), plus finite-difference
 * features for probes: the rate `Δstate/Δt` (backward difference) and the curvature (second difference).
 * A tool only: nothing here enters a training loss.
 */
import type { DeltaStateLog } from "./delta-state-log.js";

/** States sampled every `dt`, `[steps, dim]` row-major (structurally `@tam/graph`'s `Trajectory`). */
export interface DeltaTrajectory {
  readonly values: Float64Array;
  readonly steps: number;
  readonly dim: number;
  readonly dt: number;
}

/** Finite-difference features of a Δ-state log. */
export interface DeltaFeatures {
  /** The reconstructed states on the uniform grid of flush steps. */
  readonly trajectory: DeltaTrajectory;
  /** The step index of each trajectory row. */
  readonly stepIndices: readonly number[];
  /** `(state_k − state_{k−1}) / dt` for rows k = 1..steps−1, `[steps − 1, dim]` (the seed's `Δstate_t/Δt`). */
  readonly rate: Float64Array;
  /** `(state_{k+1} − 2 state_k + state_{k−1}) / dt²` for rows k = 1..steps−2, `[steps − 2, dim]`. */
  readonly curvature: Float64Array;
}

/**
 * Read a log's reconstructed states at its keyframe and flush steps (which must be evenly spaced: records
 * at consecutive steps with `horizonSteps` a multiple of `coalesceSteps`).
 *
 * @example
 * ```ts
 * const f = deltaFeatures(log, { secondsPerStep: 0.01 });
 * discoverEquations(f.trajectory, ["x", "y"]);   // @tam/graph's SINDy on the logged states
 * ```
 * @param options.secondsPerStep - time per step index (default 1: `dt` in steps).
 * @throws Error naming the steps when fewer than 3 are logged or their spacing is uneven, or `secondsPerStep` when not > 0.
 */
export function deltaFeatures(log: DeltaStateLog, options: { readonly secondsPerStep?: number } = {}): DeltaFeatures {
  const secondsPerStep = options.secondsPerStep ?? 1;
  if (!(Number.isFinite(secondsPerStep) && secondsPerStep > 0)) throw new Error(`Error in deltaFeatures: secondsPerStep must be finite and > 0, got ${secondsPerStep}.`);
  const stepIndices = log.steps();
  if (stepIndices.length < 3) throw new Error(`Error in deltaFeatures: need at least 3 logged steps, got ${stepIndices.length}.`);
  const spacing = (stepIndices[1] as number) - (stepIndices[0] as number);
  stepIndices.forEach((s, k) => {
    if (k > 0 && s - (stepIndices[k - 1] as number) !== spacing) {
      throw new Error(`Error in deltaFeatures: logged steps must be evenly spaced; step ${s} follows ${stepIndices[k - 1]} but the spacing is ${spacing}.`);
    }
  });
  const dim = log.stateSize;
  const n = stepIndices.length;
  const dt = spacing * secondsPerStep;
  const values = new Float64Array(n * dim);
  stepIndices.forEach((s, k) => values.set(log.reconstruct(s), k * dim));
  const rate = new Float64Array((n - 1) * dim);
  for (let k = 1; k < n; k += 1) {
    for (let c = 0; c < dim; c += 1) rate[(k - 1) * dim + c] = ((values[k * dim + c] as number) - (values[(k - 1) * dim + c] as number)) / dt;
  }
  const curvature = new Float64Array((n - 2) * dim);
  for (let k = 1; k < n - 1; k += 1) {
    for (let c = 0; c < dim; c += 1) {
      const prev = values[(k - 1) * dim + c] as number;
      const mid = values[k * dim + c] as number;
      const next = values[(k + 1) * dim + c] as number;
      curvature[(k - 1) * dim + c] = (next - 2 * mid + prev) / (dt * dt);
    }
  }
  return { trajectory: { values, steps: n, dim, dt }, stepIndices, rate, curvature };
}
