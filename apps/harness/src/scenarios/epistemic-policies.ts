/**
 * Scenario `epistemic-policies`: an overclaimer, a calibrated claimer and a learner on the same budget
 * and seed in the lab world. Expected (seed L363–379, SEED-INVENTORY.md H003-12, §7.10): the overclaimer
 * pays in blocked cycles, the calibrated agent operates freely, the learner learns to claim conservatively.
 */
import { z } from "zod";
import {
  EpistemicController,
  createCalibratedPolicy,
  createLabWorld,
  createLearnerPolicy,
  createOverclaimerPolicy,
  runLabLoop,
} from "@tam/epistemic";
import type { AgentPolicy, LabRunResult } from "@tam/epistemic";
import type { Check, SeedResult, SeriesPoint } from "../scenario.js";
import { defineScenario } from "../scenario.js";

const configSchema = z
  .object({
    /** Budget of every agent, in wells (ten 96-well plates). */
    budgetWells: z.number().positive().finite().default(960),
    /** Cycle cap per run (runs normally end well before it). */
    maxCycles: z.number().int().min(1).default(5000),
    /** The overclaimer's claim per experiment, in bits (the full prior entropy of the lab world). */
    overclaimBits: z.number().positive().finite().default(3),
    /** The calibrated agent calibrates after this many experiments. */
    calibrationPeriod: z.number().int().min(1).default(5),
    /** Factor the learner applies to its optimism after each threshold refusal. */
    learnerLearningRate: z.number().gt(0).lt(1).default(0.7),
  })
  .strict();

type Config = z.output<typeof configSchema>;

const POLICY_NAMES = ["overclaimer", "calibrated", "learner"] as const;
type PolicyName = (typeof POLICY_NAMES)[number];

function makePolicy(name: PolicyName, config: Config): AgentPolicy {
  switch (name) {
    case "overclaimer":
      return createOverclaimerPolicy({ claimBits: config.overclaimBits });
    case "calibrated":
      return createCalibratedPolicy({ calibrationPeriod: config.calibrationPeriod });
    case "learner":
      return createLearnerPolicy({ learningRate: config.learnerLearningRate });
  }
}

/** Blocked cycles in the first and second half of a run's cycles. */
function blockedHalves(result: LabRunResult): [number, number] {
  const half = Math.floor(result.cycles.length / 2);
  const count = (from: number, to: number): number => result.cycles.slice(from, to).filter((record) => record.blocked).length;
  return [count(0, half), count(half, result.cycles.length)];
}

function cumulative(result: LabRunResult, pick: (record: LabRunResult["cycles"][number]) => boolean): SeriesPoint[] {
  let count = 0;
  return result.cycles.map((record) => {
    if (pick(record)) count += 1;
    return { step: record.cycle, value: count };
  });
}

function sum(results: readonly SeedResult[], key: string): number {
  return results.reduce((total, result) => total + (result.final[key] ?? Number.NaN), 0);
}

function perSeed(results: readonly SeedResult[], key: string): string {
  return results.map((result) => String(result.final[key])).join(", ");
}

