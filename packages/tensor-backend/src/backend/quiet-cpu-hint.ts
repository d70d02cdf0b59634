/**
 * Silence the cpu backend's one-time "install tfjs-node" hint.
 *
 * The tfjs cpu backend prints a banner on its first write in Node suggesting `@tensorflow/tfjs-node`.
 * TAM already tries tfjs-node first and records why it did not load in `backendInfo()`, so the banner
 * only adds noise to test and harness output. The flag is an internal field of `MathBackendCPU`
 * (tfjs-backend-cpu 4.22 `backend_cpu.ts`); if a future version drops it, this does nothing.
 */
import * as tf from "@tensorflow/tfjs";

/** The internal shape of the cpu backend's one-time hint flag. */
interface FirstUseFlag {
  firstUse?: unknown;
}

/** Turn off the cpu backend's first-use banner on the registered `cpu` backend instance. */
export function quietCpuHint(): void {
  const backend = tf.engine().findBackend("cpu") as unknown as FirstUseFlag | null;
  if (backend !== null && typeof backend.firstUse === "boolean") backend.firstUse = false;
}
