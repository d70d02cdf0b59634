/**
 * TensorFlow.js, re-exported through the one door of `@tam/tensor-backend`.
 *
 * Other TAM packages never import `@tensorflow/*`; they take `tf` and the tensor types from here, so the
 * backend stays swappable and the seam stays typed. The union package `@tensorflow/tfjs` is imported (not
 * `tfjs-core`) because only the union import registers the gradient functions training needs
 * (shared/TOOLCHAIN.md, "Gradients"). Importing it has side effects: it registers kernels, gradients and
 * the `cpu` backend.
 */
import * as tf from "@tensorflow/tfjs";

export { tf };

export type {
  DataType,
  NamedTensorMap,
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorContainer,
  TensorLike,
  TypedArray,
  Variable,
} from "@tensorflow/tfjs";
