/**
 * The two gradients every probed model (the stacks, the stencil net) reads for the planner: the toggle-mask
 * gradient of all of an object's cells (seed L1633) and the gradient of its Hot values, both one
 * forward/backward through the model's own loss with probe options, read to the host.
 */
import { tf, type Rank, type Scalar, type Tensor, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import type { Batch } from "./loss.js";

/**
 * The probe options these gradients pass (a part of the models' `ProbeForwardOptions`, restated here so that
 * this file, which the models import, imports none of them).
 */
export interface GradientProbeOptions {
  /** Replacement Hot values by object id. */
  readonly hotValues?: ReadonlyMap<string, Tensor1D>;
  /** A dense term on one object (the all-cells toggle-mask probe). */
  readonly denseProbe?: { readonly objectId: string; readonly matrix: Tensor2D };
}

/** A model's loss on a batch under probe options. */
export type ProbedLoss = (batch: Batch, options: GradientProbeOptions) => Scalar;

/**
 * `y + 0·Σx`: keeps `x` on the tape when nothing downstream reads it yet (an empty next layer), so the
 * gradient is an exact 0 instead of a "cannot compute gradient" error.
 */
export function connected(y: Tensor, x: Tensor): Scalar {
  return tf.add<Scalar>(y, tf.mul(0, tf.sum(x)));
}

/**
 * The toggle-mask probe on every cell of an object at once: `M' = M ∪ all cells` with the added cells at 0,
 * one backward. Returns `∂L/∂W` as a dense row-major `shape` array (Hot cells included); the model is untouched.
 */
export function toggleMaskGradientOf(loss: ProbedLoss, batch: Batch, objectId: string, shape: readonly [number, number]): Float32Array {
  const grad = tf.tidy(() => {
    const zeros = tf.zeros<Rank.R2>([shape[0], shape[1]]);
    return tf.grad((matrix) => connected(loss(batch, { denseProbe: { objectId, matrix: matrix as Tensor2D } }), matrix))(zeros);
  });
  const out = Float32Array.from(grad.dataSync());
  grad.dispose();
  return out;
}

/** `∂L/∂values` of an object's Hot values, taken at `values` (its Hot values or their effective form), aligned with its keys. */
export function hotGradientOf(loss: ProbedLoss, batch: Batch, objectId: string, values: Tensor): Float32Array {
  const grad = tf.tidy(() => tf.grad((v) => connected(loss(batch, { hotValues: new Map([[objectId, v as Tensor1D]]) }), v))(values));
  const out = Float32Array.from(grad.dataSync());
  grad.dispose();
  return out;
}
