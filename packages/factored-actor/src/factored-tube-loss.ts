/**
 * The tube loss of the factored actor's tube, per replica with each replica's own trajectories and λ:
 * `L_r = MSE(μ) + α·log_vol + λ_r·fail_soft + w_h·survival NLL` (the seed's free energy as `@tam/tube`
 * implements it, 000 L16–18, §7), composed from `@tam/tube`'s soft-bind pieces, plus the per-episode
 * statistics (`@tam/tube`'s `episodeStats`, same columns) that the commitment price reads.
 * `@tam/tube`'s `tubeLoss` takes one trajectory batch shared by all replicas; here each replica is a
 * different world, hence this composition.
 *
 * Source: `000_e13b841348682d63.txt` L16–18, L93–117, L238–275; `001_4e7658869d462183.txt` §E L86–100.
 */
import { tf, type Scalar, type Tensor } from "@tam/tensor-backend";
import { ALPHA_VOL, BIND_WIDTH_K, DEFAULT_HORIZON_WEIGHT, SOFT_BIND_GAMMA, episodeStats, horizonNll, logSigmoid, withoutGradient, type TubeOutput } from "@tam/tube";

/** Weights of {@link replicaTubeLoss}. */
export interface ReplicaTubeLossOptions {
  readonly k?: number;
  readonly gamma?: number;
  readonly alphaVol?: number;
  readonly horizonWeight?: number;
}

/** Result of {@link replicaTubeLoss}. */
export interface ReplicaTubeLossResult {
  /** Sum over replicas. */
  readonly total: Scalar;
  /** Per-replica loss `[R]`. */
  readonly perReplica: Tensor;
  /** `[R, B, EPISODE_STATS.length]` in `@tam/tube`'s column order; no gradient. */
  readonly stats: Tensor;
}

/**
 * Tube loss and per-episode statistics: `output` `[R, B, T, D]`, `traj` `[R, B, T, D]`, `lambda` `[R]`.
 *
 * @example
 * ```ts
 * const { total, stats } = replicaTubeLoss(tube.forward(inputs), traj, tf.tensor1d([1, 1]));
 * ```
 */
export function replicaTubeLoss(output: TubeOutput, traj: Tensor, lambda: Tensor, options: ReplicaTubeLossOptions = {}): ReplicaTubeLossResult {
  const k = options.k ?? BIND_WIDTH_K;
  const gamma = options.gamma ?? SOFT_BIND_GAMMA;
  const alphaVol = options.alphaVol ?? ALPHA_VOL;
  const horizonWeight = options.horizonWeight ?? DEFAULT_HORIZON_WEIGHT;
  const [R, B, T, D] = output.mu.shape as [number, number, number, number];
  if (traj.shape.join(",") !== [R, B, T, D].join(",")) throw new Error(`Error in replicaTubeLoss: traj must be [${R}, ${B}, ${T}, ${D}], got [${traj.shape.join(",")}].`);
  if (lambda.shape.join(",") !== String(R)) throw new Error(`Error in replicaTubeLoss: lambda must be [${R}], got [${lambda.shape.join(",")}].`);
  return tf.tidy(() => {
    const absE = tf.abs(tf.sub(traj, output.mu));
    const margin = tf.sub(tf.mul(output.sigma, k), absE);
    const insideSoft = tf.exp(tf.sum(logSigmoid(tf.mul(margin, gamma)), -1)); // [R,B,T]
    const failSoft = tf.sub(1, tf.mean(insideSoft, -1)); // [R,B]
    const muLoss = tf.mean(tf.square(absE), [1, 2, 3]);
    const logVolEpisode = tf.mean(output.logSigma, [2, 3]);
    let perReplica = tf.add(tf.add(muLoss, tf.mul(tf.mean(logVolEpisode, 1), alphaVol)), tf.mul(lambda, tf.mean(failSoft, 1)));
    const inside = withoutGradient([absE, output.sigma], (a, s) => tf.min(tf.cast(tf.less(a, tf.mul(s, k)), "float32"), -1));
    if (horizonWeight > 0) perReplica = tf.add(perReplica, tf.mul(tf.mean(horizonNll(output.stopLogits, inside), 1), horizonWeight));
    const stats = episodeStats({ failSoft, absE, sigma: output.sigma, logVolEpisode, inside, insideSoft, stopLogits: output.stopLogits });
    return { total: tf.sum<Scalar>(perReplica), perReplica, stats };
  });
}
