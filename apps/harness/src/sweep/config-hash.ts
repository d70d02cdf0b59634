/**
 * The identity of a resolved config: sha256 of its canonical JSON (object keys sorted at every level),
 * so the same settings always give the same hash whatever order they were written in.
 */
import { createHash } from "node:crypto";

/** Hex characters of the sha256 kept in a config hash (64 bits: collisions are negligible in a sweep). */
export const CONFIG_HASH_LENGTH = 16;

/** JSON text of `value` with object keys sorted recursively; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The config hash: the first {@link CONFIG_HASH_LENGTH} hex characters of sha256(canonical JSON). */
export function configHash(config: Readonly<Record<string, unknown>>): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, CONFIG_HASH_LENGTH);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
