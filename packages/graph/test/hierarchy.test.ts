// Hierarchy and lifecycle (seed 002 L626-630, L742-743, L966; SEED-INVENTORY §4.3, H002-D, C-5; ADR 0404):
// the level bound, grafting nascent sub/sup modules preserves the function bit for bit, sub → super error
// feedback trains the parent, consolidation returns exactly the function without the structure, reuse
// restores exactly the trained function, nothing is deleted; on cpu and wasm.
import { createRng, tf, type Tensor2D, type Tensor3D } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import { GraphTrainer, HierarchyManager, columnStats, dynamicsGraph, lotkaVolterra, maxHierarchyLevel, sampleSystem, standardise, type Graph, type Node } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

function predictions(graph: Graph, memories: Map<Node, Tensor3D>): number[][] {
  return tf.tidy(() => {
    const preds = graph.predict(memories, { mode: "expected" });
    return ["x", "y"].map((id) => Array.from((preds.get(graph.node(id)) as { next: Tensor2D }).next.dataSync()));
  });
}

describe("hierarchy bound", () => {
  it("L_max = ceil(log2 n0): 10 level-0 cores give 4 levels above level 0", () => {
    expect(maxHierarchyLevel(10)).toBe(4);
    expect(maxHierarchyLevel(2)).toBe(1);
    expect(maxHierarchyLevel(1)).toBe(0);
    expect(() => maxHierarchyLevel(0)).toThrow(/positive/);
  });
});

describe.each(BACKENDS)("nascent modules on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("grafting preserves the function; consolidation restores it exactly; reuse restores the trained one", () => {
    const rng = createRng(1);
    const raw = [0, 1].map((i) => sampleSystem(lotkaVolterra(), { x0: [1 + 0.3 * i, 1 - 0.2 * i], steps: 200, dt: 0.05 }, rng.fork(`t${i}`)));
    const { mean, std } = columnStats(raw);
    const data = raw.map((t) => standardise(t, mean, std));
    const { graph, observed } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "y", columns: [1] }] }, rng.fork("g"));
    const base = new GraphTrainer(graph, data, { observed }, rng.fork("base"));
    for (let i = 0; i < 40; i += 1) base.step();
    base.dispose();
    const memories = new Map<Node, Tensor3D>([
      [graph.node("x"), tf.randomNormal([6, 5, 1], 0, 1, "float32", 3)],
      [graph.node("y"), tf.randomNormal([6, 5, 1], 0, 1, "float32", 4)],
    ]);
    const p0 = predictions(graph, memories);

    const h = new HierarchyManager(graph);
    h.spawnSub("refine-x", "x");
    h.spawnSup("sup", ["x", "y"], rng.fork("sup"), { hidden: 8 });
    const supNode = graph.node("sup");
    memories.set(supNode, tf.zeros([6, 5, 2]));
    expect(graph.modules.map((m) => m.id)).toEqual(["sup"]);
    expect(graph.module("sup").level).toBe(1);
    expect(predictions(graph, memories)).toEqual(p0); // exactly the identity when grafted

    // Train only the nascent structure: the children's errors reach the parent (sub → super feedback).
    const parentVars = supNode.stateFunction?.trainableVariables().map((v) => Array.from(v.dataSync())) ?? [];
    const trainer = new GraphTrainer(graph, data, { observed, learningRate: 0.01, variableFilter: (name) => name.includes("/term:") || name.startsWith("sup/f") }, rng.fork("nascent"));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 40; i += 1) trainer.step();
    expect(tf.memory().numTensors).toBe(before);
    const parentAfter = supNode.stateFunction?.trainableVariables().map((v) => Array.from(v.dataSync())) ?? [];
    expect(parentAfter).not.toEqual(parentVars);
    const p1 = predictions(graph, memories);
    expect(p1).not.toEqual(p0);

    h.consolidate("refine-x");
    h.consolidate("sup");
    expect(predictions(graph, memories)).toEqual(p0); // consolidation to identity preserves the base function
    expect(h.nascent.map((r) => r.status)).toEqual(["consolidated", "consolidated"]);
    expect(graph.allModules().map((m) => m.id)).toContain("sup"); // never deleted (C-5)

    h.rematerialise("refine-x");
    h.rematerialise("sup");
    expect(predictions(graph, memories)).toEqual(p1); // reuse without retraining

    expect(() => h.spawnSup("too-high", ["sup", "sup"], rng)).toThrow(/at least|exceed|top-level/);
    trainer.dispose();
    tf.dispose([...memories.values()]);
    graph.dispose();
  });

  it("review materialises what earns its tokens and consolidates what does not", () => {
    const { graph } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "y", columns: [1] }] }, createRng(2));
    const h = new HierarchyManager(graph);
    const good = h.spawnSub("good", "x");
    h.spawnSub("useless", "y");
    good.terms[0]?.setValues(Float32Array.of(0.5));
    // A toy objective: 1 without "good"'s value, 0.5 with it; "useless" changes nothing.
    const decisions = h.review(() => ((good.terms[0]?.values()[0] ?? 0) !== 0 ? 0.5 : 1));
    expect(decisions.map((d) => [d.id, d.to])).toEqual([
      ["good", "materialised"],
      ["useless", "consolidated"],
    ]);
    graph.dispose();
  });
});
