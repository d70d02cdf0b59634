// Dense compute, sparse semantics (seed 002 L1836-1838, L1553-1554): switching a layer's compute path
// preserves its function and its gradients (within float tolerance), counters follow the representation,
// the crossover policy drives real layers mid-training, and nothing leaks. On cpu and wasm.
import { createRng, randomNormal, tf, type Tensor2D } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";

import { CrossoverPolicy, SparseMaskedLinear, SparseMaskedStack, type Batch, type CostModel, type StackLayerSpec, type SwitchEvent } from "../src/index.js";
import { TEST_BACKENDS, maxAbsDiff, useBackend } from "./helpers/backends.js";

function randomLayers(seed: number, sizes: readonly number[], fraction: number): StackLayerSpec[] {
  const rng = createRng(seed);
  return sizes.slice(1).map((outFeatures, i) => {
    const inFeatures = sizes[i] as number;
    const cells = inFeatures * outFeatures;
    const keys = Int32Array.from(rng.choice(cells, Math.max(1, Math.round(fraction * cells)))).sort();
    return { inFeatures, outFeatures, base: { kind: "zero" }, initial: { keys, values: Float32Array.from(keys, () => rng.normal(0, 0.5)) } };
  });
}

/** A cost model that always finds dense cheaper (or sparse, when `dense` is false). */
function fixedCost(dense: boolean): CostModel {
  return { sparseSeconds: () => (dense ? 2 : 1), denseSeconds: () => (dense ? 1 : 2) };
}

describe.each(TEST_BACKENDS)("dense compute path on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("a stack computes the same outputs, losses and gradients on either path", () => {
    const layers = randomLayers(7, [12, 10, 6], 0.3);
    const net = new SparseMaskedStack({ layers, activation: "tanh" });
    const rng = createRng(8);
    const batch: Batch = { x: randomNormal(rng, [9, 12]) as Tensor2D, y: randomNormal(rng, [9, 6]) as Tensor2D };
    const read = (): { y: Float32Array; loss: number; grads: Float32Array[] } => {
      const y = net.forward(batch.x);
      const out = { y: Float32Array.from(y.dataSync()), loss: net.lossValue(batch), grads: net.layers.map((l) => net.hotGradient(batch, l.id)) };
      y.dispose();
      return out;
    };
    const sparse = read();
    for (const layer of net.layers) expect(layer.setPath("dense")).toBe(true);
    const before = tf.memory().numTensors;
    const dense = read();
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(sparse.y, dense.y)).toBeLessThan(1e-5);
    expect(Math.abs(sparse.loss - dense.loss)).toBeLessThan(1e-5);
    sparse.grads.forEach((g, i) => expect(maxAbsDiff(g, dense.grads[i] as Float32Array)).toBeLessThan(1e-5));
    tf.dispose([batch.x, batch.y]);
    net.dispose();
  });

  it("training with the policy switching paths mid-run follows the all-sparse run, counters follow the switch", () => {
    const sizes = [16, 12, 4];
    const reference = new SparseMaskedStack({ layers: randomLayers(21, sizes, 0.25), activation: "relu", learningRate: 0.02 });
    const net = new SparseMaskedStack({ layers: randomLayers(21, sizes, 0.25), activation: "relu", learningRate: 0.02 });
    const events: SwitchEvent[] = [];
    const toDense = new CrossoverPolicy(fixedCost(true), { checkEverySteps: 2, confirmChecks: 2, cooldownChecks: 1 }, { onEvent: (e) => events.push(e) });
    const toSparse = new CrossoverPolicy(fixedCost(false), { checkEverySteps: 2, confirmChecks: 2, cooldownChecks: 1 }, { onEvent: (e) => events.push(e) });
    const rng = createRng(22);
    const before = tf.memory().numTensors;
    const paths: string[] = [];
    for (let step = 1; step <= 16; step += 1) {
      const batch: Batch = { x: randomNormal(rng, [8, 16]) as Tensor2D, y: randomNormal(rng, [8, 4]) as Tensor2D };
      reference.trainStep(batch).dispose();
      net.trainStep(batch).dispose();
      (step <= 8 ? toDense : toSparse).step(net.layers, 8);
      paths.push(net.layers.map((l) => l.path[0]).join(""));
      tf.dispose([batch.x, batch.y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Switch to dense at the second check (step 4), back to sparse at the second check of the second policy (step 12).
    expect(paths).toEqual(["ss", "ss", "ss", "dd", "dd", "dd", "dd", "dd", "dd", "dd", "dd", "ss", "ss", "ss", "ss", "ss"]);
    expect(events.map((e) => `${e.objectId}:${e.from}->${e.to}`)).toEqual(["layer0:sparse->dense", "layer1:sparse->dense", "layer0:dense->sparse", "layer1:dense->sparse"]);
    for (const e of events.slice(0, 2)) {
      const [rows, cols] = e.objectId === "layer0" ? [16, 12] : [12, 4];
      expect(e.countersBefore.computeCells).toBe(e.countersBefore.cStruct);
      expect(e.countersAfter).toEqual({ ...e.countersBefore, computeCells: rows * cols });
    }
    expect(net.layers.map((l) => l.pathSwitches)).toEqual([2, 2]);
    reference.layers.forEach((l, i) => expect(maxAbsDiff(l.hotValues(), net.layers[i]?.hotValues() ?? new Float32Array(0))).toBeLessThan(1e-4));
    reference.dispose();
    net.dispose();
  });

  it("setPath reports whether the path changed and rejects unknown paths", () => {
    const layer = new SparseMaskedLinear({ id: "L", inFeatures: 3, outFeatures: 3 });
    expect(layer.setPath("sparse")).toBe(false);
    expect(layer.setPath("dense")).toBe(true);
    expect(layer.pathSwitches).toBe(1);
    expect(() => layer.setPath("block" as "dense")).toThrow(/"L".setPath: path must be "sparse", "dense" or "tile", got block/);
    layer.dispose();
  });
});
