/**
 * The tube loss ("free energy", 000 L16–18) as implemented in the seed,
 * `L = L_μ + α·log_vol + λ·fail_soft`, per replica, plus the optional volume terms (A barrier,
 * B relative, C change penalty) and the stop head's survival likelihood; and the per-episode statistics
 * the commitment price and the reports read, computed in the same pass.
 * `L_μ` is the mean squared error of μ (ADR 0202).
 *
 * Source: `000_e13b841348682d63.txt` L16–18, L84–153, L238–251; SEED-INVENTORY.md §5.2–5.4, §5.8.
 */
import { tf, type Scalar, type Tensor } from "@tam/tensor-backend";
import { ALPHA_VOL, BIND_WIDTH_K, SOFT_BIND_GAMMA } from "./constants.js";
import { episodeStats } from "./episode-stats.js";
import { horizonNll } from "./horizon.js";
import { softInsideSteps } from "./soft-bind.js";
import { withoutGradient } from "./stop-gradient.js";
import type { TubeOutput } from "./tube-model.js";
import { relativeLogVolume, volumeBarrier, volumeChangePenalty } from "./volume.js";

/** Weight of the stop head's survival likelihood in the loss (ADR 0202). */
export const DEFAULT_HORIZON_WEIGHT = 0.05;

/** Weights and switches of the tube loss. */
export interface TubeLossOptions {
  /** Bind width k (default 2). */
  readonly k?: number;
  /** Soft-bind sharpness γ (default 25). */
  readonly gamma?: number;
  /** Volume weight α on mean log σ (default 0.1, ADR 0202). */
  readonly alphaVol?: number;
  /** Option A: weight of the soft barrier near the floor (0 = off, the default). */
  readonly volumeBarrierWeight?: number;
  /** Option C: weight η of the squared change of log-vol from the previous step (0 = off, the default). */
  readonly volumeChangeWeight?: number;
  /** Weight of the stop head's survival likelihood (default 0.05). */
  readonly horizonWeight?: number;
}

/** {@link TubeLossOptions} with every default filled in. */
export type ResolvedTubeLossOptions = Required<TubeLossOptions>;

/**
 * Fill in the defaults of `options` and check them (k, γ > 0; weights ≥ 0, all finite); errors name
 * `where`, the field and its value.
 */
export function resolveTubeLossOptions(where: string, options: TubeLossOptions = {}): ResolvedTubeLossOptions {
  const resolved: ResolvedTubeLossOptions = {
    k: options.k ?? BIND_WIDTH_K,
    gamma: options.gamma ?? SOFT_BIND_GAMMA,
    alphaVol: options.alphaVol ?? ALPHA_VOL,
    volumeBarrierWeight: options.volumeBarrierWeight ?? 0,
    volumeChangeWeight: options.volumeChangeWeight ?? 0,
    horizonWeight: options.horizonWeight ?? DEFAULT_HORIZON_WEIGHT,
  };
  for (const name of ["k", "gamma"] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`Error in ${where}: ${name} must be finite and > 0, got ${value}.`);
  }
  for (const name of ["alphaVol", "volumeBarrierWeight", "volumeChangeWeight", "horizonWeight"] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`Error in ${where}: ${name} must be finite and >= 0, got ${value}.`);
  }
  return resolved;
}

/** Inputs of {@link tubeLoss}. */
export interface TubeLossInputs {
  readonly output: TubeOutput;
  /** Realised trajectories `[B, T, D]`. */
  readonly traj: Tensor;
  /** λ per replica `[R]`. */
  readonly lambda: Tensor;
  /** σ floor of the model (for option A). */
  readonly sigmaFloor: number;
  /** Previous step's log-vol per replica `[R]` (option C; ignored when its weight is 0). */
  readonly previousLogVol?: Tensor;
  /** Option B: log σ_ref per episode `[B]`; the volume term becomes mean log(σ/σ_ref). */
  readonly logSigmaRef?: Tensor;
}

/** Result of {@link tubeLoss}: the scalar to minimise, its parts per replica, per-episode statistics. */
export interface TubeLossResult {
  /** Sum over replicas of the per-replica loss (replicas are independent, so each gets its own gradient). */
  readonly total: Scalar;
  /** `[R]` */
  readonly perReplica: Tensor;
  /** `[R, B, EPISODE_STATS.length]`, no gradient. */
  readonly stats: Tensor;
}

/**
 * The tube loss and per-episode statistics for every replica.
 *
 * @example
 * ```ts
 * const out = model.forward({ obs, anchor });
 * const { total, stats } = tubeLoss({ output: out, traj, lambda: tf.tensor1d([1.6]), sigmaFloor: 0.01 });
 * ```
 */
export function tubeLoss(inputs: TubeLossInputs, options: TubeLossOptions = {}): TubeLossResult {
  const { k, gamma, alphaVol, volumeBarrierWeight: barrierWeight, volumeChangeWeight: changeWeight, horizonWeight } = resolveTubeLossOptions("tubeLoss", options);
  const { output, traj, lambda } = inputs;
  const [R, B, T, D] = output.mu.shape as [number, number, number, number];
  if (traj.shape.join(",") !== [B, T, D].join(",")) throw new Error(`Error in tubeLoss: traj must be [${B}, ${T}, ${D}], got [${traj.shape.join(",")}].`);
  if (lambda.shape.join(",") !== String(R)) throw new Error(`Error in tubeLoss: lambda must be [${R}], got [${lambda.shape.join(",")}].`);
  if (changeWeight > 0 && inputs.previousLogVol === undefined) throw new Error("Error in tubeLoss: volumeChangeWeight > 0 needs previousLogVol.");
  return tf.tidy(() => {
    const e = tf.sub(traj, output.mu);
    const absE = tf.abs(e);
    const insideSoft = softInsideSteps(output.mu, output.sigma, traj, k, gamma); // [R,B,T]
    const failSoft = tf.sub(1, tf.mean(insideSoft, -1)); // [R,B]
    const muLoss = tf.mean(tf.square(e), [1, 2, 3]);
    const logVolEpisode = tf.mean(output.logSigma, [2, 3]); // [R,B]
    const logVol = tf.mean(logVolEpisode, 1);
    const volume = inputs.logSigmaRef === undefined ? logVol : tf.mean(relativeLogVolume(output.logSigma, tf.reshape(inputs.logSigmaRef, [1, B, 1, 1])), 1);
    let perReplica = tf.add(tf.add(muLoss, tf.mul(volume, alphaVol)), tf.mul(lambda, tf.mean(failSoft, 1)));
    if (barrierWeight > 0) perReplica = tf.add(perReplica, tf.mul(tf.mean(volumeBarrier(output.logSigmaRaw, inputs.sigmaFloor), 1), barrierWeight));
    if (changeWeight > 0 && inputs.previousLogVol !== undefined) perReplica = tf.add(perReplica, volumeChangePenalty(logVol, inputs.previousLogVol, changeWeight));
    const inside = withoutGradient([absE, output.sigma], (a, s) => tf.min(tf.cast(tf.less(a, tf.mul(s, k)), "float32"), -1)); // [R,B,T], hard
    if (horizonWeight > 0) perReplica = tf.add(perReplica, tf.mul(tf.mean(horizonNll(output.stopLogits, inside), 1), horizonWeight));
    const stats = episodeStats({ failSoft, absE, sigma: output.sigma, logVolEpisode, inside, insideSoft, stopLogits: output.stopLogits });
    return { total: tf.sum<Scalar>(perReplica), perReplica, stats };
  });
}
