// The dependency rule of DESIGN.md ("Dependency rule"), as data and as a dependency-cruiser rule set.
// check-deps.mjs runs it in CI; test/check-deps.test.ts proves it catches planted violations.

/** Which `@tam` packages each package folder may import (DESIGN.md). Apps may import any package. */
export const ALLOWED_PACKAGE_DEPS = {
  "tensor-backend": [],
  "sparse-core": ["tensor-backend"],
  graph: ["tensor-backend", "sparse-core"],
  tube: ["tensor-backend"],
  "factored-actor": ["tensor-backend", "tube"],
  neuromod: ["tensor-backend"],
  epistemic: [],
};

/** The only package folder allowed to import `@tensorflow/*`. */
export const TENSORFLOW_DOOR = "tensor-backend";

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Build the dependency-cruiser `forbidden` rules. */
export function forbiddenRules() {
  const rules = [
    {
      name: "no-cycles",
      severity: "error",
      comment: "The package graph, and every module graph inside it, has no cycles.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-deep-package-imports",
      severity: "error",
      comment: "Import another @tam package only through its public entry (@tam/name), never a subpath.",
      from: {},
      to: { path: "^@tam/[^/]+/.+" },
    },
    {
      name: "no-cross-package-relative-imports",
      severity: "error",
      comment: "A package or app never reaches into another workspace folder by relative path.",
      from: { path: "^(packages|apps)/([^/]+)/" },
      // $1/$2 are substituted from the `from` match. Imports through a package name resolve to the
      // same files but are not "local" dependencies; the rules below check those instead.
      to: { path: "^(packages|apps)/([^/]+)/", pathNot: "^$1/$2/", dependencyTypes: ["local"] },
    },
    {
      name: "tensorflow-only-in-tensor-backend",
      severity: "error",
      comment: "Only @tam/tensor-backend imports @tensorflow/*; everything else goes through it.",
      from: { path: "^(packages|apps)/", pathNot: `^packages/${escape(TENSORFLOW_DOOR)}/` },
      to: { path: "(^|/)@tensorflow/" },
    },
  ];
  for (const [pkg, allowed] of Object.entries(ALLOWED_PACKAGE_DEPS)) {
    const others = Object.keys(ALLOWED_PACKAGE_DEPS).filter((p) => p !== pkg && !allowed.includes(p));
    if (others.length === 0) continue;
    const group = others.map(escape).join("|");
    rules.push({
      name: `package-deps-${pkg}`,
      severity: "error",
      comment: `@tam/${pkg} may import only: ${allowed.length ? allowed.map((p) => "@tam/" + p).join(", ") : "no other @tam package"}.`,
      from: { path: `^packages/${escape(pkg)}/` },
      to: { path: `(^|/)(@tam/(${group})(/|$)|packages/(${group})/)` },
    });
  }
  rules.push({
    name: "packages-do-not-import-apps",
    severity: "error",
    comment: "Packages never depend on the apps that assemble them.",
    from: { path: "^packages/" },
    to: { path: "(^|/)(@tam/(harness|demo)(/|$)|apps/)" },
  });
  return rules;
}

/** Cruise options shared by the CLI and the tests. */
export function cruiseOptions() {
  return {
    validate: true,
    ruleSet: { forbidden: forbiddenRules() },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|generated|coverage)/" },
    enhancedResolveOptions: {
      conditionNames: ["@tam/source", "import", "types", "default"],
      exportsFields: ["exports"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".json"],
      extensionAlias: { ".js": [".ts", ".js"], ".mjs": [".mts", ".mjs"] },
    },
    preserveSymlinks: false,
  };
}
