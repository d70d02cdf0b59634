/**
 * Hard bind (reporting only): a timestep is inside when every dimension has `|τ − μ| < k·σ` (strict);
 * bind is the fraction of timesteps inside. Piecewise constant in μ and σ, so it is never a training
 * signal (000 L84–91).
 *
 * Source: `000_e13b841348682d63.txt` §2 L76–91 (`inside = (abs(err) < k*sigma).all(dim=-1).float()`).
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { checkBindInputs, checkPositive } from "./bind-inputs.js";
import { BIND_WIDTH_K } from "./constants.js";

/**
 * Per-timestep hard inside indicator (float 0/1), shape `[..., T]`.
 *
 * @example
 * ```ts
 * const inside = hardInside(tf.zeros([4, 2]), tf.ones([4, 2]), tf.fill([4, 2], 3));   // all 0: |3| ≥ 2·1
 * ```
 */
export function hardInside(mu: Tensor, sigma: Tensor, traj: Tensor, k: number = BIND_WIDTH_K): Tensor {
  checkBindInputs("hardInside", mu, sigma, traj);
  checkPositive("hardInside", "k", k);
  return tf.tidy(() => tf.min(tf.cast(tf.less(tf.abs(tf.sub(traj, mu)), tf.mul(sigma, k)), "float32"), -1));
}

/** Hard bind rate per episode: the mean over T of {@link hardInside}, shape `[...]`. */
export function hardBind(mu: Tensor, sigma: Tensor, traj: Tensor, k: number = BIND_WIDTH_K): Tensor {
  return tf.tidy(() => tf.mean(hardInside(mu, sigma, traj, k), -1));
}
