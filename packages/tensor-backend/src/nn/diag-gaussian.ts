/**
 * Diagonal Gaussian: reparameterised sample and analytic KL (SEED-INVENTORY TB-13; seed 001 L22-27,
 * L100). The seed leaves the prior open (§15); the default here is the standard normal, and any diagonal
 * Gaussian prior can be passed.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "@tensorflow/tfjs";

import type { Rng } from "../rng/rng.js";

/** A diagonal Gaussian prior given by its mean and log standard deviation (broadcastable). */
export interface DiagGaussianPrior {
  /** Prior mean. */
  readonly mean: Tensor;
  /** Prior log standard deviation. */
  readonly logStd: Tensor;
}

/**
 * `z = mean + exp(logStd) · eps`, `eps ~ N(0, I)` seeded from `rng`; differentiable to `mean` and `logStd`.
 *
 * @example
 * ```ts
 * const z = diagGaussianSample(createRng(0), tf.zeros([8, 4]), tf.fill([8, 4], -1));
 * ```
 * @throws Error naming both shapes when `mean` and `logStd` differ in shape.
 */
export function diagGaussianSample<T extends Tensor>(rng: Rng, mean: T, logStd: T): T {
  checkSame("diagGaussianSample", mean, logStd);
  const seed = rng.nextSeed();
  return tf.tidy((): T => tf.add(mean, tf.mul(tf.exp(logStd), tf.randomNormal(mean.shape, 0, 1, "float32", seed))));
}

/**
 * `KL(N(mean, exp(logStd)²) ‖ prior)` summed over the last axis (one value per row); the prior defaults
 * to N(0, I). Per dimension: `log σp - log σ + (σ² + (μ - μp)²) / (2 σp²) - 1/2`.
 *
 * @example
 * ```ts
 * const kl = diagGaussianKl(mu, logStd);   // shape = mu.shape without its last axis
 * ```
 */
export function diagGaussianKl(mean: Tensor, logStd: Tensor, prior?: DiagGaussianPrior): Tensor {
  checkSame("diagGaussianKl", mean, logStd);
  if (mean.rank < 1) throw new Error("Error in diagGaussianKl: mean must have rank >= 1, got a scalar.");
  return tf.tidy(() => {
    const priorMean = prior?.mean ?? tf.zerosLike(mean);
    const priorLogStd = prior?.logStd ?? tf.zerosLike(logStd);
    const variance = tf.exp(tf.mul(logStd, 2));
    const priorVariance = tf.exp(tf.mul(priorLogStd, 2));
    const perDim = tf.sub(
      tf.add(tf.sub(priorLogStd, logStd), tf.div(tf.add(variance, tf.square(tf.sub(mean, priorMean))), tf.mul(priorVariance, 2))),
      0.5,
    );
    return tf.sum(perDim, -1);
  });
}

function checkSame(op: string, mean: Tensor, logStd: Tensor): void {
  if (mean.shape.length !== logStd.shape.length || mean.shape.some((d, i) => d !== logStd.shape[i])) {
    throw new Error(
      `Error in ${op}: mean and logStd must have the same shape, got [${mean.shape.join(",")}] and [${logStd.shape.join(",")}].`,
    );
  }
}
