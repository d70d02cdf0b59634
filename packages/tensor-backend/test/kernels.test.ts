import { beforeAll, describe, expect, it } from "vitest";

import { createRng, registerWasmKernels, tf, WASM_BRIDGED_KERNELS } from "@tam/tensor-backend";
import type { Tensor, Tensor4D } from "@tam/tensor-backend";

import { maxAbsDiff, randomArray, runOn, useBackend } from "./helpers/backends.js";

const TOLERANCE = 1e-5;

/** Run `fn` on cpu and on wasm and check the results agree. */
async function expectParity(fn: () => Tensor | Tensor[], tolerance = TOLERANCE): Promise<void> {
  const cpu = await runOn("cpu", fn);
  const wasm = await runOn("wasm", fn);
  const cpuList = Array.isArray(cpu) ? cpu : [cpu];
  const wasmList = Array.isArray(wasm) ? wasm : [wasm];
  expect(wasmList).toHaveLength(cpuList.length);
  cpuList.forEach((c, i) => {
    const w = wasmList[i] as Float32Array;
    expect(w.length).toBe(c.length);
    expect(maxAbsDiff(c, w)).toBeLessThanOrEqual(tolerance * (1 + Math.max(...Array.from(c, Math.abs), 0)));
  });
}

describe("kernels missing on wasm", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("registers every bridged kernel for wasm, once", () => {
    for (const name of WASM_BRIDGED_KERNELS) expect(tf.getKernel(name, "wasm")).toBeDefined();
    expect(registerWasmKernels()).toEqual([]);
  });

  it("UnsortedSegmentSum: forward and gradient match cpu on random inputs", async () => {
    const rng = createRng(1);
    for (let trial = 0; trial < 5; trial += 1) {
      const rows = rng.int(1, 40);
      const cols = rng.int(1, 9);
      const segments = rng.int(1, 12);
      const data = randomArray(rng, rows * cols);
      const ids = Int32Array.from({ length: rows }, () => rng.int(0, segments));
      const weights = randomArray(rng, segments * cols);
      await expectParity(() => {
        const x = tf.tensor2d(data, [rows, cols]);
        const seg = tf.tensor1d(ids, "int32");
        const forward = tf.unsortedSegmentSum(x, seg, segments);
        const grad = tf.grad((v: Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(v, seg, segments), tf.tensor2d(weights, [segments, cols]))))(x);
        return [forward, grad];
      });
    }
  });

  it("the gradient of gather (which needs UnsortedSegmentSum) matches cpu", async () => {
    const rng = createRng(2);
    const data = randomArray(rng, 30 * 4);
    const idx = Int32Array.from({ length: 50 }, () => rng.int(0, 30));
    await expectParity(() =>
      tf.grad((x: Tensor) => tf.sum(tf.square(tf.gather(x, tf.tensor1d(idx, "int32")))))(tf.tensor2d(data, [30, 4])),
    );
  });

  it("Einsum forward matches cpu", async () => {
    const rng = createRng(3);
    const a = randomArray(rng, 12);
    const b = randomArray(rng, 20);
    await expectParity(() => tf.einsum("ij,jk->ik", tf.tensor2d(a, [3, 4]), tf.tensor2d(b, [4, 5])));
  });

  it("conv2d and depthwiseConv2d gradients (filter and input) match cpu", async () => {
    const rng = createRng(4);
    const input = randomArray(rng, 2 * 6 * 6 * 3);
    const filter = randomArray(rng, 3 * 3 * 3 * 4);
    const depthFilter = randomArray(rng, 3 * 3 * 3 * 2);
    await expectParity(() => {
      const x = tf.tensor4d(input, [2, 6, 6, 3]);
      const [gx, gf] = tf.grads((xi: Tensor, f: Tensor) => tf.sum(tf.square(tf.conv2d(xi as Tensor4D, f as Tensor4D, 1, "same"))))([
        x,
        tf.tensor4d(filter, [3, 3, 3, 4]),
      ]) as [Tensor, Tensor];
      const [dx, df] = tf.grads((xi: Tensor, f: Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(xi as Tensor4D, f as Tensor4D, 1, "valid"))),
      )([x, tf.tensor4d(depthFilter, [3, 3, 3, 2])]) as [Tensor, Tensor];
      return [gx, gf, dx, df];
    }, 1e-4);
  });

  it("bridged kernels leak no tensors", async () => {
    await useBackend("wasm");
    const seg = tf.tensor1d([0, 1, 0], "int32");
    const x = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    const cpuBuffers = tf.engine().findBackend("cpu").numDataIds();
    for (let i = 0; i < 20; i += 1) {
      tf.tidy(() => {
        tf.grad((v: Tensor) => tf.sum(tf.unsortedSegmentSum(v, seg, 2)))(x);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().findBackend("cpu").numDataIds()).toBe(cpuBuffers);
    tf.dispose([seg, x]);
  });
});
