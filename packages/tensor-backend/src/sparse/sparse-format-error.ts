/**
 * The error thrown when a sparse COO matrix is malformed (SEED-INVENTORY TB-1: "kept sorted and
 * coalesced").
 */

/** What was wrong with a sparse matrix. */
export type SparseFormatErrorCode =
  | "BAD_SHAPE"
  | "BAD_INDICES"
  | "BAD_VALUES"
  | "INDEX_OUT_OF_RANGE"
  | "UNSORTED"
  | "DUPLICATE"
  | "DISPOSED";

/** A sparse matrix failed validation; `code` says how, the message names the op, argument and entry. */
export class SparseFormatError extends Error {
  /** The kind of failure, for callers that branch on it. */
  readonly code: SparseFormatErrorCode;

  constructor(code: SparseFormatErrorCode, message: string) {
    super(message);
    this.name = "SparseFormatError";
    this.code = code;
  }
}
