// Test helper: run a describe block on the cpu and the wasm backend.
import { initBackend, tf } from "@tam/tensor-backend";

/** Backends every tensor test runs on. */
export const BACKENDS = ["cpu", "wasm"] as const;

/** Switch to `name` (initialising it the first time). */
export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  await initBackend({ backend: name });
  await tf.setBackend(name);
  await tf.ready();
}
