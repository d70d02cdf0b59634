/**
 * Errors that mean "the command line or a config was wrong": the CLI reports them and exits with 2
 * before anything runs.
 */

/** A usage or configuration error; `tam-harness` prints its message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
