// The README's Distribution Head example, run as written: the head grows components only where the outcome is
// a coin flip (x > 0.5), and its i.i.d. draws there split between the two outcomes (seed 002 L1185-1227).
import { createRng, initBackend, tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";
import { expect, it } from "vitest";

import { DistributionHead, DistributionHeadPlanner, disposeDistributionBatch, type DistributionBatch, type DistributionHeadEvent } from "../src/index.js";

it("README Distribution Head example grows components in the coin-flip region", async () => {
  await initBackend({ backend: "wasm" });
  const before = tf.memory().numTensors;
  const commits: DistributionHeadEvent[] = [];
  const rng = createRng(1);
  const batch = (r: Rng): DistributionBatch =>
    tf.tidy(() => {
      const x = tf.randomUniform<Rank.R2>([128, 1], -2, 2, "float32", r.nextSeed());
      const coin = tf.sub(tf.mul(tf.floor(tf.randomUniform([128, 1], 0, 2, "float32", r.nextSeed())), 2), 1);
      const flip = tf.mul(tf.mul(tf.cast(tf.greater(x, 0.5), "float32"), coin), 1.5);
      return { state: x, point: tf.zerosLike(x), target: tf.add<Tensor2D>(flip, tf.randomNormal([128, 1], 0, 0.2, "float32", r.nextSeed())) };
    });
  const head = new DistributionHead({ id: "dh0", kind: "gaussian-mixture", stateDim: 1, cells: 4 });
  const heldOut = rng.fork("held-out");
  const planner = new DistributionHeadPlanner({}, { onEvent: (e) => { if (e.type === "dh-commit") commits.push(e); } });
  for (let step = 1; step <= 600; step += 1) {
    const b = batch(rng);
    head.trainStep(b).dispose();
    disposeDistributionBatch(b);
    if (step % 100 === 0) planner.runCycle([{ head, source: { next: () => batch(heldOut) } }]);
  }
  const q = batch(heldOut);
  const draws = head.sample(q, createRng(2));

  expect(commits.length).toBeGreaterThanOrEqual(2);
  expect(commits.every((e) => e.type === "dh-commit" && (e.anchor[0] as number) > 0.5)).toBe(true);
  const x = q.state.dataSync();
  const inRegion = Array.from(draws).filter((_, i) => (x[i] as number) > 0.6);
  const above = inRegion.filter((d) => d > 0).length / inRegion.length;
  expect(above).toBeGreaterThan(0.25);
  expect(above).toBeLessThan(0.75);
  expect(Array.from(draws).filter((_, i) => (x[i] as number) < 0).every((d) => Math.abs(d) < 1)).toBe(true);
  disposeDistributionBatch(q);
  head.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 120_000);
