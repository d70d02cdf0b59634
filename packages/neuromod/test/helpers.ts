/** Test helpers: backends every tensor test runs on, and a finite-difference gradient. */
import { initBackend, tf } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

/** The backends tensor tests run on. */
export const TEST_BACKENDS = ["cpu", "wasm"] as const;

/** Switch to a backend. */
export async function useBackend(backend: (typeof TEST_BACKENDS)[number]): Promise<void> {
  await initBackend({ backend });
}

/** Central finite differences of a scalar function of one tensor, in float32 on the active backend. */
export function finiteDifferenceGrad(f: (x: Tensor) => Tensor, x: Float32Array, shape: number[], eps = 1e-2): Float32Array {
  const grad = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 1) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[i] = (plus[i] as number) + eps;
    minus[i] = (minus[i] as number) - eps;
    const [fp, fm] = tf.tidy(() => [f(tf.tensor(plus, shape)).dataSync()[0] as number, f(tf.tensor(minus, shape)).dataSync()[0] as number]);
    grad[i] = (fp - fm) / (2 * eps);
  }
  return grad;
}

/** Values of a tensor-returning function, every tensor freed. */
export function values(fn: () => Tensor): number[] {
  return tf.tidy(() => Array.from(fn().dataSync()));
}
