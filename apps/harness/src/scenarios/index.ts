/**
 * The registry of harness scenarios. Each package issue adds its scenarios here, one import a line.
 */
import type { Scenario } from "../scenario.js";
import { backendScenario } from "./backend.js";

/** Every scenario `tam-harness` knows, in listing order. */
export const SCENARIOS: readonly Scenario[] = [backendScenario];
