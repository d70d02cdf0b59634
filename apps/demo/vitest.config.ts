import { tamVitestConfig } from "../../tooling/vitest.shared.ts";

export default tamVitestConfig();