/** The `epistemic-policies` scenario. */
export const epistemicPoliciesScenario = defineScenario({
  name: "epistemic-policies",
  description:
    "Overclaimer vs calibrated vs learner in the wells-and-budget lab world (seed 003): blocked cycles, debt, budget and refusals over time",
  configSchema,
  quick: { budgetWells: 480 },
  defaultSeeds: 5,
  runSeed(config, ctx) {
    const series: Record<string, SeriesPoint[]> = {};
    const final: Record<string, number> = {};
    POLICY_NAMES.forEach((name, index) => {
      const result = runLabLoop({
        world: createLabWorld({ budgetWells: config.budgetWells }, ctx.seed),
        policy: makePolicy(name, config),
        controller: new EpistemicController({ runId: `${name}-${String(ctx.seed)}` }),
        maxCycles: config.maxCycles,
      });
      series[`${name}DebtBits`] = result.cycles.map((record) => ({ step: record.cycle, value: record.debtBits }));
      series[`${name}BudgetWells`] = result.cycles.map((record) => ({ step: record.cycle, value: record.budgetWells }));
      series[`${name}NoiseSd`] = result.cycles.flatMap((record) =>
        record.noiseSd === null ? [] : [{ step: record.cycle, value: record.noiseSd }],
      );
      series[`${name}Refusals`] = cumulative(result, (record) => record.refused);
      series[`${name}BlockedCycles`] = cumulative(result, (record) => record.blocked);
      const [firstHalf, secondHalf] = blockedHalves(result);
      final[`${name}BlockedCycles`] = result.blockedCycles;
      final[`${name}BlockedFirstHalf`] = firstHalf;
      final[`${name}BlockedSecondHalf`] = secondHalf;
      final[`${name}Refusals`] = result.refusals.length;
      final[`${name}Cycles`] = result.cycles.length;
      final[`${name}RealisedBits`] = result.cycles.reduce((total, record) => total + record.realisedBits, 0);
      final[`${name}MaxDebtBits`] = Math.max(0, ...result.cycles.map((record) => record.debtBits));
      final[`${name}HitCycleCap`] = result.endReason === "max_cycles" ? 1 : 0;
      final[`${name}Contaminated`] = result.metadata.epistemically_contaminated ? 1 : 0;
      ctx.progress((index + 1) / POLICY_NAMES.length);
    });
    return Promise.resolve({ series, final });
  },
  checks(_config, results): readonly Check[] {
    const overVsCalibrated = results.map(
      (result) => (result.final["overclaimerBlockedCycles"] ?? 0) > (result.final["calibratedBlockedCycles"] ?? Number.POSITIVE_INFINITY),
    );
    const learnerFirst = sum(results, "learnerBlockedFirstHalf");
    const learnerSecond = sum(results, "learnerBlockedSecondHalf");
    const capHits = POLICY_NAMES.reduce((total, name) => total + sum(results, `${name}HitCycleCap`), 0);
    const contaminated = POLICY_NAMES.reduce((total, name) => total + sum(results, `${name}Contaminated`), 0);
    return [
      {
        name: "overclaimer has more blocked cycles than calibrated",
        expected: "overclaimerBlockedCycles > calibratedBlockedCycles on every seed",
        observed: `overclaimer [${perSeed(results, "overclaimerBlockedCycles")}] vs calibrated [${perSeed(results, "calibratedBlockedCycles")}]`,
        pass: results.length > 0 && overVsCalibrated.every(Boolean),
      },
      {
        name: "calibrated agent is never blocked",
        expected: "calibratedBlockedCycles = 0 on every seed",
        observed: `[${perSeed(results, "calibratedBlockedCycles")}] (max debt [${perSeed(results, "calibratedMaxDebtBits")}] bits)`,
        pass: results.length > 0 && sum(results, "calibratedBlockedCycles") === 0,
      },
      {
        name: "learner's blocked cycles fall over time",
        expected: "blocked cycles in the second half of its run < first half, summed across seeds",
        observed: `first half ${String(learnerFirst)}, second half ${String(learnerSecond)} (per seed [${perSeed(results, "learnerBlockedFirstHalf")}] / [${perSeed(results, "learnerBlockedSecondHalf")}])`,
        pass: learnerSecond < learnerFirst,
      },
      {
        name: "every run ends by termination or budget, not the cycle cap",
        expected: "0 runs at maxCycles",
        observed: String(capHits),
        pass: capHits === 0,
      },
      {
        name: "no run is epistemically contaminated",
        expected: "enforcement on in every run",
        observed: `${String(contaminated)} contaminated runs`,
        pass: contaminated === 0,
      },
    ];
  },
  charts: [
    { title: "Debt", series: ["overclaimerDebtBits", "calibratedDebtBits", "learnerDebtBits"], yLabel: "bits" },
    { title: "Budget", series: ["overclaimerBudgetWells", "calibratedBudgetWells", "learnerBudgetWells"], yLabel: "wells" },
    {
      title: "Blocked cycles (cumulative)",
      series: ["overclaimerBlockedCycles", "calibratedBlockedCycles", "learnerBlockedCycles"],
      yLabel: "cycles",
    },
    { title: "Refusals (cumulative)", series: ["overclaimerRefusals", "calibratedRefusals", "learnerRefusals"], yLabel: "count" },
    { title: "Measurement noise", series: ["overclaimerNoiseSd", "calibratedNoiseSd", "learnerNoiseSd"], yLabel: "noise SD" },
  ],
});
