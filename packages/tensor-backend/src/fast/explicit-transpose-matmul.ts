/**
 * Explicit-transpose matMul for the wasm backend. XNNPACK in tfjs-backend-wasm 4.22 runs matMul with
 * transposeA/transposeB about 10x slower than a transpose followed by a plain matMul (TOOLCHAIN.md),
 * and autodiff of every matMul uses those flags. Wrapping the wasm `BatchMatMul` and `_FusedMatMul`
 * kernels so they transpose explicitly fixes the forward pass and every gradient at once, for every
 * package, with identical results (the same products summed in the same kernel).
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";

/** Kernels wrapped on the wasm backend. */
const WRAPPED_KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;
/** Marks a wrapper, so installing twice never wraps a wrapper. */
const WRAPPED = Symbol.for("@tam/tensor-backend/explicit-transpose-matmul");

type MarkedKernelFunc = KernelFunc & { [WRAPPED]?: KernelFunc };

/** The parts of the wasm backend used here (duck-typed). */
interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

function wrap(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  const wrapper: MarkedKernelFunc = (args) => {
    const attrs: NamedAttrMap = args.attrs ?? {};
    const transposeA = attrs["transposeA"] === true;
    const transposeB = attrs["transposeB"] === true;
    const a = args.inputs["a"];
    const b = args.inputs["b"];
    if ((!transposeA && !transposeB) || a === undefined || b === undefined) return original(args);
    const backend = args.backend as DisposingBackend;
    const temps: TensorInfo[] = [];
    const flip = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const out = transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      return original({
        inputs: { ...args.inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  wrapper[WRAPPED] = original;
  return wrapper;
}

/**
 * Replace the wasm `BatchMatMul` and `_FusedMatMul` kernels by explicit-transpose wrappers.
 * Idempotent; a no-op when the wasm kernels are not registered (no `@tensorflow/tfjs-backend-wasm`).
 * Returns the names of the kernels that are wrapped after the call.
 */
export function installExplicitTransposeMatMul(): string[] {
  const transpose = tf.getKernel("Transpose", "wasm") as KernelConfig | undefined;
  if (transpose === undefined) return [];
  const wrapped: string[] = [];
  for (const name of WRAPPED_KERNELS) {
    const config = tf.getKernel(name, "wasm") as KernelConfig | undefined;
    if (config === undefined) continue;
    const current = config.kernelFunc as MarkedKernelFunc;
    if (current[WRAPPED] === undefined) {
      tf.unregisterKernel(name, "wasm");
      const replacement: KernelConfig = { ...config, kernelFunc: wrap(current, transpose.kernelFunc) };
      tf.registerKernel(replacement);
    }
    wrapped.push(name);
  }
  return wrapped;
}

/** Restore the original wasm kernels (for comparisons and tests). Idempotent. */
export function uninstallExplicitTransposeMatMul(): void {
  for (const name of WRAPPED_KERNELS) {
    const config = tf.getKernel(name, "wasm") as KernelConfig | undefined;
    const original = (config?.kernelFunc as MarkedKernelFunc | undefined)?.[WRAPPED];
    if (config === undefined || original === undefined) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...config, kernelFunc: original });
  }
}
