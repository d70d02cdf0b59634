/**
 * Shared vitest settings for every TAM workspace package.
 *
 * Tests resolve `@tam/*` imports through the `@tam/source` export condition, so they run against
 * TypeScript sources without a build.
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** Export conditions tried first when a test imports a workspace package. */
const SOURCE_CONDITIONS = ["@tam/source", "import", "module", "node", "default"];

/** Build a package's vitest config from the shared defaults. */
export function tamVitestConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: SOURCE_CONDITIONS },
    ssr: { resolve: { conditions: SOURCE_CONDITIONS, externalConditions: ["@tam/source"] } },
    test: {
      environment: "node",
      include: ["test/**/*.test.ts"],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      pool: "forks",
      setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
      // The JSON report feeds tooling/scripts/test-summary.mjs (the closing line of CI).
      reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
      ...overrides,
    },
  });
}
