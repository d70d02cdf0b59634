/**
 * Where a report came from: package versions, backend, Node, machine, time.
 */
import { readFileSync } from "node:fs";
import { cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendReport } from "../seed-task.js";

/** Provenance block of a report. */
export interface Provenance {
  readonly packages: Readonly<Record<string, string>>;
  readonly backend: BackendReport;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly startedAt: string;
  readonly wallTimeMs: number;
  readonly command: string;
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** Versions of the harness and every `@tam` package it depends on, read from their package.json files. */
export function packageVersions(): Record<string, string> {
  const own = findManifest("@tam/harness", import.meta.url);
  const versions: Record<string, string> = { "@tam/harness": own.version ?? "unknown" };
  for (const name of Object.keys(own.dependencies ?? {}).filter((n) => n.startsWith("@tam/"))) {
    versions[name] = findManifest(name, import.meta.resolve(name)).version ?? "unknown";
  }
  return versions;
}

/** Walk up from a module URL to the package.json named `name`. */
function findManifest(name: string, fromUrl: string): Manifest {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
      if (manifest.name === name) return manifest;
    } catch {
      // no package.json at this level; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find package.json of ${name} above ${fromUrl}`);
    dir = parent;
  }
}

/** Build the provenance block. */
export function provenance(backend: BackendReport, startedAt: Date, wallTimeMs: number, command: string): Provenance {
  const cpuList = cpus();
  return {
    packages: packageVersions(),
    backend,
    node: process.version,
    platform: `${platform()} ${process.arch}`,
    cpu: cpuList[0]?.model ?? "unknown",
    cores: cpuList.length,
    startedAt: startedAt.toISOString(),
    wallTimeMs: Math.round(wallTimeMs),
    command,
  };
}
