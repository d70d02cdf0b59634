/**
 * Config validation shared by the TAM packages: parse with a zod schema, or throw an error that names
 * the owner, the first invalid field and the value it had.
 */
import type { z } from "zod";

/** Longest value text an error message quotes. */
const MAX_VALUE_TEXT = 80;

/**
 * Parse `input` with `schema` and return the result (defaults filled in), or throw an `Error` naming
 * `owner`, the first invalid field and the value it had, for example
 * `Error in AdamWithMoments: option learningRate = -1: Too small: expected number to be >0.`
 *
 * @param what - What `input` is called in the message (`"config"`, `"option"`, ...).
 */
export function parseConfig<Schema extends z.ZodType>(schema: Schema, input: unknown, owner: string, what = "config"): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length === 0 ? what : `${what} ${path.map(String).join(".")}`;
  throw new Error(`Error in ${owner}: ${field} = ${describeValue(valueAt(input, path))}: ${issue?.message ?? "invalid"}.`);
}

/**
 * The value at `path` in `input` (undefined where the path leaves it). Read from the input rather than
 * from the issue, because a check on an object that names one of its fields reports the whole object.
 */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A short text for a value in an error message: numbers as written, the rest as JSON, cut short. */
function describeValue(value: unknown): string {
  if (typeof value === "function") return "a function";
  let text: string;
  try {
    text = typeof value === "string" || (typeof value === "object" && value !== null) ? JSON.stringify(value) : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 3)}...` : text;
}
