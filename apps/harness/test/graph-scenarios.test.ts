// The @tam/graph scenarios at their quick configs: every check passes, charted series exist and are
// JSON-safe, the same seed gives the same result, bad config is rejected by field, and the checks fail on
// results that contradict the claims. Source: seed 002 Archives 00-03; issue 8 item 9.
import { describe, expect, it } from "vitest";
import type { Scenario, SeedResult } from "../src/scenario.js";
import { graphBarrierScenario } from "../src/scenarios/graph-barrier.js";
import { graphBlackHoleScenario } from "../src/scenarios/graph-black-hole.js";
import { graphDynamicsScenario } from "../src/scenarios/graph-dynamics.js";
import { graphEquationsScenario } from "../src/scenarios/graph-equations.js";
import { describeQuickRun, seedContext } from "./quick-seeds.js";

const CASES: readonly { scenario: Scenario; tiny: Record<string, unknown>; badField: Record<string, unknown>; badPath: string[]; contradiction: SeedResult; failing: string }[] = [
  {
    scenario: graphEquationsScenario,
    tiny: { noiseLevels: [0.001], steps: 1000, heat: { enabled: false } },
    badField: { threshold: -1 },
    badPath: ["threshold"],
    contradiction: { series: {}, final: { claim_maxRelativeError: 0.05, claim_patternCorrect: 0 } },
    failing: "Lorenz at 0.1 % noise: every coefficient within 1 %",
  },
  {
    scenario: graphBarrierScenario,
    tiny: { budgets: [11, 20], steps: 20 },
    badField: { steps: 0 },
    badPath: ["steps"],
    contradiction: { series: {}, final: { peakRatio: 1.2 } },
    failing: "complexity never exceeds its token limit (every module, every step, every budget)",
  },
  {
    scenario: graphDynamicsScenario,
    tiny: { steps: 10, evalEvery: 5, rolloutSteps: 10, rolloutStarts: 1, lotkaVolterra: { enabled: false } },
    badField: { oscillator: { hidden: -1 } },
    badPath: ["oscillator", "hidden"],
    contradiction: { series: {}, final: { oscillator_graph_oneStep: 1, oscillator_hold_oneStep: 0.01, oscillator_baseline_oneStep: 0.001, oscillator_graph_parameters: 48, oscillator_baseline_parameters: 45 } },
    failing: "damped-oscillator: the graph learns the dynamics (one-step error far below holding the state)",
  },
  {
    scenario: graphBlackHoleScenario,
    tiny: { cells: 4, calmSteps: 60, pretrainSteps: 5, lead: 55, episodeLength: 10, gap: 10, recurrences: 1 },
    badField: { transients: { spawnZ: 6, learningRate: 0.1, minAge: 8, patience: 0, cooldown: 8 } },
    badPath: ["transients", "patience"],
    contradiction: { series: {}, final: { recovery0_cache: 10, recovery1_cache: 12, recovery2_cache: 9, recovery3_cache: 11, recovery1_control: 10, recovery2_control: 9, recovery3_control: 11, recalled_cache: 3, recalled_control: 0, consolidated_cache: 4 } },
    failing: "with the prototype cache, recovery on recurrence is faster than the first time",
  },
];

describe.each(CASES)("$scenario.name", ({ scenario, tiny, badField, badPath, contradiction, failing }) => {
  describeQuickRun(scenario, 2, 300_000);

  it("is deterministic per seed", async () => {
    const small = scenario.configSchema.parse({ ...(scenario.quick as object), ...tiny });
    const a = await scenario.runSeed(small, seedContext(7));
    const b = await scenario.runSeed(small, seedContext(7));
    expect(b).toEqual(a);
  }, 120_000);

  it("has defaults for every field and rejects bad config by field name", () => {
    expect(() => scenario.configSchema.parse({})).not.toThrow();
    const parsed = scenario.configSchema.safeParse(badField);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(badPath);
  });

  it("fails its checks on results that contradict the claims", () => {
    const failed = scenario.checks(scenario.configSchema.parse({}) as never, [contradiction]).filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toContain(failing);
  });
});
