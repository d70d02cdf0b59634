// Novelty signals, signatures, the prototype cache, meta-memory and the moving black hole data set (seed 002
// L784-815, L831-873, L850, L981; SEED-INVENTORY §4.7, E4, C-19; ADR 0405, 0406).
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Edge, Graph, GraphModule, MetaMemory, Node, NoveltySignal, NoveltyTracker, PrototypeCache, SparseStateFunction, barrierDamping, barrierGamma, blackHoleCells, blackHoleWorld, routingEntropy, signatureOf } from "../src/index.js";
import { useBackend } from "./backends.js";

describe("novelty signals", () => {
  it("routing entropy is log k for k equal messages and 0 for one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), (k) => {
        expect(routingEntropy(Array.from({ length: k }, () => 2))).toBeCloseTo(Math.log(k), 12);
      }),
    );
    expect(routingEntropy([0, 3, 0])).toBe(0);
    expect(routingEntropy([])).toBe(0);
  });

  it("has the seed's 7 components and rejects other shapes", () => {
    expect(new NoveltySignal([1, 2, 3, 4, 5, 6, 7]).vec).toHaveLength(7);
    expect(() => new NoveltySignal([1, 2])).toThrow(/7 components/);
    expect(() => new NoveltySignal([1, 2, 3, 4, Number.NaN, 6, 7])).toThrow(/gamma/);
  });

  it("a residual spike stands out against the calm baseline, which does not learn the spike", () => {
    const rng = createRng(1);
    const tracker = new NoveltyTracker();
    const calm = (): void => {
      tracker.observe({ gradNorm: 0.1 + 0.01 * rng.normal(), residual: Math.abs(0.05 + 0.01 * rng.normal()), vEff: 0.2, gamma: 1.02, messageNorms: [1, 1] });
    };
    for (let i = 0; i < 200; i += 1) calm();
    expect(Math.max(...Array.from(tracker.zScores(), Math.abs))).toBeLessThan(6);
    for (let i = 0; i < 30; i += 1) tracker.observe({ gradNorm: 2, residual: 0.9, vEff: 0.2, gamma: 1.02, messageNorms: [1, 1] });
    const z = tracker.zScores();
    expect(z[2]).toBeGreaterThan(20);
    expect(z[0]).toBeGreaterThan(20);
    for (let i = 0; i < 40; i += 1) calm();
    expect(Math.abs(tracker.zScores()[2] as number)).toBeLessThan(6);
  });

  it("saturation time counts steps with γ above the threshold", () => {
    const t = new NoveltyTracker();
    for (let i = 0; i < 50; i += 1) t.observe({ gradNorm: 0, residual: 0, vEff: 0.99, gamma: barrierGamma(0.99, 1), messageNorms: [] });
    expect(t.signal().vec[6]).toBeGreaterThan(0.99);
  });
});

