import { tamVitestConfig } from "./vitest.shared.ts";

export default tamVitestConfig();
