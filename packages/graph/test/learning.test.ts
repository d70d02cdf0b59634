// Learning end to end (issue 8 item 2; seed 002 L241-244; ADR 0401): a graph fits the damped oscillator,
// every kind of parameter moves (state functions, edge temporal weights, update frequencies), p learns whether
// updating beats holding, training is deterministic per seed and leaks no tensors; on cpu and wasm.
import { createRng, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import { DenseBaseline, Edge, Graph, GraphModule, GraphTrainer, Node, SparseStateFunction, columnStats, dampedOscillator, dynamicsGraph, sampleSystem, standardise, trajectory } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

function oscillatorData(seed: number) {
  const rng = createRng(seed);
  const raw = [0, 1].map((i) => sampleSystem(dampedOscillator(), { x0: [1 - i, 0.5 + i], steps: 200, dt: 0.05 }, rng.fork(`t${i}`)));
  const { mean, std } = columnStats(raw);
  return raw.map((t) => standardise(t, mean, std));
}

describe.each(BACKENDS)("learning on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("fits the damped oscillator: one-step error falls 100-fold and every parameter kind is trained", () => {
    const [train, test] = oscillatorData(1) as [ReturnType<typeof oscillatorData>[0], ReturnType<typeof oscillatorData>[0]];
    const { graph, observed } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "v", columns: [1] }], lags: [1], updateFrequency: 0.8 }, createRng(2));
    const trainer = new GraphTrainer(graph, [train], { observed, learningRate: 0.02 }, createRng(3));
    const edge = graph.edges()[0] as Edge;
    const w0 = Array.from(edge.temporalWeights());
    const start = trainer.oneStepError([test]).nmse;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 150; i += 1) trainer.step();
    expect(tf.memory().numTensors).toBe(before);
    const end = trainer.oneStepError([test]).nmse;
    expect(end).toBeLessThan(start / 100);
    expect(Array.from(edge.temporalWeights())).not.toEqual(w0);
    for (const node of graph.nodes()) expect(node.updateProbability()).toBeGreaterThan(0.8);
    const roll = trainer.rollout(test, [0], 20)[0] as Float64Array;
    let se = 0;
    for (let k = 0; k < 20; k += 1) for (let c = 0; c < 2; c += 1) se += ((roll[2 * k + c] as number) - (test.values[2 * (6 + k) + c] as number)) ** 2;
    expect(se / 40).toBeLessThan(0.05);
    trainer.dispose();
    graph.dispose();
  });

  it("under the mixture likelihood, p converges to the frequency of updating steps (C-22)", () => {
    // x stays put except on about 1 step in 5, when it jumps by +0.1.
    const rng = createRng(4);
    const rows = Float64Array.from({ length: 300 }, () => 0);
    for (let r = 1; r < 300; r += 1) rows[r] = (rows[r - 1] as number) + (rng.bernoulli(0.2) ? 0.1 : 0);
    const t = trajectory(rows, 1, 1);
    const node = new Node({ id: "x", stateDim: 1, updateFrequency: 0.5 });
    node.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1 }, createRng(5));
    const graph = new Graph([new GraphModule({ id: "x", node, edges: [Edge.newest(node, node)] })]);
    const trainer = new GraphTrainer(graph, [t], { observed: [{ node: "x", columns: [0] }], learningRate: 0.02, updateObjective: "mixture-likelihood" }, createRng(6));
    for (let i = 0; i < 300; i += 1) trainer.step();
    let jumps = 0;
    for (let r = 1; r < 300; r += 1) if ((rows[r] as number) !== (rows[r - 1] as number)) jumps += 1;
    expect(Math.abs(node.updateProbability() - jumps / 299)).toBeLessThan(0.06);
    trainer.dispose();
    graph.dispose();
  });

  it("is deterministic per seed", () => {
    const run = (): number[] => {
      const [train] = oscillatorData(1);
      const { graph, observed } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "v", columns: [1] }], hidden: 3 }, createRng(2));
      const trainer = new GraphTrainer(graph, [train as ReturnType<typeof oscillatorData>[0]], { observed }, createRng(3));
      const losses = Array.from({ length: 5 }, () => trainer.step().taskLoss);
      trainer.dispose();
      graph.dispose();
      return losses;
    };
    expect(run()).toEqual(run());
  });

  it("the dense baseline matches the graph's parameter count and learns too", () => {
    const [train, test] = oscillatorData(1) as [ReturnType<typeof oscillatorData>[0], ReturnType<typeof oscillatorData>[0]];
    const base = new DenseBaseline({ dim: 2, parameters: 48 }, [train], createRng(1));
    expect(base.parameterCount).toBeLessThanOrEqual(48);
    expect(base.parameterCount).toBeGreaterThan(40);
    const start = base.oneStepError([test]);
    for (let i = 0; i < 100; i += 1) base.step();
    expect(base.oneStepError([test])).toBeLessThan(start / 10);
    base.dispose();
  });
});
