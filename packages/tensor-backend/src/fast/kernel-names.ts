/**
 * Names of the kernels this package registers with TensorFlow.js (one table, as in tfjs-core's
 * kernel_names.ts). Prefixed with `Tam` so they never collide with tfjs's own kernels.
 */

/** Sparse (COO) × dense product, A·B or Aᵀ·B. Inputs: rows, cols, values, dense. Attrs: shape, transposeA. */
export const TAM_SPMM = "TamSpmm";
/** Sampled dense-dense product out[k] = G[gIdx[k], :] · B[bIdx[k], :]. Inputs: gIdx, bIdx, g, b. */
export const TAM_SDDMM = "TamSddmm";
/** Backends the TAM kernels are registered for up front (others get them on first use). */
export const TAM_KERNEL_BACKENDS = ["cpu", "wasm", "tensorflow"] as const;