describe("signatures and the prototype cache", () => {
  it("quantises clipped z-scores into a key", () => {
    const s = signatureOf([0.4, -3, 9, 100, -100, 2, 1.9]);
    expect(Array.from(s.code)).toEqual([0, -1, 2, 2, -2, 1, 0]);
    expect(s.key).toBe("0,-1,2,2,-2,1,0");
  });

  it("returns the exact or the nearest prototype within the distance, copies stored values, counts hits", () => {
    const cache = new PrototypeCache(3);
    const params = Float32Array.of(1, 2);
    cache.store(signatureOf([40, 40, 40, 0, 0, 0, 0]), [params]);
    params[0] = 99;
    expect(cache.lookup(signatureOf([40, 40, 40, 0, 0, 0, 0]))?.params[0]?.[0]).toBe(1);
    expect(cache.lookup(signatureOf([40, 4, 40, 0, 0, 0, 0]))?.params[0]?.[1]).toBe(2); // distance 1
    expect(cache.lookup(signatureOf([-40, -40, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 2, misses: 1 });
    expect(() => new PrototypeCache(-1)).toThrow(/maxDistance/);
  });
});

describe("meta-memory and routing gates", () => {
  beforeAll(() => useBackend("wasm"));

  it("keeps the canonical sorted spectra of a module's layers and fast/slow gradient EMAs", () => {
    const node = new Node({ id: "a", stateDim: 2 });
    node.stateFunction = new SparseStateFunction({ inputDim: 2, outputDim: 2, hidden: 3 }, createRng(1));
    const module = new GraphModule({ id: "a", node, edges: [Edge.newest(node, node)] });
    const memory = new MetaMemory(module);
    const spectra = memory.spectra();
    expect(spectra.map((s) => s.id)).toEqual(["linear", "branch.layer0", "branch.layer1"]);
    const norms = spectra[1]?.summary.neuronNorms ?? [];
    expect(norms).toHaveLength(3);
    expect([...norms].sort((x, y) => y - x)).toEqual(norms);
    memory.recordGradients(new Map([["w", 1]]));
    for (let i = 0; i < 10; i += 1) memory.recordGradients(new Map([["w", 5]]));
    const g = memory.gradientSummary().get("w");
    expect(g?.fast).toBeGreaterThan(g?.slow ?? Infinity); // a sustained rise: fast above slow
    node.dispose();
  });

  it("routing gates scale edge messages by the barrier damping", () => {
    const a = new Node({ id: "a", stateDim: 1, initialStates: Float32Array.from({ length: 6 }, () => 2) });
    const b = new Node({ id: "b", stateDim: 1 });
    b.stateFunction = new SparseStateFunction({ inputDim: 1, outputDim: 1, bias: false }, createRng(1));
    const graph = new Graph([new GraphModule({ id: "a", node: a }), new GraphModule({ id: "b", node: b, edges: [Edge.newest(a, b)] })]);
    const gate = barrierDamping(barrierGamma(0.8, 1));
    graph.step({ edgeGate: () => gate });
    expect(b.memory.dataSync()[5]).toBeCloseTo(2 * 0.6, 5);
    graph.dispose();
  });
});

describe("the moving black hole data set", () => {
  it("covers 2r + 1 cells during episodes only, moves every moveEvery steps, and is seeded", () => {
    const episodes = [{ start: 10, length: 20, position: 2 }];
    expect(blackHoleCells(episodes, 5, 8, 1, 10)).toEqual([]);
    expect(blackHoleCells(episodes, 10, 8, 1, 10)).toEqual([1, 2, 3]);
    expect(blackHoleCells(episodes, 20, 8, 1, 10)).toEqual([2, 3, 4]);
    expect(blackHoleCells([{ start: 0, length: 5, position: 0 }], 0, 8, 1, 10)).toEqual([0, 1, 7]);
    const a = blackHoleWorld({ steps: 60, episodes }, createRng(3));
    const b = blackHoleWorld({ steps: 60, episodes }, createRng(3));
    expect(Array.from(a.trajectory.values)).toEqual(Array.from(b.trajectory.values));
    let covered = 0;
    for (let t = 0; t < 60; t += 1) for (let i = 0; i < 8; i += 1) covered += a.mask[t * 8 + i] as number;
    expect(covered).toBe(20 * 3);
  });

  it("follows the calm dynamics exactly without noise, and the hole pulls covered cells toward B", () => {
    const { trajectory: t, mask } = blackHoleWorld({ steps: 40, noise: 0, episodes: [{ start: 5, length: 30, position: 0 }], radius: 0, moveEvery: 100 }, createRng(1));
    const at = (r: number, i: number): number => t.values[r * 8 + ((i + 8) % 8)] as number;
    for (const [r, i] of [
      [10, 1],
      [20, 3],
      [30, 7],
    ] as const) {
      const calm = 0.9 * at(r, i) + 0.3 * ((at(r, i - 1) + at(r, i + 1)) / 2 - at(r, i));
      expect(mask[r * 8 + i]).toBe(0);
      expect(at(r + 1, i)).toBeCloseTo(calm, 12);
    }
    const pulled = 0.9 * at(10, 0) + 0.3 * ((at(10, -1) + at(10, 1)) / 2 - at(10, 0));
    expect(at(11, 0)).toBeCloseTo(pulled + 0.3 * (3 - pulled), 12);
    expect(at(34, 0)).toBeGreaterThan(1);
    expect(() => blackHoleWorld({ steps: 20, episodes: [{ start: 15, length: 10, position: 0 }] }, createRng(1))).toThrow(/leaves the run/);
  });
});
