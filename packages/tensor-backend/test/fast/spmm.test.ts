import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { denseSpmm } from "../../src/fast/dense-spmm.js";
import { spmm } from "../../src/fast/spmm.js";
import { cooToDense, maxAbsDiff, randomCoo, randomDense, seeded, useBackend, type Coo } from "./helpers.js";

function cooTensors(a: Coo): { rows: tf.Tensor1D; cols: tf.Tensor1D; values: tf.Tensor1D } {
  return {
    rows: tf.tensor1d(a.rows, "int32"),
    cols: tf.tensor1d(a.cols, "int32"),
    values: tf.tensor1d(a.values, "float32"),
  };
}

/** Gradients of L = sum(spmm(A, B) ∘ W) w.r.t. values and B, by the kernel and by a dense product. */
function gradsBoth(a: Coo, b: tf.Tensor2D, w: tf.Tensor2D, transposeA: boolean) {
  const { rows, cols, values } = cooTensors(a);
  const fast = tf.grads((v: tf.Tensor, d: tf.Tensor) =>
    tf.sum(tf.mul(spmm(rows, cols, v as tf.Tensor1D, a.shape, d as tf.Tensor2D, transposeA), w)),
  )([values, b]);
  const denseA = tf.tensor2d(cooToDense(a), a.shape);
  const [gA, gB] = tf.grads((m: tf.Tensor, d: tf.Tensor) =>
    tf.sum(tf.mul(tf.matMul(m as tf.Tensor2D, d as tf.Tensor2D, transposeA, false), w)),
  )([denseA, b]);
  const idx = tf.stack([rows, cols], 1);
  const gValuesRef = a.rows.length === 0 ? tf.zeros([0]) : tf.gatherND(gA as tf.Tensor, idx);
  return { fast, ref: [gValuesRef, gB as tf.Tensor] };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`spmm on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    let tensorsBefore = 0;
    beforeEach(() => {
      tensorsBefore = tf.memory().numTensors;
    });
    afterEach(() => {
      // Every test tidies its tensors: the kernels and gradients must not leak any.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });

    it("matches a dense matMul, forward and gradients, on random shapes and densities", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 13 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.boolean(),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (r, c, n, density, transposeA, seed) => {
            const rnd = seeded(seed);
            const a = randomCoo(r, c, density, rnd);
            tf.tidy(() => {
              const b = randomDense(transposeA ? r : c, n, rnd);
              const w = randomDense(transposeA ? c : r, n, rnd);
              const { rows, cols, values } = cooTensors(a);
              const y = spmm(rows, cols, values, a.shape, b, transposeA);
              const ref = tf.matMul(tf.tensor2d(cooToDense(a), a.shape), b, transposeA, false);
              expect(y.shape).toEqual(ref.shape);
              expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
              const { fast, ref: gRef } = gradsBoth(a, b, w, transposeA);
              expect(maxAbsDiff(fast[0] as tf.Tensor, gRef[0] as tf.Tensor)).toBeLessThan(1e-5);
              expect(maxAbsDiff(fast[1] as tf.Tensor, gRef[1] as tf.Tensor)).toBeLessThan(1e-5);
            });
          },
        ),
        { numRuns: 60, seed: 42 },
      );
    });

    it("matches a dense product for larger sizes with batch not a multiple of 16", () => {
      tf.tidy(() => {
        const rnd = seeded(7);
        for (const n of [1, 3, 4, 17, 37]) {
          const a = randomCoo(40, 30, 0.1, rnd);
          const { rows, cols, values } = cooTensors(a);
          for (const transposeA of [false, true]) {
            const b = randomDense(transposeA ? 40 : 30, n, rnd);
            const y = spmm(rows, cols, values, a.shape, b, transposeA);
            const ref = tf.matMul(tf.tensor2d(cooToDense(a), a.shape), b, transposeA, false);
            expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
          }
        }
      });
    });

    it("has gradients that agree with central finite differences", () => {
      tf.tidy(() => {
        const rnd = seeded(11);
        const a = randomCoo(5, 4, 0.5, rnd);
        const b = randomDense(4, 3, rnd);
        const w = randomDense(5, 3, rnd);
        const { rows, cols, values } = cooTensors(a);
        const loss = (v: tf.Tensor1D, d: tf.Tensor2D): number =>
          tf.tidy(() => tf.sum(tf.mul(spmm(rows, cols, v, a.shape, d), w)).dataSync()[0] ?? NaN);
        const [gv, gb] = tf.grads((v: tf.Tensor, d: tf.Tensor) =>
          tf.sum(tf.mul(spmm(rows, cols, v as tf.Tensor1D, a.shape, d as tf.Tensor2D), w)),
        )([values, b]);
        const h = 1e-2;
        const vArr = Array.from(values.dataSync());
        const gvArr = (gv as tf.Tensor).dataSync();
        vArr.forEach((_, k) => {
          const plus = vArr.slice();
          const minus = vArr.slice();
          plus[k] = (plus[k] ?? 0) + h;
          minus[k] = (minus[k] ?? 0) - h;
          const fd = (loss(tf.tensor1d(plus), b) - loss(tf.tensor1d(minus), b)) / (2 * h);
          expect(Math.abs(fd - (gvArr[k] ?? NaN))).toBeLessThan(2e-3);
        });
        const bArr = Array.from(b.dataSync());
        const gbArr = (gb as tf.Tensor).dataSync();
        bArr.forEach((_, k) => {
          const plus = bArr.slice();
          const minus = bArr.slice();
          plus[k] = (plus[k] ?? 0) + h;
          minus[k] = (minus[k] ?? 0) - h;
          const fd = (loss(values, tf.tensor2d(plus, [4, 3])) - loss(values, tf.tensor2d(minus, [4, 3]))) / (2 * h);
          expect(Math.abs(fd - (gbArr[k] ?? NaN))).toBeLessThan(2e-3);
        });
      });
    });

    it("handles an empty matrix (nnz = 0): zero product, empty value gradient, zero dense gradient", () => {
      tf.tidy(() => {
        const rows = tf.tensor1d([], "int32");
        const cols = tf.tensor1d([], "int32");
        const values = tf.tensor1d([], "float32");
        const b = randomDense(4, 5, seeded(3));
        const y = spmm(rows, cols, values, [3, 4], b);
        expect(y.shape).toEqual([3, 5]);
        expect(Array.from(y.dataSync())).toEqual(new Array<number>(15).fill(0));
        const [gv, gb] = tf.grads((v: tf.Tensor, d: tf.Tensor) =>
          tf.sum(spmm(rows, cols, v as tf.Tensor1D, [3, 4], d as tf.Tensor2D)),
        )([values, b]);
        expect((gv as tf.Tensor).shape).toEqual([0]);
        expect(Array.from((gb as tf.Tensor).dataSync())).toEqual(new Array<number>(20).fill(0));
      });
    });

    it("denseSpmm computes X·A and X·Aᵀ with gradients matching a dense product", () => {
      tf.tidy(() => {
        const rnd = seeded(5);
        const a = randomCoo(6, 7, 0.3, rnd);
        const { rows, cols, values } = cooTensors(a);
        const denseA = tf.tensor2d(cooToDense(a), a.shape);
        for (const transposeA of [false, true]) {
          const x = randomDense(9, transposeA ? 7 : 6, rnd);
          const w = randomDense(9, transposeA ? 6 : 7, rnd);
          const y = denseSpmm(x, rows, cols, values, a.shape, transposeA);
          expect(maxAbsDiff(y, tf.matMul(x, denseA, false, transposeA))).toBeLessThan(1e-5);
          const [gx, gv] = tf.grads((xx: tf.Tensor, v: tf.Tensor) =>
            tf.sum(tf.mul(denseSpmm(xx as tf.Tensor2D, rows, cols, v as tf.Tensor1D, a.shape, transposeA), w)),
          )([x, values]);
          const [gxRef, gaRef] = tf.grads((xx: tf.Tensor, m: tf.Tensor) =>
            tf.sum(tf.mul(tf.matMul(xx as tf.Tensor2D, m as tf.Tensor2D, false, transposeA), w)),
          )([x, denseA]);
          expect(maxAbsDiff(gx as tf.Tensor, gxRef as tf.Tensor)).toBeLessThan(1e-5);
          const gvRef = tf.gatherND(gaRef as tf.Tensor, tf.stack([rows, cols], 1));
          expect(maxAbsDiff(gv as tf.Tensor, gvRef)).toBeLessThan(1e-5);
        }
      });
    });

    it("rejects invalid inputs with errors naming the op and the problem", () => {
      tf.tidy(() => {
        const b = tf.zeros<tf.Rank.R2>([3, 2]);
        const i32 = (xs: number[]) => tf.tensor1d(xs, "int32");
        const f32 = (xs: number[]) => tf.tensor1d(xs, "float32");
        expect(() => spmm(f32([0]), i32([0]), f32([1]), [2, 3], b)).toThrow(/spmm: rows and cols must be int32/);
        expect(() => spmm(i32([0]), i32([0]), i32([1]), [2, 3], b)).toThrow(/spmm: values must be float32/);
        expect(() => spmm(i32([0, 1]), i32([0]), f32([1]), [2, 3], b)).toThrow(/same length/);
        expect(() => spmm(i32([0]), i32([0]), f32([1]), [2, 0], b)).toThrow(/shape must be two positive integers/);
        expect(() => spmm(i32([0]), i32([0]), f32([1]), [2, 4], b)).toThrow(/inner dimensions.*4 vs 3/);
        expect(() => spmm(i32([0]), i32([0]), f32([1]), [2, 3], b, true)).toThrow(/inner dimensions.*2 vs 3/);
        expect(() => spmm(i32([2]), i32([0]), f32([1]), [2, 3], b)).toThrow(/entry 0 \(row 2, col 0\) is outside the shape \[2, 3\]/);
        expect(() => spmm(i32([0]), i32([-1]), f32([1]), [2, 3], b)).toThrow(/outside the shape/);
        expect(() => spmm(i32([1, 0]), i32([0, 0]), f32([1, 1]), [2, 3], b)).toThrow(/sorted by \(row, col\).*entry 1/);
        expect(() => spmm(i32([0, 0]), i32([1, 1]), f32([1, 1]), [2, 3], b)).toThrow(/without duplicates/);
        expect(() => denseSpmm(tf.zeros<tf.Rank.R2>([2, 3]), i32([0]), i32([0]), f32([1]), [2, 3])).toThrow(
          /denseSpmm: inner dimensions.*3 vs 2/,
        );
      });
    });
  });
}
