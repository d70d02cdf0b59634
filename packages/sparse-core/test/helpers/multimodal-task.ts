// Test helper: a 1-D task whose outcome is two-valued in one region (x > 0.5: y = g(x) ± 1.5) and
// deterministic elsewhere, with a Distribution Head's batches (state = [x], point = g(x)).
import { tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";
import type { DistributionBatch, DistributionBatchSource } from "../../src/index.js";

/** Where the outcome is two-valued. */
export const MULTIMODAL_FROM = 0.5;
/** Half the distance between the two outcomes. */
export const MODE_OFFSET = 1.5;
/** Noise std of every outcome. */
export const NOISE_STD = 0.2;

/** Batches of the task; `multimodal: false` gives the deterministic control (no coin flip anywhere). */
export function taskBatch(rng: Rng, size: number, multimodal: boolean): DistributionBatch {
  return tf.tidy(() => {
    const x = tf.randomUniform<Rank.R2>([size, 1], -2, 2, "float32", rng.nextSeed());
    const g = tf.sin<Tensor2D>(tf.mul(x, 1.5));
    const coin = tf.sub(tf.mul(tf.floor(tf.randomUniform([size, 1], 0, 2, "float32", rng.nextSeed())), 2), 1);
    const inRegion = tf.cast(tf.greater(x, MULTIMODAL_FROM), "float32");
    const flip = multimodal ? tf.mul(tf.mul(inRegion, coin), MODE_OFFSET) : tf.zerosLike(x);
    const target = tf.add<Tensor2D>(tf.add(g, flip), tf.randomNormal([size, 1], 0, NOISE_STD, "float32", rng.nextSeed()));
    return { state: x, point: g, target };
  });
}

/** A planner source over the task (separate streams per purpose). */
export function taskSource(rng: Rng, size: number, multimodal: boolean): DistributionBatchSource {
  const streams = { buffer: rng.fork("buffer"), rollout: rng.fork("rollout"), eval: rng.fork("eval") };
  return { next: (purpose) => taskBatch(streams[purpose], size, multimodal) };
}
