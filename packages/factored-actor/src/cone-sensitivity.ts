/**
 * Smoothness and locality of the cone in the latent (001 §C L70: "verify cone stats (log cone vol, E[T])
 * vary smoothly with z_intent"; §K L244: "cone stats respond primarily to z_intent"). For every episode
 * a random unit direction u in the z_intent block (and one in the z_real block) is drawn, and the tube's
 * log cone vol (mean log σ) and E[T] (stop head) are read at z ± δu: the central-difference slope
 * |sig(z + δu) − sig(z − δu)| / 2δ. Smooth means the slopes are finite and agree across step sizes
 * (a kink or a jump shows up as a slope that grows as δ shrinks); intent-only means the z_real slopes
 * are zero. No rollouts: the cone statistics are functions of the tube's inputs alone.
 *
 * Source: `001_4e7658869d462183.txt` §C L67–70, §K L244; SEED-INVENTORY.md §6.3; ADR 0607.
 */
import { tf, type Rng } from "@tam/tensor-backend";
import { expectedHorizon } from "@tam/tube";
import type { WorldStarts } from "./equivalent-world.js";
import type { FactoredActor } from "./factored-actor.js";

/** Default step sizes of {@link coneSensitivity}, in units of the (standardised) latent (ADR 0607). */
export const DEFAULT_SENSITIVITY_STEPS: readonly number[] = [0.3, 0.03];

/** Mean and maximum of per-episode slopes. */
export interface SlopeSummary {
  readonly mean: number;
  readonly max: number;
}

/** Cone slopes at one step size δ. */
export interface ConeSlopes {
  readonly delta: number;
  /** |Δ log cone vol| / 2δ along random z_intent directions. */
  readonly intentLogVol: SlopeSummary;
  /** |Δ E[T]| / 2δ along random z_intent directions. */
  readonly intentHorizon: SlopeSummary;
  /** The same along random z_real directions (0 when σ and stop read z_intent only). */
  readonly realLogVol: SlopeSummary;
  readonly realHorizon: SlopeSummary;
}

function unitDirection(rng: Rng, dim: number): Float64Array {
  const u = Float64Array.from({ length: dim }, () => rng.normal());
  const norm = Math.hypot(...u) || 1;
  for (let k = 0; k < dim; k++) u[k] = (u[k] ?? 0) / norm;
  return u;
}

function summary(values: Float64Array): SlopeSummary {
  let mean = 0;
  let max = 0;
  for (const v of values) {
    mean += v / Math.max(1, values.length);
    max = Math.max(max, v);
  }
  return { mean, max };
}

/**
 * Central-difference slopes of the cone statistics of replica `replica` around latents `z`
 * `[n, latentDim]` at the starts `starts`, one slope set per step size in `deltas`.
 *
 * @example
 * ```ts
 * const z = actor.sample(world.starts(spec).start, spec.count, rng, { replica: 0, deterministic: true }).z;
 * const [coarse, fine] = coneSensitivity(actor, 0, world.starts(spec), z, createRng(1));
 * coarse.realLogVol.max === 0;   // σ reads z_intent only
 * ```
 */
export function coneSensitivity(actor: FactoredActor, replica: number, starts: WorldStarts, z: Float32Array, rng: Rng, deltas: readonly number[] = DEFAULT_SENSITIVITY_STEPS): ConeSlopes[] {
  const n = starts.count;
  const I = actor.intentDim;
  const Rl = actor.realDim;
  const Z = actor.latentDim;
  if (z.length !== n * Z) throw new Error(`Error in coneSensitivity: z must have n·latentDim = ${n * Z} values, got ${z.length}.`);
  if (deltas.length === 0 || deltas.some((d) => !(d > 0 && Number.isFinite(d)))) throw new Error(`Error in coneSensitivity: deltas must be positive and finite, got [${deltas.join(", ")}].`);
  const { tubeObsDim: O, horizonSteps: T, stateDim: D } = actor.config;
  const directions = [
    Array.from({ length: n }, () => unitDirection(rng, I)),
    Array.from({ length: n }, () => (Rl > 0 ? unitDirection(rng, Rl) : new Float64Array(0))),
  ];
  return deltas.map((delta) => {
    // Rows: [intent +, intent −, real +, real −] × n.
    const rows = 4 * n;
    const zs = new Float32Array(rows * Z);
    const obs = new Float32Array(rows * O);
    const anchor = new Float32Array(rows * T * D);
    for (let block = 0; block < 4; block++) {
      const sign = block % 2 === 0 ? 1 : -1;
      const real = block >= 2;
      for (let i = 0; i < n; i++) {
        const row = block * n + i;
        zs.set(z.subarray(i * Z, (i + 1) * Z), row * Z);
        const u = directions[real ? 1 : 0]?.[i] ?? new Float64Array(0);
        const offset = real ? I : 0;
        for (let k = 0; k < u.length; k++) zs[row * Z + offset + k] = (zs[row * Z + offset + k] ?? 0) + sign * delta * (u[k] ?? 0);
        obs.set(starts.tubeObs.subarray(i * O, (i + 1) * O), row * O);
        anchor.set(starts.anchor.subarray(i * T * D, (i + 1) * T * D), row * T * D);
      }
    }
    const out = actor.tubeOutputsFor(replica, obs, anchor, zs, rows);
    let logVol: Float32Array;
    let horizon: Float32Array;
    try {
      [logVol, horizon] = tf.tidy(() => [tf.mean(out.logSigma, [2, 3]).dataSync() as Float32Array, expectedHorizon(out.stopLogits).dataSync() as Float32Array]);
    } finally {
      tf.dispose([out.mu, out.logSigma, out.logSigmaRaw, out.sigma, out.stopLogits]);
    }
    const slope = (values: Float32Array, plusBlock: number): Float64Array =>
      Float64Array.from({ length: n }, (_, i) => Math.abs((values[plusBlock * n + i] ?? 0) - (values[(plusBlock + 1) * n + i] ?? 0)) / (2 * delta));
    return {
      delta,
      intentLogVol: summary(slope(logVol, 0)),
      intentHorizon: summary(slope(horizon, 0)),
      realLogVol: summary(Rl > 0 ? slope(logVol, 2) : new Float64Array(0)),
      realHorizon: summary(Rl > 0 ? slope(horizon, 2) : new Float64Array(0)),
    };
  });
}
