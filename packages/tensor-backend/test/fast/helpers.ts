/** Test helpers for the fast paths: seeded uniform draws and random COO matrices. */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

import { createRng } from "../../src/rng/rng.js";

/** Floats in [0, 1) from the package's seeded generator, as a plain function. */
export function seeded(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.uniform();
}

/** A random r×c COO matrix sorted by (row, col), each entry present with probability `density`. */
export interface Coo {
  rows: number[];
  cols: number[];
  values: number[];
  shape: [number, number];
}

/** Draw a random COO matrix (values uniform in [-1, 1)). */
export function randomCoo(r: number, c: number, density: number, rnd: () => number): Coo {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      if (rnd() < density) {
        rows.push(i);
        cols.push(j);
        values.push(rnd() * 2 - 1);
      }
    }
  }
  return { rows, cols, values, shape: [r, c] };
}

/** The dense r×c array of a COO matrix. */
export function cooToDense(a: Coo): number[][] {
  const out = Array.from({ length: a.shape[0] }, () => new Array<number>(a.shape[1]).fill(0));
  a.rows.forEach((row, k) => {
    (out[row] as number[])[a.cols[k] as number] = a.values[k] as number;
  });
  return out;
}

/** A random r×c float32 tensor, uniform in [-1, 1). */
export function randomDense(r: number, c: number, rnd: () => number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: r * c }, () => rnd() * 2 - 1), [r, c]);
}

/** Largest absolute difference between two tensors of the same shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shape mismatch: [${a.shape.join()}] vs [${b.shape.join()}]`);
  return tf.tidy(() => (a.size === 0 ? 0 : tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity));
}

/** Switch to `name` and wait until it is ready. */
export async function useBackend(name: "cpu" | "wasm"): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}
