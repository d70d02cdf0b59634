import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AdamWithMoments, CheckpointError, loadCheckpoint, restoreCheckpoint, saveCheckpoint, tf } from "@tam/tensor-backend";
import type { Scalar, Tensor } from "@tam/tensor-backend";

import { TEST_BACKENDS, variableOf, useBackend } from "./helpers/backends.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tam-ckpt-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The raw bytes of a tensor, to compare bit for bit (NaN payloads and -0 included). */
function bytes(t: Tensor): number[] {
  const data = t.dataSync<"float32" | "int32" | "bool">();
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return error instanceof CheckpointError ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
  }
  return "no error";
}

describe("checkpoints", () => {
  for (const backend of TEST_BACKENDS) {
    it(`round-trips float32, int32 and bool bit-exactly (${backend})`, async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const special = new Float32Array([0, -0, Number.NaN, Infinity, -Infinity, 1e-45, 3.4028234e38, 0.1]);
      const saved = {
        "layer/w": variableOf(tf.tensor2d(special, [2, 4])),
        idx: tf.tensor1d([-2147483648, 0, 2147483647], "int32"),
        mask: tf.tensor([true, false, true], [3], "bool"),
        scalar: tf.scalar(1.5),
        empty: tf.zeros([0, 3]),
      };
      const dir = join(root, `round-${backend}`);
      const manifest = await saveCheckpoint(dir, saved, { metadata: { step: 12 } });
      expect(manifest.tensors.map((t) => t.name)).toEqual(Object.keys(saved));
      const { tensors, manifest: read } = await loadCheckpoint(dir);
      expect(read).toEqual(manifest);
      expect(read.metadata).toEqual({ step: 12 });
      for (const [name, t] of Object.entries(saved)) {
        const back = tensors[name] as Tensor;
        expect(back.dtype).toBe(t.dtype);
        expect(back.shape).toEqual(t.shape);
        expect(bytes(back)).toEqual(bytes(t));
      }
      tf.dispose(tensors);
      tf.dispose(Object.values(saved));
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("restores into variables, and a later save replaces the weights file atomically", async () => {
    await useBackend("wasm");
    const dir = join(root, "restore");
    const w = variableOf(tf.tensor1d([1, 2, 3]));
    const b = variableOf(tf.scalar(4));
    await saveCheckpoint(dir, { w, b });
    const firstFiles = await readdir(dir);
    w.assign(tf.tensor1d([9, 9, 9]));
    await saveCheckpoint(dir, { w, b });
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(files.some((f) => f.includes(".tmp-"))).toBe(false);
    expect(files).not.toEqual(firstFiles);
    w.assign(tf.tensor1d([0, 0, 0]));
    expect(await restoreCheckpoint(dir, { w, b })).toEqual(["w", "b"]);
    expect(Array.from(w.dataSync())).toEqual([9, 9, 9]);
    tf.dispose([w, b]);
  });

  it("fails on name, shape and dtype mismatch, naming the variable, and changes nothing", async () => {
    await useBackend("cpu");
    const dir = join(root, "mismatch");
    const w = variableOf(tf.tensor1d([1, 2, 3]));
    const k = variableOf(tf.tensor1d([1, 2], "int32"));
    await saveCheckpoint(dir, { w, k });
    const wrongShape = variableOf(tf.zeros([2, 2]));
    const wrongType = variableOf(tf.zeros([2]));
    const other = variableOf(tf.zeros([3]));
    expect(await codeOf(restoreCheckpoint(dir, { k, w: wrongShape }))).toMatch(
      /^SHAPE_MISMATCH: .*variable "w" has shape \[2,2\], the checkpoint holds \[3\]/,
    );
    expect(await codeOf(restoreCheckpoint(dir, { w, k: wrongType }))).toMatch(/^DTYPE_MISMATCH: .*variable "k" is float32, the checkpoint holds int32/);
    expect(await codeOf(restoreCheckpoint(dir, { w, k, missing: other }))).toMatch(/^NAME_MISMATCH: .*variable "missing" is not in the checkpoint/);
    other.assign(tf.ones([3]));
    expect(await codeOf(restoreCheckpoint(dir, { w: other }))).toMatch(/^NAME_MISMATCH: .*has "k", which no variable takes/);
    expect(Array.from(other.dataSync())).toEqual([1, 1, 1]);
    await restoreCheckpoint(dir, { w: other }, { allowUnused: true });
    expect(Array.from(other.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([w, k, wrongShape, wrongType, other]);
  });

  it("detects missing, malformed and corrupted checkpoints", async () => {
    await useBackend("cpu");
    expect(await codeOf(loadCheckpoint(join(root, "nowhere")))).toMatch(/^NOT_FOUND: .*no checkpoint at/);
    const dir = join(root, "corrupt");
    const w = variableOf(tf.tensor1d([1, 2, 3]));
    const manifest = await saveCheckpoint(dir, { w });
    const bin = join(dir, manifest.weightsFile);
    const data = await readFile(bin);
    data[0] = (data[0] as number) ^ 1;
    await writeFile(bin, data);
    expect(await codeOf(loadCheckpoint(dir))).toMatch(/^CORRUPT: .*does not match the manifest's SHA-256/);
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ ...manifest, version: 99 }));
    expect(await codeOf(loadCheckpoint(dir))).toMatch(/^BAD_MANIFEST: .*field version/);
    await writeFile(join(dir, "manifest.json"), "{ not json");
    expect(await codeOf(loadCheckpoint(dir))).toMatch(/^BAD_MANIFEST: .*not valid JSON/);
    expect(await codeOf(saveCheckpoint(dir, {}))).toMatch(/^BAD_INPUT: .*no tensors to save/);
    w.dispose();
  });

  it("a failed save leaves the previous checkpoint intact", async () => {
    await useBackend("cpu");
    const dir = join(root, "intact");
    const w = variableOf(tf.tensor1d([1, 2]));
    await saveCheckpoint(dir, { w });
    const disposed = tf.tensor1d([5]);
    disposed.dispose();
    expect(await codeOf(saveCheckpoint(dir, { w, gone: disposed }))).toMatch(/^BAD_INPUT: .*"gone" is disposed/);
    const { tensors } = await loadCheckpoint(dir);
    expect(Object.keys(tensors)).toEqual(["w"]);
    tf.dispose(tensors);
    w.dispose();
  });

  it("saves and restores Adam moments so training resumes identically", async () => {
    await useBackend("wasm");
    const dir = join(root, "adam");
    const run = async (resume: boolean): Promise<Float32Array> => {
      const w = variableOf(tf.tensor1d([3, -2]));
      const adam = new AdamWithMoments({ w }, { learningRate: 0.1 });
      const loss = (): Scalar => tf.sum(tf.square(w));
      for (let i = 0; i < 3; i += 1) adam.minimize(loss).dispose();
      if (resume) {
        await saveCheckpoint(dir, { w, ...adam.stateVariables() }, { metadata: { step: adam.stepCount } });
        w.assign(tf.zeros([2]));
        const fresh = new AdamWithMoments({ w }, { learningRate: 0.1 });
        const { manifest } = await loadCheckpoint(dir).then((c) => {
          tf.dispose(c.tensors);
          return c;
        });
        await restoreCheckpoint(dir, { w, ...fresh.stateVariables() });
        fresh.setStepCount((manifest.metadata as { step: number }).step);
        adam.dispose();
        for (let i = 0; i < 3; i += 1) fresh.minimize(loss).dispose();
        fresh.dispose();
      } else {
        for (let i = 0; i < 3; i += 1) adam.minimize(loss).dispose();
        adam.dispose();
      }
      const out = Float32Array.from(w.dataSync());
      w.dispose();
      return out;
    };
    expect(await run(true)).toEqual(await run(false));
  });
});
