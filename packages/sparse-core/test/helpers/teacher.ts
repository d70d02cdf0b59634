// Test helpers: a sparse linear teacher and a seeded batch source over it.
import { createRng, tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";

import type { Batch, BatchSource } from "../../src/index.js";

export interface Teacher {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly keys: Int32Array;
  readonly weights: Float32Array; // dense [in, out]
}

/** A sparse teacher with `k` cells of magnitude in [0.5, 1.5] and random sign. */
export function makeTeacher(seed: number, inFeatures: number, outFeatures: number, k: number): Teacher {
  const rng = createRng(seed);
  const keys = Int32Array.from(rng.choice(inFeatures * outFeatures, k)).sort();
  const weights = new Float32Array(inFeatures * outFeatures);
  for (const key of keys) weights[key] = (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform(0.5, 1.5);
  return { inFeatures, outFeatures, keys, weights };
}

/** Batches x ~ N(0, 1), y = x · W* (plus optional noise). */
export function teacherSource(teacher: Teacher, rng: Rng, batchSize: number, noise = 0): BatchSource & { train(): Batch; dispose(): void } {
  const w = tf.tensor2d(teacher.weights, [teacher.inFeatures, teacher.outFeatures]);
  const make = (): Batch =>
    tf.tidy(() => {
      const x = tf.randomNormal<Rank.R2>([batchSize, teacher.inFeatures], 0, 1, "float32", rng.nextSeed());
      let y = tf.matMul(x, w);
      if (noise > 0) y = tf.add(y, tf.randomNormal(y.shape, 0, noise, "float32", rng.nextSeed()));
      return { x, y: y as Tensor2D };
    });
  return { next: () => make(), train: () => make(), dispose: () => w.dispose() };
}
