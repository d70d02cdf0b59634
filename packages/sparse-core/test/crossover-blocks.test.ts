// Per-block dense crossover (seed 002 L1552 "per layer or block", L1553 counters on a switch; ADR 0304):
// a layer split into row blocks computes the same function and gradients whatever mix of sparse and dense
// blocks it uses, the policy drives each block with its own hysteresis and cooldown, and switch events
// carry the block's counters. On cpu and wasm.
import { createRng, randomNormal, tf, type Rank, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { CrossoverPolicy, SparseMaskedLinear, type ComputePath, type CostModel, type SwitchEvent } from "../src/index.js";
import { TEST_BACKENDS, maxAbsDiff, useBackend } from "./helpers/backends.js";

/** A 13x5 layer in row blocks of 4 (blocks of 4, 4, 4 and 1 rows) with a random Hot set. */
function randomLayer(seed: number, fraction: number): SparseMaskedLinear {
  const rng = createRng(seed);
  const cells = 13 * 5;
  const keys = Int32Array.from(rng.choice(cells, Math.max(1, Math.round(fraction * cells)))).sort();
  return new SparseMaskedLinear({ id: "L", inFeatures: 13, outFeatures: 5, base: { kind: "zero" }, crossoverBlockRows: 4, initial: { keys, values: Float32Array.from(keys, () => rng.normal()) } });
}

/** Output and ∂(Σ y·r)/∂W_vals of a layer on its current paths. */
function outputAndGradient(layer: SparseMaskedLinear, x: Tensor2D, r: Tensor2D): { y: Float32Array; g: Float32Array } {
  return tf.tidy(() => {
    const y = layer.forward(x);
    const [g] = tf.grads((v) => tf.sum(tf.mul(layer.forward(x, { hotValues: v as Tensor1D }), r)))([layer.values]);
    return { y: Float32Array.from(y.dataSync()), g: Float32Array.from(g?.dataSync() ?? []) };
  });
}

/** Dense is cheaper exactly when the target's density exceeds `threshold` (switchable). */
function densityCost(state: { threshold: number }): CostModel {
  const dense = (q: { paths: number; inFeatures: number; outFeatures: number }): boolean => q.paths / (q.inFeatures * q.outFeatures) > state.threshold;
  return { sparseSeconds: (q) => (dense(q) ? 2 : 1), denseSeconds: (q) => (dense(q) ? 1 : 2) };
}

describe.each(TEST_BACKENDS)("per-block crossover on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("any mix of sparse and dense blocks gives the all-sparse output and W_vals gradient (property), leaking nothing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.double({ min: 0.05, max: 0.9, noNaN: true }), (seed, denseBlocks, fraction) => {
        const layer = randomLayer(seed, fraction);
        const rng = createRng(seed + 1);
        const x = randomNormal(rng, [6, 13]) as Tensor2D;
        const r = randomNormal(rng, [6, 5]) as Tensor2D;
        const sparse = outputAndGradient(layer, x, r);
        denseBlocks.forEach((d, b) => layer.setBlockPath(b, d ? "dense" : "sparse"));
        const uniform = denseBlocks.every((d) => d === denseBlocks[0]);
        expect(layer.path).toBe(uniform ? (denseBlocks[0] === true ? "dense" : "sparse") : "mixed");
        outputAndGradient(layer, x, r); // builds the cached block plan
        const before = tf.memory().numTensors;
        const mixed = outputAndGradient(layer, x, r);
        expect(tf.memory().numTensors).toBe(before);
        expect(maxAbsDiff(sparse.y, mixed.y)).toBeLessThan(1e-5);
        expect(maxAbsDiff(sparse.g, mixed.g)).toBeLessThan(1e-5);
        // computeCells: h·out for a dense block, its Hot cells for a sparse one.
        const expected = layer.blocks.reduce((s, b) => s + (b.path === "dense" ? b.shape[0] * 5 : b.nnz), 0);
        expect(layer.counters(0).computeCells).toBe(expected);
        expect(layer.blocks.reduce((s, b) => s + b.nnz, 0)).toBe(layer.nnz);
        tf.dispose([x, r]);
        layer.dispose();
      }),
      { numRuns: 12 },
    );
  });

  it("a structural edit rebuilds the block plan (outputs follow the new Hot set)", () => {
    const layer = randomLayer(3, 0.3);
    const x = randomNormal(createRng(4), [5, 13]) as Tensor2D;
    const r = tf.ones<Rank.R2>([5, 5]);
    layer.setBlockPath(1, "dense");
    outputAndGradient(layer, x, r);
    const keys = Int32Array.from([0, 21, 22, 64]);
    layer.setStructure(keys, Float32Array.from([1, -2, 3, 0.5]));
    const mixed = outputAndGradient(layer, x, r);
    layer.setPath("sparse");
    const sparse = outputAndGradient(layer, x, r);
    expect(maxAbsDiff(sparse.y, mixed.y)).toBeLessThan(1e-5);
    tf.dispose([x, r]);
    layer.dispose();
  });

  it("the policy switches each block on its own (hysteresis and cooldown per block); events carry the block's counters", () => {
    // Block 0 (rows 0-3) fully Hot, block 1 one cell, block 2 half, block 3 empty.
    const keys = [...Array.from({ length: 20 }, (_, i) => i), 21, ...Array.from({ length: 10 }, (_, i) => 40 + i)];
    const layer = new SparseMaskedLinear({ id: "L", inFeatures: 13, outFeatures: 5, base: { kind: "zero" }, crossoverBlockRows: 4, initial: { keys: Int32Array.from(keys), values: Float32Array.from(keys, (k) => 1 + k / 100) } });
    const cost = { threshold: 0.4 };
    const events: SwitchEvent[] = [];
    const policy = new CrossoverPolicy(densityCost(cost), { checkEverySteps: 1, confirmChecks: 2, cooldownChecks: 2 }, { onEvent: (e) => events.push(e) });
    const trace: string[] = [];
    const record = (): void => {
      policy.step(layer.blocks, 8);
      trace.push(layer.blocks.map((b) => b.path[0]).join(""));
    };
    record();
    record(); // second agreeing check: blocks 0 and 2 switch
    expect(trace).toEqual(["ssss", "dsds"]);
    expect(layer.path).toBe("mixed");
    expect(events.map((e) => `${e.objectId}:${e.from}->${e.to}`)).toEqual(["L/rows0-4:sparse->dense", "L/rows8-12:sparse->dense"]);
    const first = events[0];
    expect(first?.countersBefore).toEqual({ cStruct: 20, cActive: 20, computeCells: 20 });
    expect(first?.countersAfter).toEqual({ cStruct: 20, cActive: 20, computeCells: 20 });
    expect(events[1]?.countersBefore).toEqual({ cStruct: 10, cActive: 10, computeCells: 10 });
    expect(events[1]?.countersAfter).toEqual({ cStruct: 10, cActive: 10, computeCells: 20 });
    expect(layer.counters(0).computeCells).toBe(20 + 1 + 20 + 0);
    // Now dense is never cheaper: each dense block waits out its own cooldown, then needs two agreeing checks.
    cost.threshold = 2;
    record();
    record();
    expect(trace.slice(2)).toEqual(["dsds", "dsds"]);
    record();
    record();
    expect(trace.slice(4)).toEqual(["dsds", "ssss"]);
    expect(policy.stateFor("L/rows0-4").switches).toBe(2);
    expect(policy.stateFor("L/rows4-8").switches).toBe(0);
    expect(layer.pathSwitches).toBe(4);
    layer.dispose();
  });

  it("a whole-layer check of a mixed layer unifies it on the cheaper path", () => {
    const layer = randomLayer(5, 0.5);
    layer.setBlockPath(2, "dense");
    const policy = new CrossoverPolicy(densityCost({ threshold: 0.9 }), { checkEverySteps: 1, confirmChecks: 1, cooldownChecks: 0 });
    const check = policy.check(layer, 4);
    expect(check.switched).toBe(true);
    expect(layer.path).toBe("sparse");
    layer.dispose();
  });

  it("rejects a bad block size, block index or path, naming the field", () => {
    expect(() => new SparseMaskedLinear({ id: "B", inFeatures: 4, outFeatures: 2, crossoverBlockRows: 0 })).toThrow(/"B": crossoverBlockRows must be an integer in \[1, 4\], got 0/);
    expect(() => new SparseMaskedLinear({ id: "B", inFeatures: 4, outFeatures: 2, crossoverBlockRows: 5 })).toThrow(/crossoverBlockRows/);
    const layer = new SparseMaskedLinear({ id: "B", inFeatures: 4, outFeatures: 2, crossoverBlockRows: 3 });
    expect(layer.blocks.map((b) => b.id)).toEqual(["B/rows0-3", "B/rows3-4"]);
    expect(() => layer.setBlockPath(2, "dense")).toThrow(/"B".setBlockPath: block must be an integer in \[0, 2\), got 2/);
    expect(() => layer.setBlockPath(0, "blocky" as ComputePath)).toThrow(/"B".setBlockPath: path must be "sparse", "dense" or "tile", got blocky/);
    layer.dispose();
  });
});
