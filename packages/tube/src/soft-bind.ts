/**
 * Soft bind (training): margin `m = k·σ − |τ − μ|` (positive = inside), `p = sigmoid(γ·m)`, product over
 * dimensions, mean over time. Differentiable in μ and σ, unlike the hard bind, so the failure price
 * has a gradient to push against the volume term.
 *
 * Source: `000_e13b841348682d63.txt` §2 L93–117 and §7 L243–251 (`compute_soft_fail`, k = 2, γ = 25).
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { checkBindInputs, checkPositive } from "./bind-inputs.js";
import { BIND_WIDTH_K, SOFT_BIND_GAMMA } from "./constants.js";
import { logSigmoid } from "./log-sigmoid.js";

/** Options of {@link softBind}. */
export interface SoftBindOptions {
  /** Width multiplier k (default 2, 000 L243). */
  readonly k?: number;
  /** Sigmoid sharpness γ (default 25, 000 L243; the seed suggests 10–50 "depending on scale"). */
  readonly gamma?: number;
}

/** Soft bind and soft fail per episode (shape = the input shape without its last two axes). */
export interface SoftBindResult {
  readonly bindSoft: Tensor;
  readonly failSoft: Tensor;
}

/**
 * Soft bind of trajectories `traj` in tubes `(mu, sigma)`, all shaped `[..., T, D]`.
 * The product over D is computed as `exp(Σ_d logSigmoid(γ·m))`, which is stable for large |γ·m|.
 * The caller owns (and disposes) the results.
 *
 * @example
 * ```ts
 * const mu = tf.zeros([1, 3, 2]), sigma = tf.fill([1, 3, 2], 0.1), traj = tf.zeros([1, 3, 2]);
 * const { bindSoft, failSoft } = softBind(mu, sigma, traj);   // bindSoft ≈ sigmoid(25·0.2)² ≈ 0.987
 * ```
 */
export function softBind(mu: Tensor, sigma: Tensor, traj: Tensor, options: SoftBindOptions = {}): SoftBindResult {
  const k = options.k ?? BIND_WIDTH_K;
  const gamma = options.gamma ?? SOFT_BIND_GAMMA;
  checkBindInputs("softBind", mu, sigma, traj);
  checkPositive("softBind", "k", k);
  checkPositive("softBind", "gamma", gamma);
  return tf.tidy(() => {
    const bindSoft = tf.mean(softInsideSteps(mu, sigma, traj, k, gamma), -1);
    return { bindSoft, failSoft: tf.sub(1, bindSoft) };
  });
}

/**
 * Soft inside probability per timestep, `p_t = Π_d sigmoid(γ·(k·σ[t,d] − |τ[t,d] − μ[t,d]|))`, shape
 * `[..., T]`. Inputs broadcast (for example τ `[B, T, D]` against μ `[R, B, T, D]`); no checks.
 */
export function softInsideSteps(mu: Tensor, sigma: Tensor, traj: Tensor, k: number, gamma: number): Tensor {
  return tf.tidy(() => {
    const margin = tf.sub(tf.mul(sigma, k), tf.abs(tf.sub(traj, mu)));
    return tf.exp(tf.sum(logSigmoid(tf.mul(margin, gamma)), -1));
  });
}
