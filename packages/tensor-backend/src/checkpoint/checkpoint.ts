/**
 * Save, load and restore a named set of tensors (issue item 8).
 *
 * Layout of a checkpoint directory: `manifest.json` (format, version, tensor names, shapes, dtypes, byte
 * offsets, SHA-256 of the weights) and one `weights-<hash>.bin` with every tensor's bytes, little-endian,
 * 8-byte aligned. Writes are atomic: the weights file is written under its content hash first, then the
 * manifest replaces the old one in a single rename, which is the commit point; an interrupted save
 * leaves the previous checkpoint readable. Round trips are bit-exact.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import type { Tensor, Variable } from "@tensorflow/tfjs";

import { writeFileAtomic } from "./atomic-write.js";
import { CheckpointError } from "./checkpoint-error.js";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  manifestSchema,
  type CheckpointDtype,
  type CheckpointEntry,
  type CheckpointManifest,
} from "./checkpoint-manifest.js";

/** Alignment of every tensor's bytes in the weights file. */
const ALIGNMENT = 8;
/** Weights file names: `weights-<first 16 hex digits of SHA-256>.bin`. */
const WEIGHTS_PATTERN = /^weights-[0-9a-f]{16}\.bin$/;

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** JSON-serialisable data stored in the manifest (step counts, config). */
  readonly metadata?: unknown;
}

/** A loaded checkpoint: new tensors the caller owns, and the manifest. */
export interface LoadedCheckpoint {
  /** One new tensor per saved name. Dispose them when done. */
  readonly tensors: Record<string, Tensor>;
  /** The manifest read from disk. */
  readonly manifest: CheckpointManifest;
}

/** Options of {@link restoreCheckpoint}. */
export interface RestoreCheckpointOptions {
  /** Allow names in the checkpoint that `variables` does not have (default false: an error). */
  readonly allowUnused?: boolean;
}

/**
 * Save named tensors or variables to `dir` (created if missing), atomically.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.ones([2, 2]));
 * await saveCheckpoint("ckpt", { w }, { metadata: { step: 10 } });
 * await restoreCheckpoint("ckpt", { w });
 * ```
 * @returns the manifest written.
 * @throws CheckpointError (`BAD_INPUT`) naming the tensor for an empty name set, a disposed tensor or an
 *   unsupported dtype; file-system errors pass through.
 */
export async function saveCheckpoint(
  dir: string,
  tensors: Readonly<Record<string, Tensor | Variable>>,
  options: SaveCheckpointOptions = {},
): Promise<CheckpointManifest> {
  if (endianness() !== "LE") {
    throw new CheckpointError("BAD_INPUT", "Error in saveCheckpoint: only little-endian hosts are supported.");
  }
  const names = Object.keys(tensors);
  if (names.length === 0) throw new CheckpointError("BAD_INPUT", `Error in saveCheckpoint: no tensors to save in "${dir}".`);
  const entries: CheckpointEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name] as Tensor;
    if (!(tensor instanceof tf.Tensor)) {
      throw new CheckpointError("BAD_INPUT", `Error in saveCheckpoint: "${name}" is not a tensor or variable.`);
    }
    if (tensor.isDisposed) throw new CheckpointError("BAD_INPUT", `Error in saveCheckpoint: "${name}" is disposed.`);
    if (tensor.dtype !== "float32" && tensor.dtype !== "int32" && tensor.dtype !== "bool") {
      throw new CheckpointError("BAD_INPUT", `Error in saveCheckpoint: "${name}" has dtype ${tensor.dtype}; only float32, int32 and bool are stored.`);
    }
    const data = await tensor.data<"float32" | "int32" | "bool">();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const padding = (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
    if (padding > 0) chunks.push(new Uint8Array(padding));
    offset += padding;
    entries.push({ name, dtype: tensor.dtype, shape: tensor.shape.slice(), byteOffset: offset, byteLength: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const weights = concat(chunks, offset);
  const sha256 = createHash("sha256").update(weights).digest("hex");
  const weightsFile = `weights-${sha256.slice(0, 16)}.bin`;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    weightsFile,
    byteLength: weights.byteLength,
    sha256,
    tensors: entries,
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, weightsFile), weights);
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of await readdir(dir)) {
    if (WEIGHTS_PATTERN.test(file) && file !== weightsFile) await rm(join(dir, file), { force: true });
  }
  return manifest;
}

