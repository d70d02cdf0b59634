// Proves the dependency-rule check (scripts/check-deps.mjs) passes a clean workspace and catches
// each kind of planted violation, by building small workspaces in a temporary folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error -- plain ESM script without type declarations
import { checkDependencies } from "../scripts/check-deps.mjs";

type Check = (root: string) => Promise<{ modules: number; violations: string[] }>;
const check = checkDependencies as Check;

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A clean two-package workspace: tube imports tensor-backend through its public entry. */
function cleanWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), "tam-deps-"));
  roots.push(root);
  for (const name of ["tensor-backend", "sparse-core", "epistemic"]) {
    write(
      root,
      `packages/${name}/package.json`,
      JSON.stringify({ name: `@tam/${name}`, type: "module", exports: { ".": { "@tam/source": "./src/index.ts" } } }),
    );
    write(root, `packages/${name}/src/index.ts`, `export const ${name.replace("-", "")} = 1;\n`);
  }
  write(root, "packages/tensor-backend/src/tf.ts", 'export * as tf from "@tensorflow/tfjs";\n');
  write(root, "packages/tube/package.json", JSON.stringify({ name: "@tam/tube", type: "module" }));
  write(root, "packages/tube/src/index.ts", 'import { tensorbackend } from "@tam/tensor-backend";\nexport const tube = tensorbackend;\n');
  mkdirSync(join(root, "packages/tube/node_modules/@tam"), { recursive: true });
  for (const name of ["tensor-backend", "sparse-core"]) {
    symlinkSync(join(root, `packages/${name}`), join(root, `packages/tube/node_modules/@tam/${name}`), "dir");
  }
  return root;
}

describe("dependency rule check", () => {
  it("passes a clean workspace and resolves imports through the public entry", async () => {
    const root = cleanWorkspace();
    const result = await check(root);
    expect(result.violations).toEqual([]);
    expect(result.modules).toBeGreaterThanOrEqual(5);
  });

  const planted: readonly [string, string, string, string][] = [
    ["a deep import", "no-deep-package-imports", "packages/tube/src/deep.ts", 'import "@tam/tensor-backend/src/index.js";\n'],
    ["a relative import into another package", "no-cross-package-relative-imports", "packages/tube/src/rel.ts", 'import "../../tensor-backend/src/index.js";\n'],
    ["@tensorflow outside the backend", "tensorflow-only-in-tensor-backend", "packages/tube/src/tf.ts", 'import "@tensorflow/tfjs";\n'],
    ["epistemic importing a @tam package", "package-deps-epistemic", "packages/epistemic/src/bad.ts", 'import "@tam/tensor-backend";\n'],
    ["an edge the design does not allow", "package-deps-tube", "packages/tube/src/edge.ts", 'import "@tam/sparse-core";\n'],
    ["a package importing an app", "packages-do-not-import-apps", "packages/tube/src/app.ts", 'import "@tam/harness";\n'],
  ];
  it.each(planted)("catches %s", async (_label, rule, path, source) => {
    const root = cleanWorkspace();
    write(root, path, source);
    const result = await check(root);
    expect(result.violations.some((v) => v.startsWith(`${rule}:`))).toBe(true);
  });

  it("catches a cycle", async () => {
    const root = cleanWorkspace();
    write(root, "packages/tube/src/a.ts", 'import { b } from "./b.js";\nexport const a = () => b;\n');
    write(root, "packages/tube/src/b.ts", 'import { a } from "./a.js";\nexport const b = () => a;\n');
    const result = await check(root);
    expect(result.violations.some((v) => v.startsWith("no-cycles:"))).toBe(true);
  });
});
