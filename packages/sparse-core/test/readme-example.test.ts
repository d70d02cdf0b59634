// The README example, run as written: from an empty 4 -> 2 layer the planner grows exactly the teacher's
// two cells (seed 002 L1248-1253 cycle; identity-first / empty start L1235).
import { createRng, initBackend, tf, type Rank, type Tensor2D } from "@tam/tensor-backend";
import { expect, it } from "vitest";

import { GrowthPlanner, SparseMaskedStack, disposeBatch, type Batch, type PlannerEvent } from "../src/index.js";

it("README example grows the teacher's support", async () => {
  await initBackend({ backend: "wasm" });
  const before = tf.memory().numTensors;
  const rng = createRng(1);
  const teacher = tf.tensor2d([[1, 0], [0, 0], [0, -2], [0, 0]]);
  const batch = (): Batch =>
    tf.tidy(() => {
      const x = tf.randomNormal<Rank.R2>([32, 4], 0, 1, "float32", rng.nextSeed());
      return { x, y: tf.matMul<Tensor2D>(x, teacher) };
    });
  const net = new SparseMaskedStack({ layers: [{ inFeatures: 4, outFeatures: 2, base: { kind: "zero" }, budget: { structCap: 2 } }], learningRate: 0.05 });
  const commits: PlannerEvent[] = [];
  const planner = new GrowthPlanner({}, { onEvent: (e) => { if (e.type === "commit") commits.push(e); } });
  for (let step = 1; step <= 200; step += 1) {
    const b = batch();
    net.trainStep(b).dispose();
    disposeBatch(b);
    if (step % 20 === 0) planner.runCycle(net, { next: batch }, rng.fork(`cycle${step}`));
  }
  expect(Array.from(net.layer("layer0").hotKeys())).toEqual([0, 5]);
  expect(commits.length).toBeGreaterThan(0);
  net.dispose();
  teacher.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
