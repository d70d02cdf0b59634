/**
 * The checkpoint manifest: format name, version, the weights file and one record per tensor.
 */
import { z } from "zod";

/** The `format` field of every TAM checkpoint manifest. */
export const CHECKPOINT_FORMAT = "tam-checkpoint";
/** The manifest version this package writes and reads. */
export const CHECKPOINT_VERSION = 1;
/** The manifest's file name inside a checkpoint directory. */
export const MANIFEST_FILE = "manifest.json";

/** Tensor dtypes a checkpoint stores (bool as one byte per element). */
export type CheckpointDtype = "float32" | "int32" | "bool";

/** One tensor's record in the manifest. */
export interface CheckpointEntry {
  /** The name given at save time. */
  readonly name: string;
  /** Its dtype. */
  readonly dtype: CheckpointDtype;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Offset of its bytes in the weights file (a multiple of 8). */
  readonly byteOffset: number;
  /** Number of bytes (little-endian elements, row-major). */
  readonly byteLength: number;
}

/** The whole manifest (`manifest.json`). */
export interface CheckpointManifest {
  /** Always {@link CHECKPOINT_FORMAT}. */
  readonly format: typeof CHECKPOINT_FORMAT;
  /** Always {@link CHECKPOINT_VERSION} for files this version writes. */
  readonly version: typeof CHECKPOINT_VERSION;
  /** The weights file name, in the same directory. */
  readonly weightsFile: string;
  /** Size of the weights file. */
  readonly byteLength: number;
  /** Hex SHA-256 of the weights file. */
  readonly sha256: string;
  /** The tensors, in save order. */
  readonly tensors: readonly CheckpointEntry[];
  /** Free JSON the caller saved with the checkpoint (step counts, config). */
  readonly metadata?: unknown;
}

const nonNegativeInt = z.number().int().min(0);

/** Validates a parsed manifest. */
export const manifestSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  weightsFile: z.string().regex(/^[A-Za-z0-9._-]+$/),
  byteLength: nonNegativeInt,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tensors: z.array(
    z.strictObject({
      name: z.string().min(1),
      dtype: z.enum(["float32", "int32", "bool"]),
      shape: z.array(nonNegativeInt),
      byteOffset: nonNegativeInt,
      byteLength: nonNegativeInt,
    }),
  ),
  metadata: z.unknown().optional(),
});
