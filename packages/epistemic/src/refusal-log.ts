/**
 * The append-only JSONL refusal log (`refusals.jsonl`), and a reader that survives a torn last line.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L52–53; SEED-INVENTORY.md §7.7, §15.7.5. Design:
 * docs/decisions/0105-epistemic-refusal-log.md. Each record is written as one whole line, ending in
 * `\n`, by a single append (flag `a`), so a crash mid-write can tear only the last line. Before its
 * first append, a writer that finds a torn last line (no final `\n`) terminates it with `\n`, so the
 * torn fragment stays on its own line and new records are never glued to it.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { configError } from "./config-error.js";
import type { RefusalEvent } from "./refusal-event.js";
import { RefusalEventSchema } from "./refusal-event.js";

/** Where refusals go. The loop and the controller accept any sink; {@link RefusalLog} writes JSONL. */
export interface RefusalSink {
  append(event: RefusalEvent): void;
}

/** Options of {@link RefusalLog}. */
export interface RefusalLogOptions {
  /** fsync after every append so records survive power loss, not only a process crash. Default false. */
  readonly durable?: boolean;
}

/**
 * An append-only JSONL file of refusal records.
 *
 * @example
 * ```ts
 * const log = new RefusalLog("out/refusals.jsonl");
 * const controller = new EpistemicController({}, { refusalSink: log });
 * // ... later
 * const { events } = readRefusalLog("out/refusals.jsonl");
 * ```
 */
export class RefusalLog implements RefusalSink {
  /** Path of the JSONL file. */
  readonly path: string;
  readonly #durable: boolean;
  #checkedTail = false;

  constructor(path: string, options: RefusalLogOptions = {}) {
    if (typeof path !== "string" || path.length === 0) {
      throw new Error(`RefusalLog: path must be a non-empty string, got ${JSON.stringify(path)}`);
    }
    this.path = path;
    this.#durable = options.durable ?? false;
  }

  /** Validate `event` against the schema and append it as one line. */
  append(event: RefusalEvent): void {
    const parsed = RefusalEventSchema.safeParse(event);
    if (!parsed.success) {
      throw configError("RefusalLog.append", parsed.error, event, "refusal event");
    }
    let line = `${JSON.stringify(parsed.data)}\n`;
    if (!this.#checkedTail) {
      if (endsWithTornLine(this.path)) line = `\n${line}`;
      this.#checkedTail = true;
    }
    if (this.#durable) {
      const fd = openSync(this.path, "a");
      try {
        writeSync(fd, line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } else {
      appendFileSync(this.path, line, { flag: "a", encoding: "utf8" });
    }
  }
}

/** Whether a file exists, is non-empty and does not end in `\n` (its last write was torn). */
function endsWithTornLine(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) return false;
  const fd = openSync(path, "r");
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** A line of the log that could not be used. */
export interface RefusalLogProblem {
  /** 1-based line number. */
  readonly line: number;
  /** The raw text of the line. */
  readonly text: string;
  /** Why it was rejected (JSON syntax or schema). */
  readonly error: string;
}

/** What {@link parseRefusalLog} found. */
export interface RefusalLogContents {
  /** Every valid record, in file order. */
  readonly events: RefusalEvent[];
  /** The last line, if it lacks its final `\n` and does not parse: a write torn by a crash. */
  readonly tornLastLine: RefusalLogProblem | null;
  /** Other bad lines (for example a torn fragment from an earlier crash, terminated by the next writer). */
  readonly invalidLines: RefusalLogProblem[];
}

/**
 * Parse JSONL text line by line. A torn last line is reported, not fatal; earlier lines are kept.
 * Blank lines are skipped.
 */
export function parseRefusalLog(text: string): RefusalLogContents {
  const events: RefusalEvent[] = [];
  const invalidLines: RefusalLogProblem[] = [];
  let tornLastLine: RefusalLogProblem | null = null;
  const lines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? "";
    if (raw.trim().length === 0) continue;
    const isUnterminatedLast = index === lines.length - 1 && !endsWithNewline;
    const problem = checkLine(raw);
    if (problem === null) {
      events.push(RefusalEventSchema.parse(JSON.parse(raw)));
      continue;
    }
    const record = { line: index + 1, text: raw, error: problem };
    if (isUnterminatedLast) tornLastLine = record;
    else invalidLines.push(record);
  }
  return { events, tornLastLine, invalidLines };
}

function checkLine(raw: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
  const parsed = RefusalEventSchema.safeParse(value);
  return parsed.success ? null : `schema: ${parsed.error.message}`;
}

/**
 * Read a refusal log file (see {@link parseRefusalLog}). A missing file reads as empty.
 */
export function readRefusalLog(path: string): RefusalLogContents {
  if (!existsSync(path)) return { events: [], tornLastLine: null, invalidLines: [] };
  return parseRefusalLog(readFileSync(path, "utf8"));
}
