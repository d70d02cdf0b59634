#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace package (written by `pnpm test`) into one closing
// line, "tests: N passed, N failed, N skipped", and exits 1 if any test failed or none ran.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = [];
for (const group of ["packages", "apps", "."]) {
  const dirs = group === "." ? ["tooling"] : readdirSync(group, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(group, d.name));
  for (const dir of dirs) {
    const file = join(dir, "test-results", "vitest.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    reports.push(`${dir}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
for (const line of reports) console.log(`  ${line}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exitCode = 1;
