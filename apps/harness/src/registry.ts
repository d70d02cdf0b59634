/**
 * Looks scenarios up by name.
 */
import type { Scenario } from "./scenario.js";
import { SCENARIOS } from "./scenarios/index.js";
import { UsageError } from "./usage-error.js";

/** The scenario with this name. @throws UsageError listing the known names when there is none. */
export function findScenario(name: string, scenarios: readonly Scenario[] = SCENARIOS): Scenario {
  const found = scenarios.find((s) => s.name === name);
  if (found === undefined) {
    const known = scenarios.map((s) => s.name).join(", ");
    throw new UsageError(`unknown scenario "${name}" (known: ${known}, or "all")`);
  }
  return found;
}

/** Scenarios selected by a `run` argument: one by name (experimental ones too), or every non-experimental one for `all`. */
export function selectScenarios(name: string, scenarios: readonly Scenario[] = SCENARIOS): readonly Scenario[] {
  return name === "all" ? scenarios.filter((s) => s.experimental !== true) : [findScenario(name, scenarios)];
}
