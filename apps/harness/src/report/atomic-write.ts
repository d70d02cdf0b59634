/**
 * Atomic file writes: `write-file-atomic` writes a sibling temporary file, flushes it and renames it over
 * the target, so a reader (or an interrupted run) never sees half a report or result file.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFile from "write-file-atomic";

/** Write `contents` to `path` atomically, creating parent folders. */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, contents);
}
