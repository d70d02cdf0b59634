/**
 * `log sigmoid(x) = −softplus(−x)`, stable for large |x|, built from ops whose gradients save their
 * inputs. (tfjs 4.22's `tf.logSigmoid` is a custom-gradient op whose backward closes over an input
 * that a nested `tf.tidy` may already have freed, which breaks gradients inside tidied loss code.)
 */
import { tf, type Tensor } from "@tam/tensor-backend";

/** Elementwise log sigmoid, differentiable inside nested `tf.tidy` scopes. */
export function logSigmoid(x: Tensor): Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))));
}
