/**
 * Scenario `epistemic-debt`: the seed's worked examples of epistemic debt as checks, plus a seeded
 * stress run of random actions and claims in the lab world that must never break the invariants.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L265–308 (debt cycle), L312–330 (near bankruptcy), L107–116
 * (repayment record), L197–199 (sensitivity), L207–209 (invariant); SEED-INVENTORY.md §9.4 H003-7..H003-11.
 */
import { z } from "zod";
import {
  DEBT_THRESHOLD_BITS,
  DebtLedger,
  EpistemicController,
  MIN_CALIBRATION_COST_WELLS,
  allowedActions,
  costMultiplier,
  createLabWorld,
  createScriptedLabWorld,
  createScriptedPolicy,
  createSeededRng,
  recordBeliefs,
  runLabLoop,
} from "@tam/epistemic";
import type { AgentPolicy, CycleRecord } from "@tam/epistemic";
import type { Check, SeedResult, SeriesPoint } from "../scenario.js";
import { defineScenario } from "../scenario.js";

/** The seed's repayment record (L108–116), as JSON serialises it. */
const SEED_REPAYMENT_RECORD =
  '{"event":"epistemic_debt_repayment","debt_before":2.7,"debt_after":1.7,"repayment_bits":1,"evidence":{"noise_improvement":0.1,"action_type":"baseline_replicates"}}';

const configSchema = z
  .object({
    /** Cycles of the seeded stress run (random actions and claims in the lab world). */
    steps: z.number().int().min(1).default(2000),
    /** Budget of the stress run, in wells; large enough that the stress run is not cut short by the budget. */
    stressBudgetWells: z.number().positive().finite().default(20_000),
  })
  .strict();

type Config = z.output<typeof configSchema>;

function flag(value: boolean): number {
  return value ? 1 : 0;
}

function cumulativeSeries(cycles: readonly CycleRecord[], pick: (record: CycleRecord) => boolean): SeriesPoint[] {
  let count = 0;
  return cycles.map((record) => {
    if (pick(record)) count += 1;
    return { step: record.cycle, value: count };
  });
}

/** The seed's debt cycle (L265–308) through the lab loop. */
function debtCycle(): { final: Record<string, number>; series: Record<string, SeriesPoint[]> } {
  const world = createScriptedLabWorld({ budgetWells: 1000, realisedBits: [0, 0, 0, 0.5], noiseImprovements: [0.1] });
  const { policy, seen } = recordBeliefs(
    createScriptedPolicy([
      { template: "dose_response", claimedBits: 1.0 },
      { template: "dose_response", claimedBits: 1.0 },
      { template: "dose_response", claimedBits: 1.0 },
      { template: "dose_response", claimedBits: 1.0 },
      { template: "baseline_replicates" },
      { template: "dose_response", claimedBits: 0.5 },
    ]),
  );
  const result = runLabLoop({ world, policy, controller: new EpistemicController({ runId: "seed-debt-cycle" }) });
  const cycle = (n: number): CycleRecord | undefined => result.cycles[n - 1];
  const repayment = result.debtEvents.find((event) => event.event === "epistemic_debt_repayment");
  return {
    final: {
      cycleDebtAfterCycle3Bits: cycle(3)?.debtBits ?? Number.NaN,
      cycle4Blocked: flag(cycle(4)?.refusalReason === "epistemic_debt_action_blocked"),
      cycle5InsolventBelief: flag(seen[4]?.epistemicInsolvent === true),
      cycle5CalibrationAllowed: flag(cycle(5)?.refused === false && cycle(5)?.actionKind === "calibration"),
      cycle5DebtAfterBits: cycle(5)?.debtBits ?? Number.NaN,
      cycle5RepaymentBits: repayment?.event === "epistemic_debt_repayment" ? repayment.repayment_bits : Number.NaN,
      cycle6InsolventBelief: flag(seen[5]?.epistemicInsolvent === true),
      cycle6BiologyAllowed: flag(cycle(6)?.refused === false && cycle(6)?.actionKind === "biology"),
    },
    series: {
      debtBits: result.cycles.map((record) => ({ step: record.cycle, value: record.debtBits })),
      budgetWells: result.cycles.map((record) => ({ step: record.cycle, value: record.budgetWells })),
      refusals: cumulativeSeries(result.cycles, (record) => record.refused),
      blockedCycles: cumulativeSeries(result.cycles, (record) => record.blocked),
    },
  };
}

/** The seed's repayment record (L107–116): a calibration at 2.7 bits with a 10% noise improvement. */
function repaymentRecord(): string {
  return JSON.stringify(new DebtLedger(2.7).recordCalibration({ noiseImprovement: 0.1, actionType: "baseline_replicates" }));
}

/** The seed's near-bankruptcy example (L312–330). */
function nearBankruptcy(): Record<string, number> {
  const world = createScriptedLabWorld({ budgetWells: 30, realisedBits: [], noiseImprovements: [0] });
  const policy = createScriptedPolicy([{ template: "dose_response", claimedBits: 0.5 }, { template: "baseline_replicates" }]);
  const result = runLabLoop({ world, policy, controller: new EpistemicController({ runId: "seed-near-bankruptcy" }) });
  const refusal = result.refusals[0];
  return {
    reserveRefusedByReserve: flag(refusal?.reason === "insufficient_budget_for_epistemic_recovery"),
    reserveBudgetAfterWells: refusal === undefined ? Number.NaN : refusal.budget_remaining_wells - refusal.inflated_cost_wells,
    reserveCalibrationAllowed: flag(result.cycles[1]?.refused === false && result.cycles[1]?.actionKind === "calibration"),
  };
}

