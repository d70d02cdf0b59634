/**
 * Gradient plumbing the objective needs (ADR 0503): a stop-gradient, a gradient scale, and the
 * straight-through band indicator whose value is the exact RangeUtil indicator of seed
 * `004_b9e7278aec0f8932.txt` L107 and whose gradient is that of a soft band.
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

/** `x` in the forward pass, zero gradient in the backward pass. */
export function stopGradient<T extends Tensor>(x: T): T {
  const op = tf.customGrad((...args: unknown[]) => ({ value: (args[0] as Tensor).clone(), gradFunc: (dy: Tensor) => tf.zerosLike(dy) }));
  return op(x) as T;
}

/** `x` in the forward pass, `factor · dy` in the backward pass. */
export function scaleGradient<T extends Tensor>(x: T, factor: number): T {
  if (!Number.isFinite(factor)) throw new Error(`Error in scaleGradient: factor must be finite, got ${factor}.`);
  const op = tf.customGrad((...args: unknown[]) => ({ value: (args[0] as Tensor).clone(), gradFunc: (dy: Tensor) => tf.mul(dy, factor) }));
  return op(x) as T;
}

/**
 * Indicator of `low ≤ s ≤ high` (exactly 0 or 1) with a surrogate gradient that pulls into the band
 * from anywhere (ADR 0503): outside the band the slope of the hinge `−dist(s, band)/(high − low)`
 * (±1/(high − low): the indicator flips over about one band width), plus inside the band the slope of
 * the soft band `σ((s − low)/width)·σ((high − s)/width)`, which keeps samples away from the edges.
 *
 * @example
 * ```ts
 * straightThroughBand(tf.tensor1d([0.1, 0.5]), 0.3, 0.7, 0.05).dataSync(); // [0, 1]
 * ```
 */
export function straightThroughBand(s: Tensor, low: number, high: number, width: number): Tensor {
  if (!(low < high)) throw new Error(`Error in straightThroughBand: low must be < high, got low=${low}, high=${high}.`);
  if (!(width > 0)) throw new Error(`Error in straightThroughBand: width must be > 0, got ${width}.`);
  const op = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as Tensor;
    (args[1] as (tensors: Tensor[]) => void)([input]);
    const value = tf.tidy(() => tf.mul(tf.cast(tf.greaterEqual(input, low), "float32"), tf.cast(tf.lessEqual(input, high), "float32")));
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const x = saved[0] as Tensor;
        const below = tf.cast(tf.less(x, low), "float32");
        const above = tf.cast(tf.greater(x, high), "float32");
        const hinge = tf.div(tf.sub(below, above), high - low);
        const lo = tf.sigmoid(tf.div(tf.sub(x, low), width));
        const hi = tf.sigmoid(tf.div(tf.sub(high, x), width));
        // d/dx [lo·hi] = lo(1−lo)/w · hi − lo · hi(1−hi)/w, only inside the band
        const soft = tf.div(tf.sub(tf.mul(tf.mul(lo, tf.sub(1, lo)), hi), tf.mul(lo, tf.mul(hi, tf.sub(1, hi)))), width);
        const inside = tf.sub(1, tf.add(below, above));
        return tf.mul(dy, tf.add(hinge, tf.mul(inside, soft)));
      },
    };
  });
  return op(s);
}
