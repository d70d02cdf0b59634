// Graph semantics (seed 002 Archive 00 L5-203; SEED-INVENTORY §4.1, H002-A/B, C-22, D-2, D-3, D-4):
// the seed example, the shift register, edge messages, the synchronous two-phase step, update
// probabilities, recursion, determinism and no leaked tensors, on cpu and wasm.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_NODE_COUNT, EXAMPLE_STATE_DIM, EXAMPLE_STEPS, Edge, Graph, GraphModule, Node, SparseStateFunction } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const H = 6;

function memoryOf(node: Node): number[] {
  return Array.from(node.memory.dataSync());
}

/** A random graph: n nodes of dim d, each with a self edge and edges from random others, random weights. */
function randomGraph(seed: number, n: number, d: number): { graph: Graph; modules: GraphModule[] } {
  const rng = createRng(seed);
  const nodes = Array.from({ length: n }, (_, i) => new Node({ id: `n${i}`, stateDim: d, initialStates: Float32Array.from({ length: H * d }, () => rng.normal()) }));
  const modules = nodes.map((node, i) => {
    const sources = [node, ...nodes.filter((_, j) => j !== i && rng.bernoulli(0.5))];
    const edges = sources.map((s) => new Edge(s, node, { rng: rng.fork(`e${i}-${s.id}`) }));
    node.stateFunction = new SparseStateFunction({ inputDim: sources.length * d, outputDim: d, hidden: 3 }, rng.fork(`f${i}`));
    tf.tidy(() => {
      for (const v of node.stateFunction?.trainableVariables() ?? []) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, "float32", rng.nextSeed())));
    });
    return new GraphModule({ id: `m${i}`, node, edges });
  });
  return { graph: new Graph(modules), modules };
}

