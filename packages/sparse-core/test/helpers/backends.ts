// Test helpers: the backends tensor tests run on.
import { initBackend } from "@tam/tensor-backend";

/** Every tensor test runs on both. */
export const TEST_BACKENDS = ["cpu", "wasm"] as const;

/** Switch to a backend (loading it when needed). */
export async function useBackend(backend: (typeof TEST_BACKENDS)[number]): Promise<void> {
  await initBackend({ backend });
}

/** Largest |a - b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** Bitwise equality of two float arrays. */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}
