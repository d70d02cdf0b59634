import { afterEach, describe, expect, it } from "vitest";

import { backendInfo, BACKEND_ENV_VAR, initBackend, tf } from "@tam/tensor-backend";
import type { BackendName } from "@tam/tensor-backend";

import { TEST_BACKENDS, useBackend } from "./helpers/backends.js";

const savedEnv = process.env[BACKEND_ENV_VAR];

afterEach(() => {
  if (savedEnv === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = savedEnv;
});

describe("initBackend / backendInfo", () => {
  it("backendInfo throws before any initBackend", () => {
    expect(() => backendInfo()).toThrow(/await initBackend\(\) first/);
  });

  it("automatic choice tries tensorflow, then wasm, then cpu, and records why each failed", async () => {
    delete process.env[BACKEND_ENV_VAR];
    const info = await initBackend();
    expect(info.forced).toBe(false);
    expect(info.attempts[0]?.name).toBe("tensorflow");
    const chosen = info.attempts.findIndex((a) => a.ok);
    expect(chosen).toBe(info.attempts.length - 1);
    expect(info.attempts[chosen]?.name).toBe(info.name);
    for (const failed of info.attempts.slice(0, chosen)) {
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatch(/\S/);
    }
    expect(tf.getBackend()).toBe(info.name);
    expect(backendInfo()).toBe(info);
    expect(info.tfjsVersion).toBe("4.22.0");
    // On these machines tfjs-node's native addon is absent (shared/TOOLCHAIN.md), so wasm wins.
    if (info.attempts[0]?.ok === false) {
      expect(info.attempts[0].error).toMatch(/tfjs_binding\.node|Cannot find/);
      expect(info.name).toBe("wasm");
      expect(info.reason).toMatch(/"tensorflow" did not load, "wasm" did/);
    }
  });

  it("is idempotent: the same request returns the same info without reloading", async () => {
    const first = await initBackend();
    const second = await initBackend();
    expect(second).toBe(first);
  });

  it("forcing tensorflow either loads it or fails naming why, leaving TensorFlow.js usable", async () => {
    const auto = await initBackend();
    const tensorflowLoads = auto.attempts[0]?.ok === true;
    const forced = initBackend({ backend: "tensorflow" });
    if (tensorflowLoads) {
      await expect(forced).resolves.toMatchObject({ name: "tensorflow", forced: true });
    } else {
      await expect(forced).rejects.toThrow(
        /backend "tensorflow" was forced by the "backend" option but could not load: .*tfjs_binding\.node/,
      );
      expect(tf.getBackend()).toBe(auto.name);
      expect(backendInfo()).toBe(auto);
      const y = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
      expect(y).toBe(6);
    }
  });

  it("an invalid TAM_BACKEND value is an error naming the value", async () => {
    process.env[BACKEND_ENV_VAR] = "gpu-please";
    await expect(initBackend()).rejects.toThrow(/TAM_BACKEND is "gpu-please", which is not a backend/);
  });

  it("an invalid backend option is an error naming the value", async () => {
    await expect(initBackend({ backend: "webgpu" as BackendName })).rejects.toThrow(/option "backend" is "webgpu"/);
  });

  it("TAM_BACKEND forces a backend; the option overrides it", async () => {
    process.env[BACKEND_ENV_VAR] = "cpu";
    const info = await initBackend();
    expect(info).toMatchObject({ name: "cpu", forced: true, reason: "forced by TAM_BACKEND=cpu" });
    expect(info.attempts).toEqual([{ name: "cpu", ok: true }]);
    expect(tf.getBackend()).toBe("cpu");
    const wasm = await initBackend({ backend: "wasm" });
    expect(wasm).toMatchObject({ name: "wasm", forced: true, reason: 'forced by the "backend" option' });
    expect(tf.getBackend()).toBe("wasm");
  });

  for (const backend of TEST_BACKENDS) {
    it(`gradients work on ${backend} (the union import registers them)`, async () => {
      await useBackend(backend);
      const g = tf.tidy(() => tf.grad((x) => tf.mean(tf.square(x)))(tf.tensor1d([1, 2, 3])).dataSync());
      expect(Array.from(g)).toEqual([2 / 3, 4 / 3, 2].map(Math.fround));
    });
  }
});