/** A seeded random policy (never terminates) in the stochastic lab world; counts invariant violations. */
function stressRun(config: Config, seed: number): { final: Record<string, number>; series: Record<string, SeriesPoint[]> } {
  const rng = createSeededRng(seed).fork("epistemic-debt-stress");
  const controller = new EpistemicController({ runId: `stress-${String(seed)}` });
  let violations = 0;
  const policy: AgentPolicy = {
    name: "random",
    propose(observation) {
      const allowed = allowedActions(observation.templates, {
        debtBits: controller.debtBits,
        budgetRemainingWells: observation.budgetRemainingWells,
      });
      const calibrationAllowed = allowed.some((template) => template.kind === "calibration");
      if (observation.budgetRemainingWells >= MIN_CALIBRATION_COST_WELLS && !calibrationAllowed) violations += 1;
      const candidates = observation.templates.filter((template) => template.kind !== "termination");
      const action = candidates[rng.int(candidates.length)] ?? observation.templates[0];
      if (action === undefined) throw new Error("epistemic-debt: the lab world has no templates");
      return { action, claimedBits: rng.uniform() * 4 };
    },
    observe: () => undefined,
  };
  const result = runLabLoop({
    world: createLabWorld({ budgetWells: config.stressBudgetWells }, seed),
    policy,
    controller,
    maxCycles: config.steps,
  });
  let debtBefore = 0;
  for (const record of result.cycles) {
    if (!record.refused && record.actionKind === "biology" && debtBefore > DEBT_THRESHOLD_BITS) violations += 1;
    if (record.debtBits < 0) violations += 1;
    debtBefore = record.debtBits;
  }
  return {
    final: {
      stressCycles: result.cycles.length,
      stressViolations: violations,
      stressRefusals: result.refusals.length,
      stressBlockedCycles: result.blockedCycles,
      stressMaxDebtBits: Math.max(0, ...result.cycles.map((record) => record.debtBits)),
    },
    series: {
      stressDebtBits: result.cycles.map((record) => ({ step: record.cycle, value: record.debtBits })),
      stressBudgetWells: result.cycles.map((record) => ({ step: record.cycle, value: record.budgetWells })),
      stressRefusals: cumulativeSeries(result.cycles, (record) => record.refused),
    },
  };
}

function allEqual(results: readonly SeedResult[], key: string, expected: number, tolerance = 0): Check {
  const observed = results.map((result) => result.final[key]);
  return {
    name: key,
    expected: tolerance === 0 ? `${String(expected)} on every seed` : `${String(expected)} ± ${String(tolerance)} on every seed`,
    observed: observed.map(String).join(", "),
    pass: observed.length > 0 && observed.every((value) => value !== undefined && Math.abs(value - expected) <= tolerance),
  };
}

/** The `epistemic-debt` scenario. */
export const epistemicDebtScenario = defineScenario({
  name: "epistemic-debt",
  description:
    "Epistemic debt as an enforced constraint (seed 003): the debt cycle, near-bankruptcy reserve, cost inflation and repayment record, plus a seeded stress run",
  configSchema,
  quick: { steps: 300 },
  defaultSeeds: 3,
  runSeed(config, ctx) {
    const cycle = debtCycle();
    ctx.progress(0.2);
    const reserve = nearBankruptcy();
    const record = repaymentRecord();
    const stress = stressRun(config, ctx.seed);
    ctx.progress(1);
    const result: SeedResult = {
      series: { ...cycle.series, ...stress.series },
      final: {
        ...cycle.final,
        ...reserve,
        ...stress.final,
        multiplier20WellsAt2Bits: costMultiplier(2.0, 20),
        multiplier200WellsAt2Bits: costMultiplier(2.0, 200),
        repaymentRecordExact: flag(record === SEED_REPAYMENT_RECORD),
      },
      notes: { repaymentRecord: record },
    };
    return Promise.resolve(result);
  },
  checks(_config, results) {
    return [
      allEqual(results, "cycleDebtAfterCycle3Bits", 3.0),
      allEqual(results, "cycle4Blocked", 1),
      allEqual(results, "cycle5InsolventBelief", 1),
      allEqual(results, "cycle5CalibrationAllowed", 1),
      allEqual(results, "cycle5RepaymentBits", 1.0),
      allEqual(results, "cycle5DebtAfterBits", 2.0),
      allEqual(results, "cycle6InsolventBelief", 0),
      allEqual(results, "cycle6BiologyAllowed", 1),
      allEqual(results, "repaymentRecordExact", 1),
      allEqual(results, "reserveRefusedByReserve", 1),
      allEqual(results, "reserveBudgetAfterWells", 10),
      allEqual(results, "reserveCalibrationAllowed", 1),
      allEqual(results, "multiplier20WellsAt2Bits", 1.2, 0.03),
      allEqual(results, "multiplier200WellsAt2Bits", 2.0, 0.03),
      allEqual(results, "stressViolations", 0),
    ];
  },
  charts: [
    { title: "Seed debt cycle: debt", series: ["debtBits"], yLabel: "bits" },
    { title: "Seed debt cycle: refusals and blocked cycles", series: ["refusals", "blockedCycles"], yLabel: "count" },
    { title: "Seed debt cycle: budget", series: ["budgetWells"], yLabel: "wells" },
    { title: "Stress run: debt", series: ["stressDebtBits"], yLabel: "bits" },
    { title: "Stress run: budget", series: ["stressBudgetWells"], yLabel: "wells" },
    { title: "Stress run: refusals", series: ["stressRefusals"], yLabel: "count" },
  ],
});
