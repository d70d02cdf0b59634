/**
 * Layer normalisation over the last axis, with or without an affine gain and bias (SEED-INVENTORY
 * TB-12; seed 001 L175-177, L222-224).
 *
 * Caution (SEED-INVENTORY D-9): per-sample LayerNorm removes the mean and scale, so over 2-4 features it
 * collapses the input to a sign, a circle or a sphere; choose the feature size accordingly.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor, Tensor1D } from "@tensorflow/tfjs";

/** Default variance floor: PyTorch `nn.LayerNorm`'s `eps=1e-5`, the library the seed's code uses (001). */
export const LAYER_NORM_EPSILON = 1e-5;

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Per-feature scale `[features]` (affine LayerNorm). */
  readonly gain?: Tensor1D;
  /** Per-feature shift `[features]` (affine LayerNorm). */
  readonly bias?: Tensor1D;
  /** Added to the variance (default {@link LAYER_NORM_EPSILON}). */
  readonly epsilon?: number;
}

/**
 * `(x - mean) / sqrt(var + epsilon) * gain + bias` over the last axis (biased variance, as PyTorch).
 *
 * @example
 * ```ts
 * const y = layerNorm(tf.tensor2d([[1, 2, 3]]));                       // mean 0, variance ~1 per row
 * const z = layerNorm(x, { gain: tf.ones([3]), bias: tf.zeros([3]) });  // affine
 * ```
 * @throws Error naming the option and shapes when gain or bias does not match the last axis.
 */
export function layerNorm<T extends Tensor>(x: T, options: LayerNormOptions = {}): T {
  const epsilon = options.epsilon ?? LAYER_NORM_EPSILON;
  if (x.rank < 1) throw new Error("Error in layerNorm: x must have rank >= 1, got a scalar.");
  if (!(Number.isFinite(epsilon) && epsilon > 0)) {
    throw new Error(`Error in layerNorm: epsilon must be finite and > 0, got ${epsilon}.`);
  }
  const features = x.shape[x.rank - 1] as number;
  for (const [name, p] of [["gain", options.gain], ["bias", options.bias]] as const) {
    if (p !== undefined && (p.rank !== 1 || p.shape[0] !== features)) {
      throw new Error(
        `Error in layerNorm: ${name} must have shape [${features}] to match x's last axis (x shape [${x.shape.join(",")}]), got [${p.shape.join(",")}].`,
      );
    }
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    let y: Tensor = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    if (options.gain !== undefined) y = tf.mul(y, options.gain);
    if (options.bias !== undefined) y = tf.add(y, options.bias);
    return y;
  }) as T;
}
