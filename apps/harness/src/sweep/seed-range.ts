/**
 * The seeds of a sweep: `--seeds 1..N` (inclusive range), `--seeds A..B`, or `--seeds N` (seeds 1..N,
 * as `tam-harness run --seeds N`).
 */
import { MAX_SEEDS } from "../seed-list.js";
import { UsageError } from "../usage-error.js";

const RANGE = /^(\d+)\.\.(\d+)$/;
const COUNT = /^\d+$/;

/**
 * Parse a `--seeds` value into the list of seeds, ascending.
 *
 * @throws UsageError naming `--seeds` and the value when it is malformed, empty, reversed or has more
 *   than {@link MAX_SEEDS} seeds.
 */
export function parseSeedRange(raw: string): number[] {
  const text = raw.trim();
  const range = RANGE.exec(text);
  let first: number;
  let last: number;
  if (range !== null) {
    first = Number(range[1]);
    last = Number(range[2]);
  } else if (COUNT.test(text)) {
    first = 1;
    last = Number(text); // N = 0 gives the empty range 1..0, rejected below
  } else {
    throw new UsageError(`--seeds must be A..B or N (got ${JSON.stringify(raw)})`);
  }
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) {
    throw new UsageError(`--seeds ${raw} selects no seeds (A..B needs A <= B; N needs N >= 1)`);
  }
  const count = last - first + 1;
  if (count > MAX_SEEDS) {
    throw new UsageError(`--seeds ${raw} selects ${count} seeds; at most ${MAX_SEEDS} are allowed`);
  }
  return Array.from({ length: count }, (_, i) => first + i);
}
