/**
 * Test helpers: run a computation on a given backend and bring its result back as plain arrays.
 */
import { initBackend, tf } from "@tam/tensor-backend";
import type { Rank, Tensor, Variable } from "@tam/tensor-backend";

/** The backends every parity, gradient and determinism test runs on. */
export const TEST_BACKENDS = ["cpu", "wasm"] as const;

/** A backend tests run on. */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** Switch to `backend` (loading it if needed). */
export async function useBackend(backend: TestBackend): Promise<void> {
  await initBackend({ backend });
}

/**
 * Run `fn` on `backend` and return its tensors as Float32Array/Int32Array copies; every tensor made
 * inside is disposed.
 */
export async function runOn<T extends Tensor | Tensor[]>(
  backend: TestBackend,
  fn: () => T,
): Promise<T extends Tensor[] ? Float32Array[] : Float32Array> {
  await useBackend(backend);
  const result = tf.tidy(fn);
  const list: Tensor[] = Array.isArray(result) ? result : [result];
  const arrays = list.map((t) => Float32Array.from(t.dataSync<"float32">()));
  tf.dispose(list);
  return (Array.isArray(result) ? arrays : arrays[0]) as T extends Tensor[] ? Float32Array[] : Float32Array;
}

/** Largest absolute difference between two arrays of the same length (Infinity if lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** Random float32 data from a seeded generator, for test inputs. */
export function randomArray(rng: { normal(): number }, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = rng.normal();
  return out;
}

/**
 * Central finite-difference gradient of a scalar function of one float32 tensor, evaluated in float32
 * by tfjs on the active backend.
 */
export function finiteDifferenceGrad(f: (x: Tensor) => Tensor, x: Float32Array, shape: number[], eps = 1e-2): Float32Array {
  const grad = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 1) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[i] = (plus[i] as number) + eps;
    minus[i] = (minus[i] as number) - eps;
    const [fp, fm] = tf.tidy(() => [
      f(tf.tensor(plus, shape)).dataSync()[0] as number,
      f(tf.tensor(minus, shape)).dataSync()[0] as number,
    ]);
    grad[i] = (fp - fm) / (2 * eps);
  }
  return grad;
}

/** A variable holding `initial`, which is disposed (tf.variable keeps its own reference to the data). */
export function variableOf<R extends Rank>(initial: Tensor<R>): Variable<R> {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}
