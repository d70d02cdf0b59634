/**
 * Kernels the wasm backend lacks and TAM needs, registered by this package (issue item 4).
 *
 * Measured gaps in @tensorflow/tfjs-backend-wasm 4.22 against the cpu backend: `UnsortedSegmentSum`
 * (forward, and so the gradient of `gather`), `Einsum`, the filter/input gradients of convolutions, and
 * complex, FFT, ragged and string kernels. The numeric ones below are bridged to the cpu kernels (see
 * `cpu-bridge-kernel.ts`); complex64 and string tensors cannot live on the wasm backend at all.
 */
import * as tf from "@tensorflow/tfjs";

import { cpuBridgeKernel } from "./cpu-bridge-kernel.js";
import { guardWasmKernels } from "./wasm-correctness-guards.js";

/** Kernels this package registers for the wasm backend when the wasm backend does not have them. */
export const WASM_BRIDGED_KERNELS: readonly string[] = [
  "UnsortedSegmentSum",
  "Einsum",
  "Conv2DBackpropFilter",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
];

/**
 * Register the kernels of {@link WASM_BRIDGED_KERNELS} for the wasm backend, and route the inputs wasm
 * computes wrongly to cpu ({@link guardWasmKernels}). Idempotent; a kernel already
 * registered for wasm (by tfjs or by a faster implementation) is left alone. {@link initBackend} calls it.
 *
 * @returns the names of the kernels registered by this call.
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = [];
  for (const name of WASM_BRIDGED_KERNELS) {
    if (tf.getKernel(name, "wasm") !== undefined) continue;
    tf.registerKernel(cpuBridgeKernel(name, "wasm"));
    registered.push(name);
  }
  guardWasmKernels();
  return registered;
}
