#!/usr/bin/env node
// Consumer smoke test: packs every public @tam package, installs each tarball (with its @tam
// dependencies as tarballs) into an empty folder with plain npm, imports it from an .mjs file, and
// type-checks a .ts file against it with NodeNext resolution. Run after `pnpm build`.
// Usage: node tooling/scripts/consumer-smoke.mjs [--keep]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const keep = process.argv.includes("--keep");
const tsc = join(root, "node_modules/typescript/bin/tsc");

/** Workspace packages under packages/, by name. */
const workspace = new Map(
  readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, "packages", d.name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return [manifest.name, { dir, manifest }];
    }),
);
const publicPackages = [...workspace.values()].filter((p) => p.manifest.private !== true);
if (publicPackages.length === 0) {
  console.log("consumer smoke: no public packages yet, nothing to check");
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "tam-consumer-"));
const tarballs = join(work, "tarballs");
mkdirSync(tarballs);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

/** Pack a workspace package (pnpm rewrites workspace: ranges) and return the tarball path. */
const tarballOf = new Map();
for (const { dir, manifest } of publicPackages) {
  const before = new Set(readdirSync(tarballs));
  run("pnpm", ["pack", "--pack-destination", tarballs], dir);
  const made = readdirSync(tarballs).filter((f) => !before.has(f));
  if (made.length !== 1) throw new Error(`pnpm pack of ${manifest.name} produced ${made.length} tarballs`);
  tarballOf.set(manifest.name, join(tarballs, made[0]));
}

/** The package and every @tam package it depends on, transitively. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  const entry = workspace.get(name);
  if (entry === undefined) throw new Error(`unknown workspace package ${name}`);
  if (entry.manifest.private === true) throw new Error(`public package depends on private ${name}`);
  seen.add(name);
  for (const dep of Object.keys(entry.manifest.dependencies ?? {})) {
    if (dep.startsWith("@tam/")) closure(dep, seen);
  }
  return seen;
}

let failures = 0;
for (const { manifest } of publicPackages) {
  const name = manifest.name;
  const consumer = join(work, name.replace("/", "__"));
  mkdirSync(consumer);
  const dependencies = Object.fromEntries([...closure(name)].map((dep) => [dep, `file:${tarballOf.get(dep)}`]));
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "tam-consumer", private: true, type: "module", dependencies, overrides: dependencies }, null, 2),
  );
  writeFileSync(
    join(consumer, "smoke.mjs"),
    `import * as api from ${JSON.stringify(name)};\nconst names = Object.keys(api);\nif (names.length === 0) throw new Error("no exports");\nconsole.log(\`${name}: \${names.length} exports\`);\n`,
  );
  writeFileSync(
    join(consumer, "smoke.ts"),
    `import * as api from ${JSON.stringify(name)};\nimport type * as Api from ${JSON.stringify(name)};\nexport const surface: typeof Api = api;\n`,
  );
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, types: [], skipLibCheck: true },
      files: ["smoke.ts"],
    }),
  );
  try {
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], consumer);
    process.stdout.write(run("node", ["smoke.mjs"], consumer));
    run("node", [tsc, "-p", "tsconfig.json"], consumer);
    console.log(`${name}: installed from tarballs, imported from .mjs, type-checked with NodeNext`);
  } catch (error) {
    failures += 1;
    console.error(`${name}: FAILED\n${error.stdout ?? ""}${error.message}`);
  }
}
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
if (failures > 0) {
  console.error(`consumer smoke: ${failures} package(s) failed`);
  process.exit(1);
}
console.log(`consumer smoke: ${publicPackages.length} package(s) passed`);
