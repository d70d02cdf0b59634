/**
 * NoiseLeak (seed `004_b9e7278aec0f8932.txt` L32, L109): `Var(S̄ | inputs)_residual / Var(S̄)`, the
 * share of S̄'s variance over a window that the modelled inputs do not explain. The regression
 * (ADR 0502): ordinary least squares of the observed S̄ on the modelled, noise-free activity (the
 * receptor network's output on the same bound drive, gain and allosteric factor, without the
 * postsynaptic noise), with an intercept, per (area, receptor), over the window. Its residual
 * variance share is `1 − R² = 1 − cov(x, y)² / (var(x)·var(y))`, clamped to [0, 1]; a window with no
 * variance at all leaks fully (1).
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

import { METRIC_EPSILON } from "./constants.js";
import { assertNonEmpty } from "./non-empty.js";

/**
 * NoiseLeak over the window on axis 0.
 *
 * @param observed - S̄ over the window, `[W, ...]`.
 * @param modelled - the modelled (noise-free) activity over the same ticks, same shape.
 * @returns `[...]`, in [0, 1].
 *
 * @example
 * ```ts
 * const x = tf.tensor1d([0, 1, 2, 3]);
 * noiseLeak(tf.mul(x, 2), x).dataSync(); // [0]: fully explained
 * noiseLeak(tf.tensor1d([1, -1, 1, -1]), tf.tensor1d([0, 0, 1, 1])).dataSync(); // [1]: unexplained
 * ```
 */
export function noiseLeak(observed: Tensor, modelled: Tensor): Tensor {
  if (observed.shape.length !== modelled.shape.length || observed.shape.some((d, i) => d !== modelled.shape[i])) {
    throw new Error(`Error in noiseLeak: observed [${observed.shape.join(",")}] and modelled [${modelled.shape.join(",")}] must have the same shape.`);
  }
  assertNonEmpty("noiseLeak", "observed", observed, 0);
  return tf.tidy(() => {
    const y = tf.sub(observed, tf.mean(observed, 0));
    const x = tf.sub(modelled, tf.mean(modelled, 0));
    const cov = tf.mean(tf.mul(x, y), 0);
    const varX = tf.mean(tf.square(x), 0);
    const varY = tf.mean(tf.square(y), 0);
    const explained = tf.div(tf.square(cov), tf.add(tf.mul(varX, varY), METRIC_EPSILON * METRIC_EPSILON));
    return tf.clipByValue(tf.sub(1, explained), 0, 1);
  });
}
