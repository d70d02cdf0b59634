/**
 * Which seeds a run uses: `--seed N` runs that one seed, `--seeds N` runs seeds 1..N, neither runs the
 * scenario's default count (1..defaultSeeds).
 */
import { UsageError } from "./usage-error.js";

/** The largest seed count one run accepts (a typo guard, far above any seed's protocol). */
export const MAX_SEEDS = 1000;

/** Resolve the seed list from the CLI flags. */
export function seedList(flags: { seed: number | undefined; seeds: number | undefined }, defaultSeeds: number): number[] {
  if (flags.seed !== undefined && flags.seeds !== undefined) {
    throw new UsageError("--seed and --seeds cannot be used together");
  }
  if (flags.seed !== undefined) return [flags.seed];
  const count = flags.seeds ?? defaultSeeds;
  if (count < 1 || count > MAX_SEEDS) {
    throw new UsageError(`--seeds must be between 1 and ${MAX_SEEDS} (got ${count})`);
  }
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** Parse a non-negative integer flag value, naming the flag on error. */
export function parseIntegerFlag(flag: string, raw: string, min: number): number {
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new UsageError(`${flag} must be an integer (got ${JSON.stringify(raw)})`);
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be an integer >= ${min} (got ${raw})`);
  }
  return value;
}
