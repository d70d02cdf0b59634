/**
 * Reading inputs and making outputs inside a kernel, on any tfjs backend. On the wasm backend the
 * tensor's memory is viewed in place (no copy, no allocation); elsewhere `readSync` / `write`.
 */
import type { DataType, KernelBackend, TensorInfo } from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's BackendWasm used here (duck-typed: no import of the wasm package). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function isWasmHeapBackend(backend: unknown): backend is WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === "function" && typeof b.typedArrayFromHeap === "function";
}

/** The float32 values of `info` (a view on wasm: use it before allocating anything on that backend). */
export function readF32(backend: KernelBackend, info: TensorInfo): Float32Array {
  const values = isWasmHeapBackend(backend) ? backend.typedArrayFromHeap(info) : backend.readSync(info.dataId);
  if (!(values instanceof Float32Array)) throw new Error(`internal: expected float32 data, got ${info.dtype}`);
  return values;
}

/** The int32 values of `info` (a view on wasm: use it before allocating anything on that backend). */
export function readI32(backend: KernelBackend, info: TensorInfo): Int32Array {
  const values = isWasmHeapBackend(backend) ? backend.typedArrayFromHeap(info) : backend.readSync(info.dataId);
  if (!(values instanceof Int32Array)) throw new Error(`internal: expected int32 data, got ${info.dtype}`);
  return values;
}

/**
 * Make a float32 output of `shape` whose values `fill` writes. Allocation happens before `fill`
 * runs, so views read with readF32/readI32 inside `fill` stay valid.
 */
export function makeF32Output(
  backend: KernelBackend,
  shape: number[],
  fill: (out: Float32Array) => void,
): TensorInfo {
  if (isWasmHeapBackend(backend)) {
    const info = backend.makeOutput(shape, "float32");
    const view = backend.typedArrayFromHeap(info);
    if (!(view instanceof Float32Array)) throw new Error("internal: wasm output is not float32");
    fill(view);
    return info;
  }
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  fill(values);
  return { dataId: backend.write(values, shape, "float32"), shape, dtype: "float32" };
}
