// Assertions shared by the scenario tests: every check passes, and every charted series exists,
// is non-empty, finite and JSON-safe.
import { expect } from "vitest";
import type { Check, Scenario, SeedResult } from "../src/scenario.js";

/** Every check passes (each failure shows its name and observation), and there are at least `minimum`. */
export function expectChecksPass(checks: readonly Check[], minimum = 1): void {
  expect(checks.length).toBeGreaterThanOrEqual(minimum);
  for (const check of checks) expect({ name: check.name, pass: check.pass, observed: check.observed }).toMatchObject({ pass: true });
}

/** The scenario charts only series `result` produces; their values are finite; the result survives JSON. */
export function expectChartedSeries(scenario: Scenario, result: SeedResult | undefined): void {
  for (const chart of scenario.charts ?? []) {
    for (const name of chart.series) {
      const points = result?.series[name];
      expect(points, name).toBeDefined();
      expect(points?.length, name).toBeGreaterThan(0);
      for (const point of points ?? []) expect(Number.isFinite(point.value), name).toBe(true);
    }
  }
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}
