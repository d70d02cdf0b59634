import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  installExplicitTransposeMatMul,
  uninstallExplicitTransposeMatMul,
} from "../../src/fast/explicit-transpose-matmul.js";
import { installFastPaths } from "../../src/fast/install-fast-paths.js";
import { maxAbsDiff, randomDense, seeded, useBackend } from "./helpers.js";

/** Products with every transpose combination, rank 2 and rank 3, plain and fused (bias + relu). */
function products(): tf.Tensor[] {
  const rnd = seeded(99);
  const out: tf.Tensor[] = [];
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      const a = randomDense(tA ? 7 : 5, tA ? 5 : 7, rnd);
      const b = randomDense(tB ? 3 : 7, tB ? 7 : 3, rnd);
      out.push(tf.matMul(a, b, tA, tB));
      const a3 = tf.stack([a, tf.neg(a)]) as tf.Tensor3D;
      const b3 = tf.stack([b, tf.mul(b, 2)]) as tf.Tensor3D;
      out.push(tf.matMul(a3, b3, tA, tB));
      out.push(tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias: tf.ones([3]), activation: "relu" }));
    }
  }
  return out;
}

/** Gradients of a small MLP loss (autodiff uses the transpose flags). */
function mlpGrads(): tf.Tensor[] {
  const rnd = seeded(5);
  const x = randomDense(32, 16, rnd);
  const t = randomDense(32, 8, rnd);
  const w1 = randomDense(16, 24, rnd);
  const w2 = randomDense(24, 8, rnd);
  return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.losses.meanSquaredError(t, tf.matMul(tf.relu(tf.matMul(x, a as tf.Tensor2D)), b as tf.Tensor2D)),
  )([w1, w2]);
}

describe("explicit-transpose matMul on wasm", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });
  afterAll(() => {
    uninstallExplicitTransposeMatMul();
  });

  it("gives the same products and gradients as the original kernels, without leaking", () => {
    uninstallExplicitTransposeMatMul();
    const before = tf.tidy(() => [...products(), ...mlpGrads()]);
    expect(installExplicitTransposeMatMul()).toEqual(["BatchMatMul", "_FusedMatMul"]);
    const start = tf.memory().numTensors;
    const after = tf.tidy(() => [...products(), ...mlpGrads()]);
    expect(tf.memory().numTensors).toBe(start + after.length);
    expect(after.length).toBe(before.length);
    before.forEach((b, i) => {
      const a = after[i] as tf.Tensor;
      expect(a.shape).toEqual(b.shape);
      // Not bit-identical: XNNPACK sums transposed operands in another order (max 1.2e-7 seen).
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    });
    tf.dispose([...before, ...after]);
  });

  it("is idempotent: installing twice wraps once and uninstalling restores the original kernel", () => {
    uninstallExplicitTransposeMatMul();
    const original = tf.getKernel("BatchMatMul", "wasm").kernelFunc;
    installExplicitTransposeMatMul();
    const wrapped = tf.getKernel("BatchMatMul", "wasm").kernelFunc;
    expect(wrapped).not.toBe(original);
    installFastPaths();
    expect(tf.getKernel("BatchMatMul", "wasm").kernelFunc).toBe(wrapped);
    uninstallExplicitTransposeMatMul();
    expect(tf.getKernel("BatchMatMul", "wasm").kernelFunc).toBe(original);
  });
});

describe("installFastPaths on cpu", () => {
  it("leaves the cpu kernels alone and registers the sparse kernels", async () => {
    await useBackend("cpu");
    const cpuMatMul = tf.getKernel("BatchMatMul", "cpu").kernelFunc;
    const report = installFastPaths();
    expect(report.backend).toBe("cpu");
    expect(report.sparseKernels).toEqual(["TamSpmm", "TamSddmm"]);
    expect(tf.getKernel("BatchMatMul", "cpu").kernelFunc).toBe(cpuMatMul);
    for (const b of ["cpu", "wasm", "tensorflow"]) expect(tf.getKernel("TamSpmm", b)).toBeDefined();
    const y = tf.tidy(() => tf.matMul(tf.eye(2), tf.tensor2d([[1, 2], [3, 4]]), true, false).dataSync());
    expect(Array.from(y)).toEqual([1, 2, 3, 4]);
  });
});
