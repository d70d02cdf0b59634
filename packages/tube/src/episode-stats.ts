/**
 * The per-episode statistics a tube loss reports next to its total: one column per {@link EPISODE_STATS}
 * entry, read by trainers and reports, never differentiated.
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { expectedHorizon } from "./horizon.js";

/** Columns of the per-episode statistics tensor `[R, B, EPISODE_STATS.length]`. */
export const EPISODE_STATS = [
  "failSoft",
  "residual",
  "sigmaMean",
  "logVol",
  "bindHard",
  "failDeviation",
  "deviation",
  "expectedHorizon",
] as const;
/** A per-episode statistic. */
export type EpisodeStat = (typeof EPISODE_STATS)[number];
/** Column index of each statistic. */
export const EPISODE_STAT_INDEX: Readonly<Record<EpisodeStat, number>> = Object.fromEntries(
  EPISODE_STATS.map((name, index) => [name, index]),
) as Record<EpisodeStat, number>;

/** What a tube loss computed on its way to the total, from which {@link episodeStats} reads the columns. */
export interface EpisodeStatsParts {
  /** `[R, B]` soft failure rate. */
  readonly failSoft: Tensor;
  /** `[R, B, T, D]` absolute residual `|traj - mu|`. */
  readonly absE: Tensor;
  /** `[R, B, T, D]` tube half-width scale. */
  readonly sigma: Tensor;
  /** `[R, B]` mean log-volume of the episode. */
  readonly logVolEpisode: Tensor;
  /** `[R, B, T]` hard bind (1 where every dimension is inside `k·σ`). */
  readonly inside: Tensor;
  /** `[R, B, T]` soft bind. */
  readonly insideSoft: Tensor;
  /** `[R, B, T]` stop head logits. */
  readonly stopLogits: Tensor;
}

/** The `[R, B, EPISODE_STATS.length]` statistics of `R` replicas on `B` episodes (call inside `tf.tidy`). */
export function episodeStats(parts: EpisodeStatsParts): Tensor {
  const [R, B] = parts.failSoft.shape as [number, number];
  const deviationT = tf.max(parts.absE, -1); // [R,B,T]
  const columns: Record<EpisodeStat, Tensor> = {
    failSoft: parts.failSoft,
    residual: tf.mean(parts.absE, [2, 3]),
    sigmaMean: tf.mean(parts.sigma, [2, 3]),
    logVol: parts.logVolEpisode,
    bindHard: tf.mean(parts.inside, -1),
    failDeviation: tf.mean(tf.mul(tf.sub(1, parts.insideSoft), deviationT), -1),
    deviation: tf.mean(deviationT, -1),
    expectedHorizon: expectedHorizon(parts.stopLogits),
  };
  return tf.concat(
    EPISODE_STATS.map((name) => tf.reshape(columns[name], [R, B, 1])),
    2,
  );
}
