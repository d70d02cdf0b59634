import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  coalesce,
  createRng,
  denseSparseMatMul,
  disposeSparse,
  SparseFormatError,
  sparseDenseMatMul,
  sparseFromDense,
  sparseMatrix,
  sparseToDense,
  sparseTranspose,
  sparseWithValues,
  tf,
} from "@tam/tensor-backend";
import type { Rng, SparseMatrix, Tensor, Tensor1D, Tensor2D } from "@tam/tensor-backend";

import { finiteDifferenceGrad, maxAbsDiff, randomArray, runOn, TEST_BACKENDS, useBackend } from "./helpers/backends.js";

/** A random canonical sparse pattern of a `rows x cols` matrix with about `density` of entries. */
function randomPattern(rng: Rng, rows: number, cols: number, density: number): { pairs: [number, number][]; values: number[] } {
  const pairs: [number, number][] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      if (rng.bernoulli(density)) {
        pairs.push([r, c]);
        values.push(rng.normal());
      }
    }
  }
  return { pairs, values };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SparseFormatError ? error.code : `not SparseFormatError: ${String(error)}`;
  }
  return undefined;
}

describe("sparseToDense", () => {
  it.each(TEST_BACKENDS)("scatters the cells and differentiates to the values as dL/dDense at those cells (%s)", async (backend) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const a = sparseMatrix({ indices: [[0, 1], [1, 3], [2, 0], [2, 2]], values: [5, -1, 2, 0.5], shape: [3, 4] });
    const weights = tf.tensor2d(Float32Array.from({ length: 12 }, (_, i) => i + 1), [3, 4]);
    const dense = sparseToDense(a);
    expect(Array.from(dense.dataSync())).toEqual([0, 5, 0, 0, 0, 0, 0, -1, 2, 0, 0.5, 0]);
    const grad = tf.grad((v: Tensor) => tf.sum(tf.mul(sparseToDense({ ...a, values: v as Tensor1D }), weights)))(a.values);
    expect(Array.from(grad.dataSync())).toEqual([2, 8, 9, 11]);
    tf.dispose([dense, grad, weights]);
    disposeSparse(a);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("SparseMatrix construction", () => {
  it("accepts a canonical matrix and rejects malformed ones with named errors", async () => {
    await useBackend("cpu");
    const before = tf.memory().numTensors;
    const a = sparseMatrix({ indices: [[0, 1], [2, 0]], values: [5, -1], shape: [3, 2] });
    const dense = sparseToDense(a);
    expect(Array.from(dense.dataSync())).toEqual([0, 5, 0, 0, -1, 0]);
    dense.dispose();
    disposeSparse(a);
    expect(codeOf(() => sparseMatrix({ indices: [[0, 2]], values: [1], shape: [3, 2] }))).toBe("INDEX_OUT_OF_RANGE");
    expect(codeOf(() => sparseMatrix({ indices: [[1, 0], [0, 1]], values: [1, 2], shape: [3, 2] }))).toBe("UNSORTED");
    expect(codeOf(() => sparseMatrix({ indices: [[1, 0], [1, 0]], values: [1, 2], shape: [3, 2] }))).toBe("DUPLICATE");
    expect(codeOf(() => sparseMatrix({ indices: [[1, 0]], values: [1, 2], shape: [3, 2] }))).toBe("BAD_VALUES");
    expect(codeOf(() => sparseMatrix({ indices: [[1, 0]], values: [1], shape: [3, -2] }))).toBe("BAD_SHAPE");
    const floatIdx = tf.tensor2d([[0, 0]], [1, 2], "float32");
    expect(codeOf(() => sparseMatrix({ indices: floatIdx, values: [1], shape: [1, 1] }))).toBe("BAD_INDICES");
    floatIdx.dispose();
    expect(() => sparseMatrix({ indices: [[0, 2]], values: [1], shape: [3, 2] })).toThrow(
      /Error in sparseMatrix: entry 0 at \(0, 2\) is outside the shape \[3, 2\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("dense -> sparse -> dense round trips, and transpose matches the dense transpose", async () => {
    await useBackend("cpu");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), (seed, rows, cols) => {
        const rng = createRng(seed);
        const { pairs, values } = randomPattern(rng, rows, cols, 0.4);
        const dense = tf.tidy(() => sparseToDense(sparseMatrix({ indices: pairs, values, shape: [rows, cols] })));
        const a = sparseFromDense(dense);
        expect(a.indices.arraySync()).toEqual(pairs);
        expect(Array.from(sparseToDense(a).dataSync())).toEqual(Array.from(dense.dataSync()));
        const t = sparseTranspose(a);
        expect(t.shape).toEqual([cols, rows]);
        expect(() => sparseMatrix({ indices: t.indices, values: t.values, shape: t.shape })).not.toThrow();
        expect(Array.from(sparseToDense(t).dataSync())).toEqual(Array.from(tf.transpose(dense).dataSync()));
        tf.dispose([dense]);
        disposeSparse(a);
        disposeSparse(t);
      }),
      { numRuns: 40 },
    );
  });

  it("coalesce sorts, sums repeats, keeps gradients to the input values", async () => {
    await useBackend("cpu");
    const idx = tf.tensor2d([[1, 0], [0, 2], [1, 0], [0, 0]], [4, 2], "int32");
    const vals = tf.tensor1d([1, 2, 3, 4]);
    const a = coalesce(idx, vals, [2, 3]);
    expect(a.indices.arraySync()).toEqual([[0, 0], [0, 2], [1, 0]]);
    expect(Array.from(a.values.dataSync())).toEqual([4, 2, 4]);
    const g = tf.grad((v: Tensor) => tf.sum(tf.mul(coalesce(idx, v as Tensor1D, [2, 3]).values, tf.tensor1d([10, 20, 30]))))(vals);
    expect(Array.from(g.dataSync())).toEqual([30, 20, 30, 10]);
    expect(() => coalesce(idx, vals, [1, 3])).toThrow(/Error in coalesce: entry 0 at \(1, 0\) is outside the shape \[1, 3\]/);
    tf.dispose([idx, vals, g]);
    disposeSparse(a);
  });
});

describe("sparseDenseMatMul / denseSparseMatMul", () => {
  for (const backend of TEST_BACKENDS) {
    it(`equals the dense product on random inputs, all orientations (${backend})`, async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1e6 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 6 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (seed, rows, cols, n, density) => {
            const rng = createRng(seed);
            const { pairs, values } = randomPattern(rng, rows, cols, density);
            const a = sparseMatrix({ indices: pairs, values, shape: [rows, cols] });
            const b = tf.tensor2d(randomArray(rng, cols * n), [cols, n]);
            const bt = tf.tensor2d(randomArray(rng, rows * n), [rows, n]);
            const x = tf.tensor2d(randomArray(rng, n * rows), [n, rows]);
            const xt = tf.tensor2d(randomArray(rng, n * cols), [n, cols]);
            const checks: [Tensor, Tensor][] = tf.tidy(() => {
              const dense = sparseToDense(a);
              return [
                [sparseDenseMatMul(a, b), tf.matMul(dense, b)],
                [sparseDenseMatMul(a, bt, { transposeA: true }), tf.matMul(dense, bt, true, false)],
                [denseSparseMatMul(x, a), tf.matMul(x, dense)],
                [denseSparseMatMul(xt, a, { transposeB: true }), tf.matMul(xt, dense, false, true)],
              ];
            });
            for (const [got, want] of checks) {
              expect(got.shape).toEqual(want.shape);
              expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-4);
            }
            tf.dispose([checks, b, bt, x, xt]);
            disposeSparse(a);
          },
        ),
        { numRuns: 30 },
      );
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`gradients to values and to the dense operand match finite differences and the dense product (${backend})`, async () => {
      await useBackend(backend);
      const rng = createRng(77);
      const [rows, cols, n] = [4, 5, 3];
      const { pairs, values } = randomPattern(rng, rows, cols, 0.5);
      const a = sparseMatrix({ indices: pairs, values, shape: [rows, cols] });
      const bData = randomArray(rng, cols * n);
      const vData = Float32Array.from(values);
      const weights = tf.tensor2d(randomArray(rng, rows * n), [rows, n]);
      const loss = (v: Tensor, b: Tensor): Tensor =>
        tf.sum(tf.square(tf.mul(sparseDenseMatMul(sparseWithValues(a, v as Tensor1D), b as Tensor2D), weights)));
      const [gv, gb] = tf.tidy(() => tf.grads(loss)([tf.tensor1d(vData), tf.tensor2d(bData, [cols, n])]).map((g) => g.dataSync()));
      const fdV = finiteDifferenceGrad((v) => loss(v, tf.tensor2d(bData, [cols, n])), vData, [vData.length]);
      const fdB = finiteDifferenceGrad((b) => loss(tf.tensor1d(vData), b), bData, [cols, n]);
      expect(maxAbsDiff(gv as Float32Array, fdV)).toBeLessThan(2e-2 * (1 + Math.max(...Array.from(fdV, Math.abs))));
      expect(maxAbsDiff(gb as Float32Array, fdB)).toBeLessThan(2e-2 * (1 + Math.max(...Array.from(fdB, Math.abs))));
      // Against the dense product: d/dDense restricted to the pattern equals d/dvalues.
      const [gDense, gbDense] = tf.tidy(() =>
        tf.grads((d: Tensor, b: Tensor) => tf.sum(tf.square(tf.mul(tf.matMul(d as Tensor2D, b as Tensor2D), weights))))([
          sparseToDense(a),
          tf.tensor2d(bData, [cols, n]),
        ]).map((g) => g.dataSync()),
      );
      const onPattern = pairs.map(([r, c]) => (gDense as Float32Array)[r * cols + c] as number);
      expect(maxAbsDiff(gv as Float32Array, onPattern)).toBeLessThan(1e-4);
      expect(maxAbsDiff(gb as Float32Array, gbDense as Float32Array)).toBeLessThan(1e-4);
      tf.dispose(weights);
      disposeSparse(a);
    });
  }

  it("gives the same numbers on cpu and wasm, including gradients (parity)", async () => {
    const rng = createRng(5);
    const { pairs, values } = randomPattern(rng, 12, 10, 0.2);
    const bData = randomArray(rng, 10 * 4);
    const compute = (): Tensor[] => {
      const a = sparseMatrix({ indices: pairs, values, shape: [12, 10] });
      const b = tf.tensor2d(bData, [10, 4]);
      const f = (v: Tensor, bb: Tensor): Tensor => tf.sum(tf.sin(sparseDenseMatMul(sparseWithValues(a, v as Tensor1D), bb as Tensor2D)));
      return [sparseDenseMatMul(a, b), ...tf.grads(f)([a.values, b])];
    };
    const cpu = await runOn("cpu", compute);
    const wasm = await runOn("wasm", compute);
    cpu.forEach((c, i) => expect(maxAbsDiff(c, wasm[i] as Float32Array)).toBeLessThan(1e-5));
  });

  it("validates operands with messages naming the op and shapes", async () => {
    await useBackend("cpu");
    const a = sparseMatrix({ indices: [[0, 0]], values: [1], shape: [3, 4] });
    const b = tf.tensor2d(new Float32Array(10), [5, 2]);
    expect(() => sparseDenseMatMul(a, b)).toThrow(
      /Error in sparseDenseMatMul: inner dimensions differ: a has shape \[3,4\] \(transposeA=false, inner 4\) and b has shape \[5,2\] \(inner 5\)/,
    );
    expect(() => denseSparseMatMul(b, a)).toThrow(/Error in denseSparseMatMul: inner dimensions differ: x has shape \[5,2\]/);
    const intB = tf.tensor2d(new Int32Array(8), [4, 2], "int32");
    expect(() => sparseDenseMatMul(a, intB)).toThrow(/Error in sparseDenseMatMul: b must be a float32 matrix, got int32/);
    disposeSparse(a);
    expect(() => sparseDenseMatMul(a, tf.tensor2d(new Float32Array(8), [4, 2]))).toThrow(SparseFormatError);
    tf.dispose([b, intB]);
  });

  it("an empty sparse matrix gives zeros", async () => {
    for (const backend of TEST_BACKENDS) {
      const y = await runOn(backend, () => {
        const a: SparseMatrix = sparseMatrix({ indices: [], values: [], shape: [3, 2] });
        return sparseDenseMatMul(a, tf.tensor2d(new Float32Array(8).fill(1), [2, 4]));
      });
      expect(Array.from(y)).toEqual(new Array<number>(12).fill(0));
    }
  });
});
