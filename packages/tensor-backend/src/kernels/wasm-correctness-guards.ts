/**
 * Inputs the wasm backend of TensorFlow.js 4.22 computes wrongly, routed to the cpu backend's kernel.
 *
 * Measured against the cpu backend:
 * - reductions over a zero-length axis read memory they never wrote: `tf.sum(tf.zeros([3, 0]), 1)`
 *   returns values such as 3.6e-41 instead of zeros, and `any`/`all` return arbitrary bytes;
 * - `cast` to bool truncates instead of testing for non-zero: 0.5 becomes false, 2 stays 2 and -1
 *   becomes 255, so `all`/`any`/`where` on the result are wrong.
 * Each guarded wasm kernel keeps running on wasm for every other input.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap } from "@tensorflow/tfjs";

import { cpuBridgeKernel } from "./cpu-bridge-kernel.js";

/** Which inputs of a kernel the wasm backend gets wrong. */
type WrongOnWasm = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined) => boolean;

const hasEmptyInput: WrongOnWasm = (inputs) => Object.values(inputs).some((info) => info !== undefined && info.shape.includes(0));

const castsNumbersToBool: WrongOnWasm = (inputs, attrs) => attrs?.["dtype"] === "bool" && inputs["x"]?.dtype !== "bool";

const GUARDS: Readonly<Record<string, WrongOnWasm>> = {
  Sum: hasEmptyInput,
  Mean: hasEmptyInput,
  Max: hasEmptyInput,
  Min: hasEmptyInput,
  Prod: hasEmptyInput,
  Any: hasEmptyInput,
  All: hasEmptyInput,
  Cast: castsNumbersToBool,
};

/** The wasm kernels {@link guardWasmKernels} wraps. */
export const WASM_GUARDED_KERNELS: readonly string[] = Object.keys(GUARDS);

/** Kernel configs installed by {@link guardWasmKernels}, so a second call changes nothing. */
const installed = new WeakSet<KernelConfig>();

/**
 * Wrap the wasm kernels of {@link WASM_GUARDED_KERNELS} so the inputs wasm gets wrong (an empty
 * reduction, a cast of numbers to bool) take the cpu kernel's result. Idempotent;
 * {@link registerWasmKernels} calls it.
 *
 * @returns the names of the kernels wrapped by this call.
 */
export function guardWasmKernels(): string[] {
  const wrapped: string[] = [];
  for (const [name, wrongOnWasm] of Object.entries(GUARDS)) {
    const wasmKernel = tf.getKernel(name, "wasm") as KernelConfig | undefined;
    if (wasmKernel === undefined || installed.has(wasmKernel)) continue;
    const onCpu = cpuBridgeKernel(name, "wasm");
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      ...wasmKernel,
      kernelFunc: (args) => (wrongOnWasm(args.inputs, args.attrs) ? onCpu.kernelFunc(args) : wasmKernel.kernelFunc(args)),
    });
    installed.add(tf.getKernel(name, "wasm"));
    wrapped.push(name);
  }
  return wrapped;
}
