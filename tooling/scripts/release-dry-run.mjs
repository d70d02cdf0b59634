#!/usr/bin/env node
// Release rehearsal: in a throwaway git worktree of HEAD, apply the pending changesets
// (`changeset version`), check that every bumped package got its new version and a CHANGELOG.md
// entry and that internal dependants follow, then build and `pnpm publish --dry-run` every public
// package. The real working tree is never touched. Usage: node tooling/scripts/release-dry-run.mjs
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: "inherit" });
const readManifests = (dir) =>
  Object.fromEntries(
    readdirSync(join(dir, "packages"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(dir, "packages", d.name, "package.json")))
      .map((d) => {
        const manifest = JSON.parse(readFileSync(join(dir, "packages", d.name, "package.json"), "utf8"));
        return [manifest.name, { dir: join(dir, "packages", d.name), manifest }];
      }),
  );

const work = mkdtempSync(join(tmpdir(), "tam-release-"));
const tree = join(work, "tree");
run("git", ["worktree", "add", "--detach", tree, "HEAD"], root);
try {
  const before = readManifests(tree);
  const pending = readdirSync(join(tree, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
  run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], tree);
  run("pnpm", ["exec", "changeset", "version"], tree);
  const after = readManifests(tree);
  const problems = [];
  const bumped = Object.keys(after).filter((name) => after[name].manifest.version !== before[name]?.manifest.version);
  if (pending.length > 0 && bumped.length === 0) problems.push(`${pending.length} changeset(s) pending but no package was bumped`);
  for (const name of bumped) {
    const { dir, manifest } = after[name];
    const changelog = join(dir, "CHANGELOG.md");
    if (!existsSync(changelog) || !readFileSync(changelog, "utf8").includes(`## ${manifest.version}`)) {
      problems.push(`${name}: CHANGELOG.md has no "## ${manifest.version}" entry`);
    }
    console.log(`release: ${name} ${before[name]?.manifest.version} -> ${manifest.version}`);
  }
  for (const { manifest } of Object.values(after)) {
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith("@tam/") && !String(range).startsWith("workspace:")) {
        problems.push(`${manifest.name}: dependency ${dep} is "${range}", expected a workspace: range`);
      }
    }
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`release: ${p}`);
    process.exitCode = 1;
  } else {
    run("pnpm", ["turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], tree);
    run("pnpm", ["-r", "--filter=./packages/*", "publish", "--dry-run", "--no-git-checks", "--access", "public"], tree);
    console.log(`release: dry run passed (${bumped.length} package(s) versioned, changelogs written, publish rehearsed)`);
  }
} finally {
  execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: root });
  rmSync(work, { recursive: true, force: true });
}
