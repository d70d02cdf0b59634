/**
 * Likelihoods of the Distribution Head (seed 002 L1190-1196, SEED-INVENTORY §3.11; ADR 0323): the negative
 * log-likelihood of a Gaussian mixture and of a categorical, as differentiable per-sample tensors, plus the
 * host-side mixture CDF (the PIT `z = F_Y(y)` of the offline calibration monitor, L1215-1217).
 */
import { tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";

/** `½ log 2π`. */
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Per-sample NLL of a Gaussian mixture: `−log Σ_k softmax(ℓ)_k N(y; μ_k, σ_k²)`, computed with a
 * log-sum-exp so far-away components never underflow. `logits`, `means`, `logSigmas` are `[B, M]`,
 * `target` is `[B, 1]`.
 *
 * @example
 * ```ts
 * const nll = gaussianMixtureNll(tf.zeros([1, 2]), tf.tensor2d([[-1, 1]]), tf.zeros([1, 2]), tf.tensor2d([[1]]));
 * ```
 * @throws Error naming `gaussianMixtureNll` and the shapes when they disagree.
 */
export function gaussianMixtureNll(logits: Tensor2D, means: Tensor2D, logSigmas: Tensor2D, target: Tensor2D): Tensor1D {
  const [b, m] = logits.shape;
  for (const [name, t] of [
    ["means", means],
    ["logSigmas", logSigmas],
  ] as const) {
    if (t.shape[0] !== b || t.shape[1] !== m) throw new Error(`Error in gaussianMixtureNll: ${name} must be [${b},${m}] like logits, got [${t.shape.join(",")}].`);
  }
  if (target.shape[0] !== b || target.shape[1] !== 1) throw new Error(`Error in gaussianMixtureNll: target must be [${b},1], got [${target.shape.join(",")}].`);
  return tf.tidy(() => {
    const z = tf.div(tf.sub(target, means), tf.exp(logSigmas));
    const logComponent = tf.sub(tf.neg(tf.add(logSigmas, HALF_LOG_TWO_PI)), tf.mul(0.5, tf.square(z)));
    return tf.neg<Tensor1D>(tf.logSumExp(tf.add(tf.logSoftmax(logits), logComponent), 1));
  });
}

/**
 * Per-sample NLL of a categorical: `−Σ_b y_b log softmax(ℓ)_b` with `logits` and one-hot `target` `[B, K]`.
 *
 * @throws Error naming `categoricalNll` when the shapes differ.
 */
export function categoricalNll(logits: Tensor2D, target: Tensor2D): Tensor1D {
  if (logits.shape[0] !== target.shape[0] || logits.shape[1] !== target.shape[1]) {
    throw new Error(`Error in categoricalNll: logits [${logits.shape.join(",")}] and target [${target.shape.join(",")}] differ in shape.`);
  }
  return tf.tidy(() => tf.neg<Tensor1D>(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
}

/**
 * Mixture mean `Σ_k softmax(ℓ)_k μ_k` as `[B, 1]` (the deterministic "mean" selection, L1300).
 */
export function gaussianMixtureMean(logits: Tensor2D, means: Tensor2D): Tensor2D {
  return tf.tidy(() => tf.sum<Tensor2D>(tf.mul(tf.softmax(logits), means), 1, true));
}

/**
 * The standard normal CDF `Φ(x) = ½(1 + erf(x/√2))` on the host, with erf from Abramowitz and Stegun
 * 7.1.26 (absolute error below 1.5e-7: ample for PIT values and KS statistics).
 */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Abramowitz and Stegun 7.1.26: `erf(x) ≈ 1 − (a1 t + … + a5 t⁵) e^{−x²}`, `t = 1/(1 + p x)`, odd in x. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const value = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? value : -value;
}

/**
 * PIT `F_Y(y) = Σ_k π_k Φ((y − μ_k)/σ_k)` of one sample from mixture weights, means and standard deviations
 * (host arrays of equal length).
 *
 * @throws Error naming `gaussianMixtureCdf` when the arrays differ in length or a σ is not positive.
 */
export function gaussianMixtureCdf(weights: ArrayLike<number>, means: ArrayLike<number>, sigmas: ArrayLike<number>, y: number): number {
  if (weights.length !== means.length || weights.length !== sigmas.length) {
    throw new Error(`Error in gaussianMixtureCdf: weights (${weights.length}), means (${means.length}) and sigmas (${sigmas.length}) must have one entry per component.`);
  }
  let f = 0;
  for (let k = 0; k < weights.length; k += 1) {
    const sigma = sigmas[k] as number;
    if (!(sigma > 0)) throw new Error(`Error in gaussianMixtureCdf: sigma ${k} must be > 0, got ${sigma}.`);
    f += (weights[k] as number) * normalCdf((y - (means[k] as number)) / sigma);
  }
  return Math.min(1, Math.max(0, f));
}
