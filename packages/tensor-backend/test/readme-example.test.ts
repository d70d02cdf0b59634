import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect, it } from "vitest";

import {
  AdamWithMoments,
  createRng,
  denseSparseMatMul,
  disposeSparse,
  initBackend,
  loadCheckpoint,
  randomNormal,
  randomSparseTemporalWeights,
  saveCheckpoint,
  sparseWithValues,
  tf,
} from "@tam/tensor-backend";
import type { Tensor2D } from "@tam/tensor-backend";

it("the README example runs, trains and checkpoints without leaking tensors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tam-readme-"));
  const info = await initBackend();
  expect(info.name).toBe(tf.getBackend());
  const before = tf.memory().numTensors;

  const rng = createRng(42);
  const w = randomSparseTemporalWeights(rng.fork("weights"), { historyLength: 6, activeCount: 3 });
  const values = tf.variable(w.values);
  const x = randomNormal(rng.fork("data"), [8, 1]) as Tensor2D;
  const adam = new AdamWithMoments({ values }, { learningRate: 0.01 });
  const loss = () => tf.mean(tf.square(denseSparseMatMul(x, sparseWithValues(w, values))));
  const first = tf.tidy(() => loss().dataSync()[0] as number);
  for (let step = 0; step < 10; step += 1) adam.minimize(loss).dispose();
  expect(tf.tidy(() => loss().dataSync()[0] as number)).toBeLessThan(first);
  const taylor = tf.tidy(() => tf.mul(0.5, tf.mul(adam.secondMoment("values"), tf.square(values))));
  expect(taylor.shape).toEqual([3]);
  await saveCheckpoint(dir, { values, ...adam.stateVariables() }, { metadata: { step: adam.stepCount } });
  const { manifest, tensors } = await loadCheckpoint(dir);
  expect(manifest.metadata).toEqual({ step: 10 });
  expect(Object.keys(tensors)).toEqual(["values", "m/values", "v/values"]);

  tf.dispose([tensors, taylor, x, values]);
  adam.dispose();
  disposeSparse(w);
  await rm(dir, { recursive: true, force: true });
  expect(tf.memory().numTensors).toBe(before);
});
