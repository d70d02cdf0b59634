/**
 * Gradient of TamSpmm (Y = A·B, or Aᵀ·B with transposeA):
 *   d/dvalues[k] = dY[row_k, :] · B[col_k, :]   (dY[col_k, :] · B[row_k, :] when transposed), a
 *                  sampled dense-dense product (TamSddmm) whose cost scales with nnz;
 *   d/dB         = Aᵀ·dY (A·dY when transposed): the same kernel with the other transpose.
 * Indices get zero gradients (they are not differentiable). TamSddmm itself has no gradient
 * registered, so second derivatives through spmm's values are not available.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "@tensorflow/tfjs";
import { TAM_SDDMM, TAM_SPMM } from "./kernel-names.js";

let registered = false;

/** Whether registerSpmmGradients has run (or another copy registered the gradient). */
export function gradientsRegistered(): boolean {
  registered ||= (tf.getGradient(TAM_SPMM) as unknown) !== undefined;
  return registered;
}

/** Register the TamSpmm gradient with tfjs (once). */
export function registerSpmmGradients(): void {
  if (gradientsRegistered()) return;
  tf.registerGradient({
    kernelName: TAM_SPMM,
    inputsToSave: ["rows", "cols", "values", "dense"],
    gradFunc: (dy, saved, attrs) => {
      const [rows, cols, values, dense] = saved;
      if (rows === undefined || cols === undefined || values === undefined || dense === undefined) {
        throw new Error(`internal: ${TAM_SPMM} gradient is missing saved inputs`);
      }
      const g = dy as Tensor;
      const transposeA = attrs["transposeA"] === true;
      return {
        rows: () => tf.zerosLike(rows),
        cols: () => tf.zerosLike(cols),
        values: () =>
          tf.engine().runKernel<Tensor>(TAM_SDDMM, {
            gIdx: transposeA ? cols : rows,
            bIdx: transposeA ? rows : cols,
            g,
            b: dense,
          }),
        dense: () =>
          tf.engine().runKernel<Tensor>(
            TAM_SPMM,
            { rows, cols, values, dense: g },
            { shape: attrs["shape"] ?? [], transposeA: !transposeA },
          ),
      };
    },
  });
  registered = true;
}
