// The README example runs as written and does what it says (oscillator learnt, equations read off).
import { createRng, initBackend, tf } from "@tam/tensor-backend";
import { expect, it } from "vitest";
import { GraphTrainer, columnStats, compareEquations, dampedOscillator, discoverEquations, dynamicsGraph, sampleSystem, standardise } from "../src/index.js";

it("README example: learns the oscillator and discovers its equations", async () => {
  await initBackend({ backend: "wasm" });
  await tf.setBackend("wasm");
  const rng = createRng(1);
  const system = dampedOscillator();
  const raw = [0, 1].map((i) => sampleSystem(system, { x0: [1 - i, 0.5 + i], steps: 400, dt: 0.05, noise: 0.001 }, rng.fork(`t${i}`)));
  const { mean, std } = columnStats(raw);
  const [train, test] = raw.map((t) => standardise(t, mean, std)) as [(typeof raw)[0], (typeof raw)[0]];
  const { graph, observed } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "v", columns: [1] }], lags: [1] }, rng.fork("graph"));
  const trainer = new GraphTrainer(graph, [train], { observed }, rng.fork("train"));
  for (let step = 0; step < 400; step += 1) trainer.step();
  expect(trainer.oneStepError([test]).nmse).toBeLessThan(1e-4);
  expect(trainer.rollout(test, [0], 100)[0]).toHaveLength(200);
  const clean = sampleSystem(system, { x0: [1, 0.5], steps: 2000, dt: 0.01 }, rng.fork("clean"));
  const found = discoverEquations(clean, system.variables, { degree: 2, threshold: 0.05 });
  expect(found.text).toEqual(["x' = 1.000 v", "v' = -4.000 x - 0.200 v"]);
  expect(compareEquations(found.equations, system.equations).maxRelativeError).toBeLessThan(1e-3);
  trainer.dispose();
  graph.dispose();
});
