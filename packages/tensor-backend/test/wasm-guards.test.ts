import { describe, expect, it } from "vitest";

import { createRng, guardWasmKernels, tf, WASM_GUARDED_KERNELS } from "@tam/tensor-backend";
import type { Tensor } from "@tam/tensor-backend";

import { randomArray, runOn, useBackend } from "./helpers/backends.js";

/** Each guarded reduction, reached through its public op, reducing axis 1 of `x`. */
const REDUCTIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = {
  Sum: (x) => tf.sum(x, 1),
  Mean: (x) => tf.mean(x, 1),
  Max: (x) => tf.max(x, 1),
  Min: (x) => tf.min(x, 1),
  Prod: (x) => tf.prod(x, 1),
  Any: (x) => tf.cast(tf.any(tf.notEqual(x, 0), 1), "float32"),
  All: (x) => tf.cast(tf.all(tf.notEqual(x, 0), 1), "float32"),
};

/** Values wasm's own cast to bool got wrong (measured: 0.5 → false, 2 → 2, -1 → 255). */
const CAST_CASES = [0, 0.5, -0.25, 1, 2, -1, 300, -1e-7, Number.NaN];

describe("wasm kernels routed to cpu where wasm is wrong", () => {
  it("guards every reduction tested here, and cast", () => {
    expect([...WASM_GUARDED_KERNELS].sort()).toEqual([...Object.keys(REDUCTIONS), "Cast"].sort());
  });

  it.each(Object.keys(REDUCTIONS))("%s of an empty axis gives the cpu backend's identity value", async (name) => {
    const reduce = REDUCTIONS[name] as (x: Tensor) => Tensor;
    // Fill wasm's heap with non-zero values first, so a kernel that reads unwritten memory shows it.
    await useBackend("wasm");
    tf.tidy(() => void tf.fill([4096], 7).dataSync());
    const empty = (): Tensor => reduce(tf.zeros([5, 0]));
    const expected = Array.from(await runOn("cpu", empty));
    expect(Array.from(await runOn("wasm", empty))).toEqual(expected);
  });

  it.each(Object.keys(REDUCTIONS))("%s of a non-empty input still matches cpu", async (name) => {
    const reduce = REDUCTIONS[name] as (x: Tensor) => Tensor;
    const data = randomArray(createRng(11), 6 * 7);
    data[3] = 0;
    const run = (): Tensor => reduce(tf.tensor2d(data, [6, 7]));
    const cpu = await runOn("cpu", run);
    const wasm = await runOn("wasm", run);
    Array.from(cpu).forEach((value, i) => expect(wasm[i]).toBeCloseTo(value, 4));
  });

  it("cast to bool is 'not zero' on wasm, as on cpu, for float32 and int32", async () => {
    const floats = (): Tensor => tf.cast(tf.cast(tf.tensor1d(CAST_CASES), "bool"), "float32");
    const ints = (): Tensor => tf.cast(tf.cast(tf.tensor1d([0, 1, 2, -1, 255, 256], "int32"), "bool"), "int32");
    expect(Array.from(await runOn("wasm", floats))).toEqual(Array.from(await runOn("cpu", floats)));
    expect(Array.from(await runOn("wasm", ints))).toEqual([0, 1, 1, 1, 1, 1]);
    expect(Array.from(await runOn("wasm", floats))).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("other casts still run and match cpu", async () => {
    const run = (): Tensor[] => [tf.cast(tf.tensor1d([1.7, -2.2, 3]), "int32"), tf.cast(tf.tensor1d([true, false], "bool"), "float32")];
    expect((await runOn("wasm", run)).map((a) => Array.from(a))).toEqual((await runOn("cpu", run)).map((a) => Array.from(a)));
  });

  it("wraps each kernel once and leaks nothing", async () => {
    await useBackend("wasm");
    expect(guardWasmKernels()).toEqual([]);
    const before = tf.memory().numTensors;
    const cpuBuffers = tf.engine().findBackend("cpu").numDataIds();
    for (let i = 0; i < 5; i += 1) tf.tidy(() => void tf.sum(tf.cast(tf.zeros([3, 0]), "bool"), 1).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().findBackend("cpu").numDataIds()).toBe(cpuBuffers);
  });
});
