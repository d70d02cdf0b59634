/**
 * The swept settings of a sweep: each `--set key=v1,v2,...` becomes an axis whose values are parsed by
 * the type of the scenario's config field `key` (number, integer, boolean, enum, literal, string).
 */
import type { z } from "zod";
import { knownKeys } from "../resolve-config.js";
import type { Scenario } from "../scenario.js";
import { UsageError } from "../usage-error.js";

/** A swept setting: a config field and the values it takes. */
export interface SweepAxis {
  readonly key: string;
  readonly values: readonly SettingValue[];
}

/** A value a swept setting can take. */
export type SettingValue = number | boolean | string;

/** Zod wrappers that leave the field's value type unchanged; they are looked through. */
const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch"]);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Parse every `--set` flag against the scenario's config schema.
 *
 * @throws UsageError naming the flag, key and value when a key is unknown or repeated, a value does
 *   not parse as the field's type or fails the field's own constraints, or the field cannot be swept.
 */
export function parseSweepAxes(scenario: Scenario, sets: readonly string[]): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const flag of sets) {
    const eq = flag.indexOf("=");
    const key = eq < 0 ? "" : flag.slice(0, eq).trim();
    if (key === "") throw new UsageError(`--set ${JSON.stringify(flag)} must look like key=v1,v2,...`);
    const field = (scenario.configSchema.shape as Record<string, z.ZodType | undefined>)[key];
    if (field === undefined) {
      throw new UsageError(`--set ${flag}: scenario "${scenario.name}" has no "${key}" setting (known: ${knownKeys(scenario)})`);
    }
    if (axes.some((axis) => axis.key === key)) throw new UsageError(`--set ${key} is given more than once`);
    const raws = flag.slice(eq + 1).split(",").map((raw) => raw.trim());
    const values = raws.map((raw) => parseFieldValue(key, field, raw));
    if (new Set(values).size !== values.length) throw new UsageError(`--set ${flag}: a value is repeated`);
    axes.push({ key, values });
  }
  return axes;
}

/** Parse one raw value for `field`, then check it against the field's schema. */
function parseFieldValue(key: string, field: z.ZodType, raw: string): SettingValue {
  const base = unwrap(field);
  const where = `--set ${key}=${raw}`;
  if (raw === "") throw new UsageError(`${where}: empty value`);
  let value: SettingValue;
  switch (base.def.type) {
    case "number":
      if (!NUMBER.test(raw)) throw new UsageError(`${where}: "${key}" takes a number (got ${JSON.stringify(raw)})`);
      value = Number(raw);
      break;
    case "boolean":
      if (raw !== "true" && raw !== "false") throw new UsageError(`${where}: "${key}" takes true or false (got ${JSON.stringify(raw)})`);
      value = raw === "true";
      break;
    case "enum":
    case "literal":
      value = matchOption(where, key, optionsOf(base), raw);
      break;
    case "string":
      value = raw;
      break;
    default:
      throw new UsageError(`${where}: "${key}" is a ${base.def.type} setting, which cannot be swept (numbers, booleans, enums and strings can)`);
  }
  const checked = field.safeParse(value);
  if (!checked.success) {
    throw new UsageError(`${where}: ${checked.error.issues.map((issue) => issue.message).join("; ")}`);
  }
  return value;
}

function unwrap(field: z.ZodType): z.ZodType {
  let current = field;
  while (WRAPPERS.has(current.def.type)) current = (current.def as unknown as { innerType: z.ZodType }).innerType;
  return current;
}

function optionsOf(base: z.ZodType): readonly unknown[] {
  const def = base.def as unknown as { entries?: Record<string, unknown>; values?: readonly unknown[] };
  return def.entries !== undefined ? Object.values(def.entries) : (def.values ?? []);
}

/** The enum or literal option whose text is `raw`. */
function matchOption(where: string, key: string, options: readonly unknown[], raw: string): SettingValue {
  const match = options.find((option) => String(option) === raw);
  if (typeof match === "number" || typeof match === "string" || typeof match === "boolean") return match;
  throw new UsageError(`${where}: "${key}" takes one of ${options.map((o) => String(o)).join(", ")} (got ${JSON.stringify(raw)})`);
}
