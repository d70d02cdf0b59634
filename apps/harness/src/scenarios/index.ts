/**
 * The registry of harness scenarios. Each package issue adds its scenarios here, one import a line.
 */
import type { Scenario } from "../scenario.js";
import { backendScenario } from "./backend.js";
import { epistemicDebtScenario } from "./epistemic-debt.js";
import { epistemicPoliciesScenario } from "./epistemic-policies.js";

/** Every scenario `tam-harness` knows, in listing order. */
export const SCENARIOS: readonly Scenario[] = [backendScenario, epistemicDebtScenario, epistemicPoliciesScenario];
