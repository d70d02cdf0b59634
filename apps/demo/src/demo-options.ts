/**
 * The demo's options, validated once with zod: `--seed`, `--steps`, `--out`, `--backend`. Command-line
 * values arrive as strings; each bad value is an error naming the flag and the value.
 */
import { isBackendName, type BackendName } from "@tam/tensor-backend";
import { z } from "zod";

/** Default seed. */
export const DEFAULT_SEED = 1;
/** Default number of agent steps (each one horizon of 8 ticks): six regime blocks of 50. */
export const DEFAULT_STEPS = 300;
/** Largest step count accepted. */
export const MAX_STEPS = 100_000;
/** Default output directory. */
export const DEFAULT_OUT = "demo-out";

const integerString = (flag: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `${flag} must be an integer in [${min}, ${max}]` })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, { message: `${flag} must be an integer in [${min}, ${max}]` });

/** Schema of the raw command-line flags (strings, as commander hands them over). */
export const demoFlagsSchema = z.strictObject({
  seed: integerString("--seed", 0, 2 ** 32 - 1).default(DEFAULT_SEED),
  steps: integerString("--steps", 1, MAX_STEPS).default(DEFAULT_STEPS),
  out: z.string().trim().min(1, { message: "--out must be a non-empty path" }).default(DEFAULT_OUT),
  backend: z
    .string()
    .refine((name): name is BackendName => isBackendName(name), { message: "--backend must be one of cpu, wasm, tensorflow" })
    .optional(),
});

/** Validated options. */
export interface DemoOptions {
  readonly seed: number;
  readonly steps: number;
  readonly out: string;
  readonly backend?: BackendName;
}

/** A bad option: the message names the flag and the value. */
export class DemoOptionError extends Error {
  override readonly name = "DemoOptionError";
}

/** Validate raw flags. @throws DemoOptionError naming the flag and the value. */
export function parseDemoOptions(flags: Readonly<Record<string, unknown>>): DemoOptions {
  const parsed = demoFlagsSchema.safeParse(flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0];
    const value = typeof key === "string" ? flags[key] : undefined;
    const shown = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
    throw new DemoOptionError(`${issue?.message ?? "invalid options"}${shown}`);
  }
  const { seed, steps, out, backend } = parsed.data;
  return backend === undefined ? { seed, steps, out } : { seed, steps, out, backend };
}
