/**
 * The error for a config that fails its zod schema, naming the first invalid field and the value it had.
 * (`@tam/tensor-backend`'s `parseConfig` does the same for the tensor packages; this package depends on no
 * other `@tam` package.)
 */
import type { z } from "zod";

/** Longest value text an error message quotes. */
const MAX_VALUE_TEXT = 80;

/**
 * `owner: invalid <what> field "field" = value: message`, for the first issue of `error` on `input`
 * (`what` is "config" unless the input is, say, an event).
 */
export function configError(owner: string, error: z.ZodError, input: unknown, what = "config"): Error {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length === 0 ? what : path.map(String).join(".");
  let value = input;
  for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const text = typeof value === "string" || (typeof value === "object" && value !== null) ? JSON.stringify(value) : String(value);
  const shown = text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 3)}...` : text;
  return new Error(`${owner}: invalid ${what} field "${field}" = ${shown}: ${issue?.message ?? error.message}`);
}
