/**
 * Volume terms of the tube loss. The base term is `log_vol = mean log σ` ("log cone vol", natural log),
 * unbounded below; the seed's options A, B and C are separate functions the loss switches on by flag.
 *
 * Source: `000_e13b841348682d63.txt` §3 L121–153 (A: barrier L137, B: relative L141–145, C: change L151);
 * SEED-INVENTORY.md §5.3, C-26 (the implemented set used none of A/B/C: they stay optional).
 */
import { tf, type Tensor } from "@tam/tensor-backend";

/**
 * Mean log σ over the last two axes `[..., T, D]` → `[...]`.
 *
 * @example
 * ```ts
 * logVolume(tf.log(tf.fill([2, 8, 2], 0.1)));   // [-2.303, -2.303]
 * ```
 */
export function logVolume(logSigma: Tensor): Tensor {
  if (logSigma.rank < 2) throw new Error(`Error in logVolume: logSigma must have rank >= 2, got shape [${logSigma.shape.join(",")}].`);
  return tf.tidy(() => tf.mean(logSigma, [-2, -1]));
}

/**
 * Option A, a soft barrier near the floor: `mean softplus(log σ_min − log σ)` over `[..., T, D]`.
 * Pass the log σ before the floor clamp, so the optimizer feels the floor before it hits it.
 */
export function volumeBarrier(logSigmaRaw: Tensor, sigmaFloor: number): Tensor {
  if (!(Number.isFinite(sigmaFloor) && sigmaFloor > 0)) throw new Error(`Error in volumeBarrier: sigmaFloor must be finite and > 0, got ${sigmaFloor}.`);
  return tf.tidy(() => tf.mean(tf.softplus(tf.sub(Math.log(sigmaFloor), logSigmaRaw)), [-2, -1]));
}

/**
 * Option B, volume relative to a reference scale: `mean log(σ / σ_ref)` over `[..., T, D]`.
 * `logSigmaRef` broadcasts against `logSigma` (for example a per-episode `[..., 1, 1]` from a per-rule
 * running residual). Its gradient in σ equals {@link logVolume}'s; it moves the reported volume into the
 * environment's units, not the optimum.
 */
export function relativeLogVolume(logSigma: Tensor, logSigmaRef: Tensor): Tensor {
  return tf.tidy(() => tf.mean(tf.sub(logSigma, logSigmaRef), [-2, -1]));
}

/** Option C, the homeostasis prior on volume change: `η·(log V_t − log V_{t−1})²`, elementwise. */
export function volumeChangePenalty(logVol: Tensor, previousLogVol: Tensor, eta: number): Tensor {
  if (!(Number.isFinite(eta) && eta >= 0)) throw new Error(`Error in volumeChangePenalty: eta must be finite and >= 0, got ${eta}.`);
  return tf.tidy(() => tf.mul(tf.square(tf.sub(logVol, previousLogVol)), eta));
}
