/**
 * Run a non-differentiable computation (comparisons, counts) on tensors that are on a gradient tape,
 * returning a result the tape treats as a constant. tfjs has no `stopGradient`; its `customGrad` runs
 * the forward function with tape recording paused, so ops without gradients (`less`, `equal`) inside
 * `fn` never reach backpropagation, and the zero gradient ends the path.
 */
import { tf, type Tensor } from "@tam/tensor-backend";

/** `fn(...inputs)` as a constant for autodiff (zero gradient to every input). */
export function withoutGradient(inputs: readonly Tensor[], fn: (...xs: Tensor[]) => Tensor): Tensor {
  if (inputs.length === 0) throw new Error("Error in withoutGradient: give at least one input tensor.");
  const op = tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, inputs.length) as Tensor[];
    return { value: fn(...xs), gradFunc: () => xs.map((x) => tf.zerosLike(x)) };
  });
  return op(...inputs);
}