/**
 * Read a checkpoint from `dir` into new tensors, verifying the manifest and the weights' SHA-256.
 *
 * @throws CheckpointError: `NOT_FOUND` (no manifest or weights), `BAD_MANIFEST` (unreadable or wrong
 *   format/version), `CORRUPT` (size or hash mismatch, tensor bytes out of range).
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const manifest = await readManifest(dir);
  let weights: Buffer;
  try {
    weights = await readFile(join(dir, manifest.weightsFile));
  } catch (error) {
    throw new CheckpointError("NOT_FOUND", `Error in loadCheckpoint: cannot read "${join(dir, manifest.weightsFile)}".`, { cause: error });
  }
  if (weights.byteLength !== manifest.byteLength) {
    throw new CheckpointError(
      "CORRUPT",
      `Error in loadCheckpoint: "${manifest.weightsFile}" has ${weights.byteLength} bytes, the manifest says ${manifest.byteLength}.`,
    );
  }
  if (createHash("sha256").update(weights).digest("hex") !== manifest.sha256) {
    throw new CheckpointError("CORRUPT", `Error in loadCheckpoint: "${manifest.weightsFile}" does not match the manifest's SHA-256.`);
  }
  const tensors: Record<string, Tensor> = {};
  try {
    for (const entry of manifest.tensors) {
      if (Object.hasOwn(tensors, entry.name)) {
        throw new CheckpointError("BAD_MANIFEST", `Error in loadCheckpoint: the manifest lists "${entry.name}" twice.`);
      }
      tensors[entry.name] = decode(entry, weights);
    }
  } catch (error) {
    tf.dispose(tensors);
    throw error;
  }
  return { tensors, manifest };
}

/**
 * Load `dir` into existing variables by name. Every check runs before any variable changes, so a failed
 * restore leaves all variables as they were.
 *
 * @returns the names restored.
 * @throws CheckpointError naming the variable: `NAME_MISMATCH` (a variable missing from the checkpoint,
 *   or a checkpoint name without a variable unless `allowUnused`), `SHAPE_MISMATCH`, `DTYPE_MISMATCH`;
 *   and the errors of {@link loadCheckpoint}.
 */
export async function restoreCheckpoint(
  dir: string,
  variables: Readonly<Record<string, Variable>>,
  options: RestoreCheckpointOptions = {},
): Promise<string[]> {
  const { tensors } = await loadCheckpoint(dir);
  try {
    const names = Object.keys(variables);
    for (const name of names) {
      const variable = variables[name] as Variable;
      const saved = tensors[name];
      if (saved === undefined) {
        throw new CheckpointError(
          "NAME_MISMATCH",
          `Error in restoreCheckpoint: variable "${name}" is not in the checkpoint at "${dir}" (it has: ${Object.keys(tensors).join(", ")}).`,
        );
      }
      if (saved.dtype !== variable.dtype) {
        throw new CheckpointError(
          "DTYPE_MISMATCH",
          `Error in restoreCheckpoint: variable "${name}" is ${variable.dtype}, the checkpoint holds ${saved.dtype}.`,
        );
      }
      if (saved.shape.length !== variable.shape.length || saved.shape.some((d, i) => d !== variable.shape[i])) {
        throw new CheckpointError(
          "SHAPE_MISMATCH",
          `Error in restoreCheckpoint: variable "${name}" has shape [${variable.shape.join(",")}], the checkpoint holds [${saved.shape.join(",")}].`,
        );
      }
    }
    const unused = Object.keys(tensors).filter((n) => !Object.hasOwn(variables, n));
    if (unused.length > 0 && options.allowUnused !== true) {
      throw new CheckpointError(
        "NAME_MISMATCH",
        `Error in restoreCheckpoint: the checkpoint at "${dir}" has ${unused.map((n) => `"${n}"`).join(", ")}, which no variable takes (pass allowUnused to ignore).`,
      );
    }
    for (const name of names) (variables[name] as Variable).assign(tensors[name] as Tensor);
    return names;
  } finally {
    tf.dispose(tensors);
  }
}

async function readManifest(dir: string): Promise<CheckpointManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch (error) {
    throw new CheckpointError("NOT_FOUND", `Error in loadCheckpoint: no checkpoint at "${dir}" (cannot read ${MANIFEST_FILE}).`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError("BAD_MANIFEST", `Error in loadCheckpoint: "${join(dir, MANIFEST_FILE)}" is not valid JSON.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(
      "BAD_MANIFEST",
      `Error in loadCheckpoint: "${join(dir, MANIFEST_FILE)}" field ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}.`,
    );
  }
  return parsed.data;
}

function decode(entry: CheckpointEntry, weights: Buffer): Tensor {
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  const width = entry.dtype === "bool" ? 1 : 4;
  if (entry.byteLength !== elements * width || entry.byteOffset + entry.byteLength > weights.byteLength) {
    throw new CheckpointError(
      "CORRUPT",
      `Error in loadCheckpoint: "${entry.name}" (${entry.dtype} [${entry.shape.join(",")}]) does not fit its byte range ${entry.byteOffset}+${entry.byteLength}.`,
    );
  }
  const bytes = weights.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength);
  const copy = new ArrayBuffer(entry.byteLength);
  new Uint8Array(copy).set(bytes);
  return tf.tensor(typed(entry.dtype, copy), entry.shape.slice(), entry.dtype);
}

function typed(dtype: CheckpointDtype, buffer: ArrayBuffer): Float32Array | Int32Array | Uint8Array {
  if (dtype === "float32") return new Float32Array(buffer);
  if (dtype === "int32") return new Int32Array(buffer);
  return new Uint8Array(buffer);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
