/**
 * Backend choice at start-up (shared/DESIGN.md, "The tensor backend"; issue item 1).
 *
 * Automatic order: `tensorflow` (the optional native `@tensorflow/tfjs-node`, loaded by dynamic import so
 * a missing or broken install never breaks `pnpm install` or this import), then `wasm`, then `cpu`.
 * `TAM_BACKEND` or the `backend` option forces one; a forced backend that cannot load is an error that
 * says why, never a silent fallback.
 *
 * Measured here (shared/TOOLCHAIN.md): tfjs-node's import throws "The Node.js native addon module
 * (tfjs_binding.node) can not be found"; before throwing it registers kernels under the name
 * `tensorflow` but no backend factory, so TensorFlow.js stays usable and wasm loads next.
 */
import * as tf from "@tensorflow/tfjs";

import { installFastPaths } from "../fast/install-fast-paths.js";
import { registerWasmKernels } from "../kernels/register-wasm-kernels.js";
import { BACKEND_ENV_VAR, BACKEND_PREFERENCE, parseBackendName, type BackendName } from "./backend-name.js";
import { quietCpuHint } from "./quiet-cpu-hint.js";

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Force this backend; overrides `TAM_BACKEND`. Omit for the automatic choice. */
  readonly backend?: BackendName;
}

/** One backend that {@link initBackend} tried to load. */
export interface BackendAttempt {
  /** The backend tried. */
  readonly name: BackendName;
  /** Whether it loaded and became the active backend. */
  readonly ok: boolean;
  /** Why it did not load (absent when `ok`). */
  readonly error?: string;
}

/** Which backend is active and why; record it with every result. */
export interface BackendInfo {
  /** The active backend. */
  readonly name: BackendName;
  /** True when an option or `TAM_BACKEND` chose it, false for the automatic choice. */
  readonly forced: boolean;
  /** A sentence saying why this backend is active. */
  readonly reason: string;
  /** Every backend tried, in order, with the reason each failure happened. */
  readonly attempts: readonly BackendAttempt[];
  /** The TensorFlow.js version in use. */
  readonly tfjsVersion: string;
}

/** What a caller asked for, after reading the option and the environment. */
interface BackendRequest {
  readonly name: BackendName | undefined;
  readonly source: string | undefined;
}

/** The module specifier of the optional native backend, kept in a variable so TypeScript never needs it. */
const TFJS_NODE_SPECIFIER: string = "@tensorflow/tfjs-node";

/** Longest failure message kept in an attempt record. */
const MAX_ERROR_CHARS = 600;

let current: { readonly key: string; readonly info: BackendInfo } | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Choose, load and activate the TensorFlow.js backend; call once before any tensor work.
 *
 * Idempotent: calling again with the same request returns the same {@link BackendInfo} without
 * reloading. A different request (another forced backend) switches backends. Calls are serialised.
 *
 * @example
 * ```ts
 * import { initBackend, tf } from "@tam/tensor-backend";
 * const info = await initBackend();          // or initBackend({ backend: "cpu" }), or TAM_BACKEND=cpu
 * console.log(info.name, info.reason);       // "wasm", "automatic choice: ..."
 * tf.tensor([1, 2, 3]).sum().print();
 * ```
 * @throws Error naming the value when the option or `TAM_BACKEND` is not a backend name, and naming the
 *   cause when a forced backend cannot load.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const request = readRequest(options);
  const run = queue.then(() => select(request));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * The backend chosen by the last successful {@link initBackend}, and why the others did not load.
 *
 * @throws Error when {@link initBackend} has not completed yet.
 */
export function backendInfo(): BackendInfo {
  if (current === undefined) {
    throw new Error("Error in backendInfo: no backend initialised yet; await initBackend() first.");
  }
  return current.info;
}

function readRequest(options: InitBackendOptions): BackendRequest {
  if (typeof options !== "object" || options === null) {
    throw new Error(`Error in initBackend: options must be an object, got ${String(options)}.`);
  }
  if (options.backend !== undefined) {
    return { name: parseBackendName(options.backend, 'option "backend"'), source: 'the "backend" option' };
  }
  const fromEnv = process.env[BACKEND_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== "") {
    return { name: parseBackendName(fromEnv, BACKEND_ENV_VAR), source: `${BACKEND_ENV_VAR}=${fromEnv}` };
  }
  return { name: undefined, source: undefined };
}

async function select(request: BackendRequest): Promise<BackendInfo> {
  const key = request.name ?? "auto";
  if (current?.key === key && tf.getBackend() === current.info.name) return current.info;

  const attempts: BackendAttempt[] = [];
  if (request.name !== undefined) {
    const error = await tryLoad(request.name);
    attempts.push(error === undefined ? { name: request.name, ok: true } : { name: request.name, ok: false, error });
    if (error !== undefined) {
      throw new Error(
        `Error in initBackend: backend "${request.name}" was forced by ${request.source ?? "a caller"} ` +
          `but could not load: ${error}`,
      );
    }
    return remember(key, {
      name: request.name,
      forced: true,
      reason: `forced by ${request.source ?? "a caller"}`,
      attempts,
      tfjsVersion: tf.version.tfjs,
    });
  }

  for (const name of BACKEND_PREFERENCE) {
    const error = await tryLoad(name);
    if (error === undefined) {
      attempts.push({ name, ok: true });
      const failed = attempts.filter((a) => !a.ok).map((a) => a.name);
      const reason =
        failed.length === 0
          ? `automatic choice: "${name}" is the first preference and loaded`
          : `automatic choice: ${failed.map((n) => `"${n}"`).join(", ")} did not load, "${name}" did`;
      return remember(key, { name, forced: false, reason, attempts, tfjsVersion: tf.version.tfjs });
    }
    attempts.push({ name, ok: false, error });
  }
  const details = attempts.map((a) => `${a.name}: ${a.error ?? "?"}`).join("; ");
  throw new Error(`Error in initBackend: no backend could load (${details}).`);
}

function remember(key: string, info: BackendInfo): BackendInfo {
  current = { key, info };
  return info;
}

/** Load and activate one backend; returns why it failed, or undefined on success. */
async function tryLoad(name: BackendName): Promise<string | undefined> {
  try {
    if (name === "tensorflow") {
      if (tf.findBackendFactory("tensorflow") === null) {
        await import(TFJS_NODE_SPECIFIER);
        if (tf.findBackendFactory("tensorflow") === null) {
          return (
            "@tensorflow/tfjs-node was imported but registered no \"tensorflow\" backend with this " +
            "package's @tensorflow/tfjs (two copies of TensorFlow.js?)"
          );
        }
      }
    } else if (name === "wasm") {
      if (tf.findBackendFactory("wasm") === null) await import("@tensorflow/tfjs-backend-wasm");
      registerWasmKernels();
    }
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend("${name}") returned false (TensorFlow.js printed the cause above)`;
    await tf.ready();
    if (name === "cpu") quietCpuHint();
    // Explicit-transpose matMul on wasm and the nnz-scaled sparse kernels, for every package's training.
    installFastPaths();
    return undefined;
  } catch (error) {
    return describe(error);
  }
}

function describe(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}...` : text;
}