describe.each(BACKENDS)("graph semantics on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("runs the seed example: 10 edgeless nodes, d = 4, H = 6, 5 steps; memories stay [6, 1, 4] zeros (H002-A, D-3)", () => {
    const nodes = Array.from({ length: EXAMPLE_NODE_COUNT }, (_, i) => new Node({ id: `n${i}`, stateDim: EXAMPLE_STATE_DIM }));
    const graph = new Graph(nodes.map((node, i) => new GraphModule({ id: `m${i}`, node })));
    for (let s = 0; s < EXAMPLE_STEPS; s += 1) graph.step({ rng: createRng(1) });
    for (const node of nodes) {
      expect(node.memory.shape).toEqual([H, 1, EXAMPLE_STATE_DIM]);
      expect(memoryOf(node).every((v) => v === 0)).toBe(true);
    }
    graph.dispose();
  });

  it("an edgeless node keeps its state (D-3: no input means no update of the value)", () => {
    const init = Float32Array.from({ length: H * 2 }, (_, i) => i + 1);
    const node = new Node({ id: "a", stateDim: 2, initialStates: init });
    const graph = new Graph([new GraphModule({ id: "a", node })]);
    graph.step();
    const mem = memoryOf(node);
    expect(mem.slice(0, (H - 1) * 2)).toEqual(Array.from(init.slice(2)));
    expect(mem.slice((H - 1) * 2)).toEqual(Array.from(init.slice((H - 1) * 2)));
    graph.dispose();
  });

  it("commit is a shift register: oldest row dropped, newest appended last, length H (D-2)", () => {
    const node = new Node({ id: "a", stateDim: 2, initialStates: Float32Array.from({ length: H * 2 }, (_, i) => i) });
    node.stage(tf.tensor2d([[100, 200]]));
    node.commit();
    expect(memoryOf(node)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 200]);
    node.commit(); // nothing staged: a no-op
    expect(node.memory.shape).toEqual([H, 1, 2]);
    node.dispose();
  });

  it("an edge message is Σ_h w_h · state[h], with the seed's 2 slots and values in [0, 0.1)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const rng = createRng(seed);
        const states = Float32Array.from({ length: H * 3 }, () => rng.normal());
        const a = new Node({ id: "a", stateDim: 3, initialStates: states });
        const b = new Node({ id: "b", stateDim: 3 });
        const e = new Edge(a, b, { rng });
        const w = e.temporalWeights();
        expect(e.slots).toHaveLength(2);
        expect([...w].filter((v) => v !== 0).every((v) => v >= 0 && v < 0.1)).toBe(true);
        const msg = tf.tidy(() => Array.from(e.message(a.memory).dataSync()));
        for (let c = 0; c < 3; c += 1) {
          let expected = 0;
          for (let h = 0; h < H; h += 1) expected += (w[h] as number) * (states[h * 3 + c] as number);
          expect(msg[c]).toBeCloseTo(expected, 5);
        }
        e.dispose();
        a.dispose();
        b.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it("the step is synchronous: a node reads the other's committed state, not its new one", () => {
    const a = new Node({ id: "a", stateDim: 1, initialStates: Float32Array.from({ length: H }, () => 1) });
    const b = new Node({ id: "b", stateDim: 1 });
    // a' = a + 1 (through its bias), b' = a (b reads a's newest row only).
    a.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1 }, createRng(1));
    const sa = a.stateFunction as SparseStateFunction;
    sa.linear.setStructure(Int32Array.of(1), Float32Array.of(1)); // bias cell (row 1 = the constant input)
    b.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1, bias: false }, createRng(2));
    const ma = new GraphModule({ id: "a", node: a, edges: [Edge.newest(a, a)] });
    const mb = new GraphModule({ id: "b", node: b, edges: [Edge.newest(a, b)] });
    for (const order of [
      [ma, mb],
      [mb, ma],
    ]) {
      a.setMemory(tf.ones([H, 1, 1]));
      b.setMemory(tf.zeros([H, 1, 1]));
      const graph = new Graph(order);
      graph.step();
      graph.step();
      expect(memoryOf(a).slice(-2)).toEqual([2, 3]);
      expect(memoryOf(b).slice(-2)).toEqual([1, 2]); // one step behind a: it saw the committed value
    }
    ma.node.dispose();
    mb.node.dispose();
  });

  it("the two-phase step does not depend on module order (random graphs, sampled gates)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 5 }), (seed, n) => {
        const run = (permute: boolean): number[][] => {
          const { graph, modules } = randomGraph(seed, n, 2);
          for (const node of graph.nodes()) node.setUpdateProbability(0.6);
          const ordered = permute ? createRng(seed + 7).shuffle(modules) : modules;
          const g = new Graph(ordered);
          const rng = createRng(seed);
          for (let s = 0; s < 3; s += 1) g.step({ rng });
          const out = graph.nodes().map(memoryOf);
          graph.dispose();
          return out;
        };
        expect(run(true)).toEqual(run(false));
      }),
      { numRuns: 6 },
    );
  });

  it("with update frequency p, the fraction of updating steps ≈ p, and a non-updating node keeps its state (C-22)", () => {
    const node = new Node({ id: "a", stateDim: 1, updateFrequency: 0.3, initialStates: Float32Array.from({ length: H }, () => 0) });
    node.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1 }, createRng(1));
    (node.stateFunction as SparseStateFunction).linear.setStructure(Int32Array.of(1), Float32Array.of(1)); // x' = x + 1
    const graph = new Graph([new GraphModule({ id: "a", node, edges: [Edge.newest(node, node)] })]);
    const rng = createRng(5);
    const steps = 1000;
    let updates = 0;
    let previous = 0;
    for (let s = 0; s < steps; s += 1) {
      graph.step({ rng });
      const now = memoryOf(node)[H - 1] as number;
      if (node.updatedLastStep[0] === true) {
        updates += 1;
        expect(now).toBe(previous + 1);
      } else {
        expect(now).toBe(previous);
      }
      previous = now;
    }
    const sd = Math.sqrt((0.3 * 0.7) / steps);
    expect(Math.abs(updates / steps - 0.3)).toBeLessThan(4 * sd);
    graph.dispose();
  });

  it("non-atomic modules recurse into their sub-modules; atomic modules cannot have any", () => {
    const child = new Node({ id: "c", stateDim: 1, initialStates: Float32Array.from({ length: H }, (_, i) => i) });
    const parent = new Node({ id: "p", stateDim: 1 });
    parent.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1, bias: false }, createRng(1));
    const childModule = new GraphModule({ id: "c", node: child });
    const top = new GraphModule({ id: "p", level: 1, node: parent, edges: [Edge.newest(child, parent)], subModules: [childModule] });
    const graph = new Graph([top]);
    expect(graph.nodes().map((n) => n.id)).toEqual(["p", "c"]);
    graph.step();
    expect(memoryOf(parent)[H - 1]).toBe(5);
    expect(memoryOf(child)[H - 1]).toBe(5);
    expect(() => new GraphModule({ id: "x", level: 0, node: new Node({ id: "x", stateDim: 1 }), subModules: [childModule] })).toThrow(/atomic/);
    expect(() => new Graph([top, childModule])).toThrow(/appears twice/);
    graph.dispose();
  });

  it("is deterministic per seed and leaks no tensors over a stepping loop", () => {
    const run = (seed: number): number[][] => {
      const { graph } = randomGraph(seed, 4, 3);
      for (const node of graph.nodes()) node.setUpdateProbability(0.7);
      const rng = createRng(seed);
      graph.step({ rng });
      const before = tf.memory().numTensors;
      for (let s = 0; s < 10; s += 1) graph.step({ rng });
      expect(tf.memory().numTensors).toBe(before);
      const out = graph.nodes().map(memoryOf);
      graph.dispose();
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it("rejects bad input by name", () => {
    expect(() => new Node({ id: "a", stateDim: 0 })).toThrow(/stateDim/);
    expect(() => new Node({ id: "a", stateDim: 1, updateFrequency: 1.5 })).toThrow(/updateFrequency/);
    expect(() => new Node({ id: "a", stateDim: 2, initialStates: new Float32Array(3) })).toThrow(/initialStates/);
    const a = new Node({ id: "a", stateDim: 1 });
    const b = new Node({ id: "b", stateDim: 1 });
    expect(() => new Edge(a, b, {})).toThrow(/rng/);
    expect(() => new Edge(a, b, { slots: [3, 1] })).toThrow(/sorted/);
    expect(() => new GraphModule({ id: "b", node: b, edges: [Edge.newest(a, b)] })).toThrow(/no stateFunction/);
    const withP = new Node({ id: "q", stateDim: 1, updateFrequency: 0.5 });
    withP.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1 }, createRng(1));
    const g = new Graph([new GraphModule({ id: "q", node: withP, edges: [Edge.newest(withP, withP)] })]);
    expect(() => g.step()).toThrow(/needs an rng/);
    g.dispose();
    a.dispose();
    b.dispose();
  });
});
