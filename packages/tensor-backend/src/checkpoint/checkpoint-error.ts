/**
 * The error thrown by checkpoint save, load and restore (issue item 8).
 */

/** What went wrong with a checkpoint. */
export type CheckpointErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "BAD_MANIFEST"
  | "CORRUPT"
  | "NAME_MISMATCH"
  | "SHAPE_MISMATCH"
  | "DTYPE_MISMATCH";

/** A checkpoint operation failed; `code` says how, the message names the directory and the variable. */
export class CheckpointError extends Error {
  /** The kind of failure, for callers that branch on it. */
  readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointError";
    this.code = code;
  }
}
