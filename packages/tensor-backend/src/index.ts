/**
 * `@tam/tensor-backend`: TensorFlow.js behind one typed door for every TAM package.
 *
 * Backend choice (`initBackend`, `backendInfo`), seeded randomness (`createRng`), sparse COO matrices and
 * their products, kernels the wasm backend lacks, initialisers, nn helpers (soft-threshold, LayerNorm,
 * diagonal Gaussian, Adam with readable moments) and checkpoints. `tf` is TensorFlow.js itself.
 *
 * @example
 * ```ts
 * import { initBackend, createRng, randomNormal, tf } from "@tam/tensor-backend";
 * await initBackend();
 * const x = randomNormal(createRng(42), [2, 3]);
 * tf.matMul(x, x, false, true).print();
 * ```
 * @packageDocumentation
 */

// TensorFlow.js itself.
export { tf } from "./tf.js";
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
} from "./tf.js";

// Backend choice.
export { BACKEND_ENV_VAR, BACKEND_PREFERENCE, isBackendName, type BackendName } from "./backend/backend-name.js";
export {
  backendInfo,
  initBackend,
  type BackendAttempt,
  type BackendInfo,
  type InitBackendOptions,
} from "./backend/init-backend.js";

// Kernels missing on wasm.
export { registerWasmKernels, WASM_BRIDGED_KERNELS } from "./kernels/register-wasm-kernels.js";
export { guardWasmKernels, WASM_GUARDED_KERNELS } from "./kernels/wasm-correctness-guards.js";

// Seeded randomness.
export { createRng, type Rng, type RngSeed } from "./rng/rng.js";
export {
  randomNormal,
  randomUniform,
  type RandomNormalOptions,
  type RandomUniformOptions,
} from "./rng/random-tensors.js";

// Sparse COO matrices.
export { SparseFormatError, type SparseFormatErrorCode } from "./sparse/sparse-format-error.js";
export {
  disposeSparse,
  sparseMatrix,
  sparseNnz,
  sparseWithValues,
  validateSparse,
  type SparseMatrix,
  type SparseMatrixInit,
} from "./sparse/sparse-matrix.js";
export { coalesce } from "./sparse/coalesce.js";
export { sparseFromDense } from "./sparse/sparse-from-dense.js";
export { sparseToDense } from "./sparse/sparse-to-dense.js";
export { sparseTranspose } from "./sparse/sparse-transpose.js";
export {
  denseSparseMatMul,
  sparseDenseMatMul,
  type DenseSparseMatMulOptions,
  type SparseDenseMatMulOptions,
} from "./sparse/sparse-dense-mat-mul.js";
export { denseSparseMatMulReference, sparseDenseMatMulReference } from "./sparse/sparse-dense-mat-mul-reference.js";

// Initialisers.
export { blockIdentityInit, identityInit, type IdentityInitOptions } from "./init/identity-init.js";
export {
  randomSparseTemporalWeights,
  SPARSE_TEMPORAL_ACTIVE_COUNT,
  SPARSE_TEMPORAL_HIGH,
  SPARSE_TEMPORAL_LOW,
  type SparseTemporalWeightsOptions,
} from "./init/random-sparse-temporal-weights.js";
export {
  orthogonalPalette,
  quasiRandomPalette,
  type OrthogonalPaletteOptions,
  type QuasiRandomPaletteOptions,
} from "./init/palette.js";

// nn helpers.
export { softThreshold } from "./nn/soft-threshold.js";
export { LAYER_NORM_EPSILON, layerNorm, type LayerNormOptions } from "./nn/layer-norm.js";
export { diagGaussianKl, diagGaussianSample, type DiagGaussianPrior } from "./nn/diag-gaussian.js";
export { ADAM_DEFAULTS, AdamWithMoments, type AdamOptions } from "./nn/adam-with-moments.js";

// Config validation (zod), with errors that name the field and its value.
export { parseConfig } from "./config/parse-config.js";

// Checkpoints.
export { CheckpointError, type CheckpointErrorCode } from "./checkpoint/checkpoint-error.js";
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointDtype,
  type CheckpointEntry,
  type CheckpointManifest,
} from "./checkpoint/checkpoint-manifest.js";
export {
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  type LoadedCheckpoint,
  type RestoreCheckpointOptions,
  type SaveCheckpointOptions,
} from "./checkpoint/checkpoint.js";

// Fast paths: nnz-scaled sparse kernels (WebAssembly SIMD, every backend, with gradients),
// explicit-transpose matMul on wasm (installed by initBackend), and a fused dense-stack trainer.
export {
  DenseStackTrainer,
  TAM_SDDMM,
  TAM_SPMM,
  denseSpmm,
  installExplicitTransposeMatMul,
  installFastPaths,
  spmm,
  uninstallExplicitTransposeMatMul,
  type DenseStackAdamConfig,
  type DenseStackConfig,
  type DenseStackParams,
  type FastPathsReport,
} from "./fast/index.js";
