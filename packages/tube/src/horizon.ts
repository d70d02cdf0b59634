/**
 * The stop head's horizon. Stop logit x_t (t = 1..T) is the hazard `h_t = sigmoid(x_t)` that the
 * commitment ends at step t given it held through t−1. The horizon H ∈ {0..T} counts the steps the
 * commitment holds, so `P(H ≥ t) = Π_{u≤t} (1 − h_u)` and `E[T] := E[H] = Σ_{t=1..T} Π_{u≤t} (1 − h_u)`.
 * The head is trained on the observed first exit of the realised trajectory from the tube (a
 * discrete-time survival likelihood, censored at T). ADR 0202.
 *
 * Source: `001_4e7658869d462183.txt` L55–58 (stop_logit head), L92 ("horizon targets E[T]"), L141
 * (cone stats); SEED-INVENTORY.md §15.5 item 2 (no formula in the seeds).
 */
import { tf, type Tensor } from "@tam/tensor-backend";
import { logSigmoid } from "./log-sigmoid.js";
import { withoutGradient } from "./stop-gradient.js";

/**
 * Expected horizon per episode from stop logits `[..., T]` → `[...]`, in steps, in `[0, T]`.
 *
 * @example
 * ```ts
 * expectedHorizon(tf.fill([1, 4], -100));   // [4]: never stops within T = 4
 * expectedHorizon(tf.fill([1, 4], 0));      // [0.9375] = 1/2 + 1/4 + 1/8 + 1/16
 * ```
 */
export function expectedHorizon(stopLogits: Tensor): Tensor {
  if (stopLogits.rank < 1) throw new Error("Error in expectedHorizon: stopLogits must have rank >= 1 ([..., T]).");
  return tf.tidy(() => tf.sum(tf.exp(tf.cumsum(logSigmoid(tf.neg(stopLogits)), stopLogits.rank - 1)), -1));
}

/**
 * Survival negative log-likelihood per episode of the observed horizon, `[...]`:
 * `−Σ_t [alive_t·log(1 − h_t) + exit_t·log h_t]`, where `alive_t` = inside at every step ≤ t and
 * `exit_t` = first step outside. `inside` is the hard per-step indicator `[..., T]` (no gradient flows
 * into it); `stopLogits` has the same shape.
 */
export function horizonNll(stopLogits: Tensor, inside: Tensor): Tensor {
  if (stopLogits.shape.join(",") !== inside.shape.join(",")) {
    throw new Error(`Error in horizonNll: inside has shape [${inside.shape.join(",")}], stopLogits [${stopLogits.shape.join(",")}]; they must match.`);
  }
  return tf.tidy(() => {
    const axis = stopLogits.rank - 1;
    // alive_t and exit_t as constants: comparisons have no gradient, and `inside` may be on a tape.
    const alive = withoutGradient([inside], (x) => tf.cast(tf.equal(tf.cumsum(tf.sub(1, x), axis), 0), "float32"));
    // first step outside: outside now, inside at every earlier step
    const exit = withoutGradient([inside], (x) => tf.mul(tf.cast(tf.equal(tf.cumsum(tf.sub(1, x), axis), 1), "float32"), tf.sub(1, x)));
    const logStay = logSigmoid(tf.neg(stopLogits));
    const logStop = logSigmoid(stopLogits);
    return tf.neg(tf.sum(tf.add(tf.mul(alive, logStay), tf.mul(exit, logStop)), -1));
  });
}
