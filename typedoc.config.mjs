// One typedoc site for every public @tam package (private packages are not documented until they
// are published). Output goes to docs/api/ (git-ignored).
import { readdirSync, readFileSync } from "node:fs";

const publicPackages = readdirSync("packages", { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `packages/${d.name}`)
  .filter((dir) => JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).private !== true);

/** @type {Partial<import("typedoc").TypeDocOptions>} */
const config = {
  name: "TAM",
  entryPointStrategy: "packages",
  entryPoints: publicPackages,
  packageOptions: {
    entryPoints: ["src/index.ts"],
    tsconfig: "tsconfig.build.json",
    disableSources: true,
  },
  out: "docs/api",
  readme: "docs/api-home.md",
  disableSources: true,
  treatWarningsAsErrors: true,
  // Every export carries a doc comment (a missing one fails the docs build).
  // Properties are left out: zod schemas expose generated members (enum keys) that have no source comment.
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ["Enum", "EnumMember", "Variable", "Function", "Class", "Interface", "Method", "Accessor", "TypeAlias"],
  includeVersion: false,
};

export default config;
