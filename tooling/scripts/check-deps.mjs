#!/usr/bin/env node
// Checks the dependency rule of DESIGN.md over packages/ and apps/ with dependency-cruiser.
// Usage: node tooling/scripts/check-deps.mjs [ROOT]   (ROOT defaults to the repository root)
// Exit 0 when clean, 1 with one line per violation otherwise.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";
import { cruiseOptions } from "../dependency-rules.mjs";

/** Run the check in `root`; returns the list of violations as text lines. */
export async function checkDependencies(root) {
  const previous = process.cwd();
  process.chdir(root);
  try {
    const targets = ["packages", "apps"].filter((dir) => existsSync(dir));
    const result = await cruise(targets, cruiseOptions());
    const violations = result.output.summary.violations;
    return {
      modules: result.output.summary.totalCruised,
      violations: violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(" -> ")})` : ""}`),
    };
  } finally {
    process.chdir(previous);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../.."));
  const { modules, violations } = await checkDependencies(root);
  if (violations.length > 0) {
    console.error(`dependency rule: ${violations.length} violation(s) in ${modules} modules`);
    for (const line of violations) console.error(`  ${line}`);
    process.exitCode = 1;
  } else {
    console.log(`dependency rule: ${modules} modules checked, no violations`);
  }
}
