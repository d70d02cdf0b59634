/**
 * Fast paths of @tam/tensor-backend: sparse × dense products with WebAssembly SIMD kernels (forward
 * and backward, every backend), explicit-transpose matMul on wasm, and a fused dense-stack trainer.
 * Re-exported by the package's index.ts.
 */
export { spmm } from "./spmm.js";
export { denseSpmm } from "./dense-spmm.js";
export { installFastPaths, type FastPathsReport } from "./install-fast-paths.js";
export { installExplicitTransposeMatMul, uninstallExplicitTransposeMatMul } from "./explicit-transpose-matmul.js";
export {
  DenseStackTrainer,
  type DenseStackConfig,
  type DenseStackAdamConfig,
  type DenseStackParams,
} from "./dense-stack.js";
export { TAM_SPMM, TAM_SDDMM } from "./kernel-names.js";
