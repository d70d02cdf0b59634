/**
 * Names of the TensorFlow.js backends TAM can run on, and the parser for user-supplied names.
 *
 * Order of preference (shared/DESIGN.md, "The tensor backend"): native `tensorflow` (tfjs-node), then
 * `wasm`, then `cpu`.
 */

/** A backend TAM can run on: native TensorFlow (`tfjs-node`), WebAssembly, or plain JavaScript. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** Every backend name, in the order the automatic choice tries them. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** The environment variable that forces a backend when no option does. */
export const BACKEND_ENV_VAR = "TAM_BACKEND";

/** True when `value` is one of the {@link BackendName}s. */
export function isBackendName(value: unknown): value is BackendName {
  return typeof value === "string" && (BACKEND_PREFERENCE as readonly string[]).includes(value);
}

/**
 * Check a backend name supplied by a user.
 *
 * @param value - the raw value (an option or an environment variable).
 * @param source - where it came from, for the error message (for example `TAM_BACKEND`).
 * @throws Error naming the value, its source and the accepted names when `value` is not a backend name.
 */
export function parseBackendName(value: unknown, source: string): BackendName {
  if (isBackendName(value)) return value;
  throw new Error(
    `Error in initBackend: ${source} is ${JSON.stringify(value)}, which is not a backend; ` +
      `expected one of ${BACKEND_PREFERENCE.map((n) => `"${n}"`).join(", ")}.`,
  );
}
