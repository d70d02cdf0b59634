/**
 * Losses a SparseMaskedNN trains on (SEED-INVENTORY §15.3 item 1 leaves the loss to the user; ADR 0302).
 * Both are means over the batch, so ΔLoss values are comparable across batch sizes.
 */
import { tf, type Scalar, type Tensor2D } from "@tam/tensor-backend";

/** The losses a {@link SparseMaskedStack} knows. */
export const LOSS_KINDS = ["mse", "softmax-cross-entropy"] as const;

/** One of {@link LOSS_KINDS}. */
export type LossKind = (typeof LOSS_KINDS)[number];

/** A batch: inputs `x [B, in]` and targets `y [B, out]` (one-hot for cross-entropy). */
export interface Batch {
  readonly x: Tensor2D;
  readonly y: Tensor2D;
}

/**
 * Mean loss of predictions against targets: `mse` = mean over entries of `(ŷ - y)²`;
 * `softmax-cross-entropy` = mean over rows of `-Σ y log softmax(ŷ)`.
 *
 * @throws Error naming `computeLoss` when the shapes differ.
 */
export function computeLoss(kind: LossKind, prediction: Tensor2D, target: Tensor2D): Scalar {
  if (prediction.shape[0] !== target.shape[0] || prediction.shape[1] !== target.shape[1]) {
    throw new Error(`Error in computeLoss: prediction [${prediction.shape.join(",")}] and target [${target.shape.join(",")}] differ in shape.`);
  }
  return tf.tidy(() => {
    if (kind === "mse") return tf.mean(tf.square(tf.sub(prediction, target)));
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(prediction)), 1)));
  });
}

/** Dispose a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
}
