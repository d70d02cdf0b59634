/**
 * Turns a scenario's defaults, `--quick` overrides and command-line flags (`--steps`, `--set`) into one
 * validated config.
 */
import type { z } from "zod";
import type { Scenario } from "./scenario.js";
import { UsageError } from "./usage-error.js";

/** What the command line asks of a scenario's config. */
export interface ConfigRequest {
  readonly quick: boolean;
  readonly steps: number | undefined;
  /** Field values set on the command line (`--set key=value`), applied last. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * Parse a scenario's config: schema defaults, then `quick` overrides, then `--steps`, then `overrides`.
 *
 * @throws UsageError naming the field and the bad value when validation fails, when `--steps` is
 *   given for a scenario whose config has no `steps` field, or when an override names no field.
 */
export function resolveConfig<S extends z.ZodObject>(scenario: Scenario<S>, request: ConfigRequest): z.output<S> {
  const input: Record<string, unknown> = request.quick ? { ...scenario.quick } : {};
  if (request.steps !== undefined) {
    if (!("steps" in scenario.configSchema.shape)) {
      throw new UsageError(`scenario "${scenario.name}" has no "steps" setting, so --steps cannot be used with it`);
    }
    input["steps"] = request.steps;
  }
  for (const [key, value] of Object.entries(request.overrides ?? {})) {
    if (!Object.hasOwn(scenario.configSchema.shape, key)) {
      throw new UsageError(`--set ${key}: scenario "${scenario.name}" has no "${key}" setting (known: ${knownKeys(scenario)})`);
    }
    input[key] = value;
  }
  const parsed = scenario.configSchema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(`invalid config for scenario "${scenario.name}": ${describeIssues(parsed.error, input)}`);
  }
  return parsed.data;
}

/** The config fields of a scenario, comma-separated, for error messages. */
export function knownKeys(scenario: Pick<Scenario, "configSchema">): string {
  return Object.keys(scenario.configSchema.shape).join(", ");
}

/** One line per zod issue: `field (got value): message`. */
export function describeIssues(error: z.ZodError, input: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".") || "(root)";
      const value = readPath(input, issue.path);
      const got = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
      return `${path}${got}: ${issue.message}`;
    })
    .join("; ");
}

function readPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let cursor: unknown = input;
  for (const key of path) {
    if (cursor === null || typeof cursor !== "object") return undefined;
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  return cursor;
}
