// SparseMaskedLinear: identity-first fast path (seed 002 L1235, L1252; TODO-1 square / non-square /
// block-diagonal), forward = base + X·W against a dense reference, gradients vs finite differences and
// only to W_vals, heat states and counters (L1591-1605). On cpu and wasm.
import { createRng, randomNormal, tf, type Rank, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { SparseMaskedLinear, baseMatrix, makeShadow, type LayerBase } from "../src/index.js";
import { TEST_BACKENDS, bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

function denseReference(x: Float32Array, batch: number, inF: number, outF: number, w: Float32Array): Float32Array {
  const y = new Float32Array(batch * outF);
  for (let b = 0; b < batch; b += 1) for (let i = 0; i < inF; i += 1) for (let o = 0; o < outF; o += 1) y[b * outF + o] = (y[b * outF + o] as number) + (x[b * inF + i] as number) * (w[i * outF + o] as number);
  return y;
}

describe.each(TEST_BACKENDS)("SparseMaskedLinear on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("is an exact pass-through with no arithmetic while nothing is Hot (square, non-square, block-diagonal)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (blocks, bi, bo, batch, seed) => {
        for (const [base, inF, outF] of [
          [{ kind: "identity" }, bi * blocks, bi * blocks],
          [{ kind: "identity" }, bi, bo],
          [{ kind: "block-identity", blocks }, bi * blocks, bo * blocks],
        ] as const) {
          const layer = new SparseMaskedLinear({ inFeatures: inF, outFeatures: outF, base: base });
          const x = randomNormal(createRng(seed), [batch, inF]) as Tensor2D;
          const before = tf.memory().numTensors;
          const y = layer.forward(x);
          expect(layer.callCounts.fastPath).toBe(1);
          const expected = denseReference(x.dataSync() as Float32Array, batch, inF, outF, baseMatrix(base, inF, outF));
          expect(bitEqual(Float32Array.from(y.dataSync()), expected)).toBe(true);
          y.dispose();
          expect(tf.memory().numTensors).toBe(before);
          x.dispose();
          layer.dispose();
        }
      }),
      { numRuns: 15 },
    );
  });

  it("square identity forward runs no arithmetic kernel", async () => {
    const layer = new SparseMaskedLinear({ inFeatures: 6, outFeatures: 6 });
    const x = tf.ones<Rank.R2>([3, 6]);
    const info = await tf.profile(() => layer.forward(x));
    expect(info.kernels.map((k) => k.name).filter((n) => n !== "Identity")).toEqual([]);
    x.dispose();
    layer.dispose();
  });

  it("forward = base + X·W on random Hot sets, and shadows add X·Δ without touching W_vals", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer(), fc.boolean(), (inF, outF, seed, zeroBase) => {
        const rng = createRng(seed);
        const cells = inF * outF;
        const keys = Int32Array.from(rng.choice(cells, rng.int(1, cells + 1))).sort();
        const values = Float32Array.from(keys, () => rng.normal());
        const base: LayerBase = zeroBase ? { kind: "zero" } : { kind: "identity" };
        const layer = new SparseMaskedLinear({ inFeatures: inF, outFeatures: outF, base, initial: { keys, values } });
        const x = randomNormal(rng, [3, inF]) as Tensor2D;
        const w = baseMatrix(base, inF, outF);
        keys.forEach((k, i) => (w[k] = (w[k] as number) + (values[i] as number)));
        const y = layer.forward(x);
        expect(maxAbsDiff(y.dataSync(), denseReference(x.dataSync() as Float32Array, 3, inF, outF, w))).toBeLessThan(1e-4);
        const shadowKey = rng.int(0, cells);
        const shadow = makeShadow(layer.id, Int32Array.of(shadowKey), outF, tf.tensor1d([0.7]));
        const ys = layer.forward(x, { shadows: [shadow] });
        w[shadowKey] = (w[shadowKey] as number) + 0.7;
        expect(maxAbsDiff(ys.dataSync(), denseReference(x.dataSync() as Float32Array, 3, inF, outF, w))).toBeLessThan(1e-4);
        expect(bitEqual(layer.hotValues(), values)).toBe(true);
        tf.dispose([x, y, ys, shadow.indices, shadow.delta]);
        layer.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it("the dense compute path gives the same output as the sparse path", () => {
    const rng = createRng(5);
    const keys = Int32Array.from(rng.choice(40, 12)).sort();
    const layer = new SparseMaskedLinear({ inFeatures: 8, outFeatures: 5, initial: { keys, values: Float32Array.from(keys, () => rng.normal()) } });
    const x = randomNormal(rng, [4, 8]) as Tensor2D;
    const sparse = layer.forward(x);
    layer.setPath("dense");
    const dense = layer.forward(x);
    expect(maxAbsDiff(sparse.dataSync(), dense.dataSync())).toBeLessThan(1e-5);
    expect(layer.counters(0).computeCells).toBe(40);
    tf.dispose([x, sparse, dense]);
    layer.dispose();
  });

  it("gradients reach only W_vals and match finite differences", () => {
    const rng = createRng(11);
    const keys = Int32Array.of(0, 3, 7, 10, 14);
    const layer = new SparseMaskedLinear({ inFeatures: 4, outFeatures: 4, initial: { keys, values: Float32Array.from(keys, () => rng.normal()) } });
    const x = randomNormal(rng, [5, 4]) as Tensor2D;
    const target = randomNormal(rng, [5, 4]) as Tensor2D;
    const lossOf = (): tf.Scalar => tf.mean(tf.square(tf.sub(layer.forward(x), target)));
    const { grads } = tf.variableGrads(lossOf);
    expect(Object.keys(grads)).toEqual([layer.values.name]);
    const analytic = Float32Array.from((grads[layer.values.name] as tf.Tensor).dataSync());
    tf.dispose(grads);
    const h = 1e-2;
    const base = layer.hotValues();
    const numeric = Array.from(base, (_, i) => {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const at = (v: Float64Array): number => tf.tidy(() => tf.mean(tf.square(tf.sub(layer.forward(x, { hotValues: tf.tensor1d(Float32Array.from(v)) }), target))).dataSync()[0] as number);
      return (at(plus) - at(minus)) / (2 * h);
    });
    expect(maxAbsDiff(analytic, numeric)).toBeLessThan(2e-3);
    tf.dispose([x, target]);
    layer.dispose();
  });

  it("tracks heat states and the counters C_struct and C_active", () => {
    const layer = new SparseMaskedLinear({ inFeatures: 3, outFeatures: 3, initial: { keys: Int32Array.of(1, 4), values: Float32Array.of(0.5, 0) } });
    expect(layer.heatOf(0, 1)).toBe("hot");
    layer.markWarm(Int32Array.of(2, 4));
    expect(layer.heatOf(0, 2)).toBe("warm");
    expect(layer.heatOf(1, 1)).toBe("hot");
    expect(layer.heatCounts()).toEqual({ hot: 2, warm: 1, cold: 6 });
    expect(layer.counters(1e-4)).toEqual({ cStruct: 2, cActive: 1, computeCells: 2 });
    layer.clearWarm();
    expect(layer.heatOf(0, 2)).toBe("cold");
    layer.dispose();
  });

  it("rejects bad input with errors naming the layer and the field", () => {
    expect(() => new SparseMaskedLinear({ inFeatures: 0, outFeatures: 2 })).toThrow(/inFeatures must be a positive integer, got 0/);
    expect(() => new SparseMaskedLinear({ inFeatures: 3, outFeatures: 4, base: { kind: "block-identity", blocks: 2 } })).toThrow(/base.blocks/);
    const layer = new SparseMaskedLinear({ id: "L", inFeatures: 2, outFeatures: 2 });
    expect(() => layer.setStructure(Int32Array.of(3, 1), Float32Array.of(1, 1))).toThrow(/"L".*sorted/);
    expect(() => layer.setStructure(Int32Array.of(9), Float32Array.of(1))).toThrow(/key 9 is outside/);
    const x = tf.ones<Rank.R2>([1, 3]);
    expect(() => layer.forward(x)).toThrow(/x must be float32 \[B, 2\]/);
    x.dispose();
    layer.dispose();
  });
});
