/**
 * Atomic file writes: write a temporary file in the same directory, flush it, rename it over the target.
 * A reader sees the old file or the new one, never half of one (DESIGN.md "Quality bars").
 */
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** Write `data` to `path` atomically (temp file + fsync + rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  counter += 1;
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter}`);
  try {
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
