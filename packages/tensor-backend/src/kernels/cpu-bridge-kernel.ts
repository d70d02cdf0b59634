/**
 * A kernel for one backend that runs the cpu backend's implementation of the same kernel.
 *
 * The wasm backend of TensorFlow.js 4.22 lacks some kernels the cpu backend has (shared/TOOLCHAIN.md,
 * "wasm backend kernel gaps"): among them `UnsortedSegmentSum`, which the gradient of `gather` needs. The
 * wasm heap lives in this process, so copying the inputs into the cpu backend, running the cpu kernel and
 * copying the outputs back is exact (the same arithmetic as the cpu backend) and cheap next to the kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { DataId, KernelBackend, KernelConfig, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";

import { quietCpuHint } from "../backend/quiet-cpu-hint.js";

/**
 * Build a kernel config for `backendName` that delegates `kernelName` to the registered cpu kernel.
 *
 * @throws Error when the cpu backend has no kernel named `kernelName`.
 */
export function cpuBridgeKernel(kernelName: string, backendName: string): KernelConfig {
  const cpuKernel = tf.getKernel(kernelName, "cpu") as KernelConfig | undefined;
  if (cpuKernel === undefined) {
    throw new Error(`Error in cpuBridgeKernel: the cpu backend has no kernel "${kernelName}" to bridge.`);
  }
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const target = backend as KernelBackend;
      const cpu = tf.engine().findBackend("cpu");
      quietCpuHint();
      const owned: DataId[] = [];
      try {
        // Most kernels take a name-keyed map; a few (Einsum, Concat) take an array: keep its form.
        const cpuInputs: NamedTensorInfoMap = Array.isArray(inputs) ? ([] as unknown as NamedTensorInfoMap) : {};
        for (const [key, info] of Object.entries(inputs)) {
          if (info === undefined) continue;
          const dataId = cpu.write(target.readSync(info.dataId), info.shape, info.dtype);
          owned.push(dataId);
          cpuInputs[key] = { dataId, shape: info.shape, dtype: info.dtype };
        }
        const result = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, ...(attrs ? { attrs } : {}) });
        const outputs = Array.isArray(result) ? result : [result];
        const copied = outputs.map((out): TensorInfo => {
          owned.push(out.dataId);
          return { dataId: target.write(cpu.readSync(out.dataId), out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
        });
        return Array.isArray(result) ? copied : (copied[0] as TensorInfo);
      } finally {
        for (const dataId of owned) cpu.disposeData(dataId, true);
      }
    },
  };
}
