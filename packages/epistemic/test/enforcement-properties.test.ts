// Property-based tests over random action/claim sequences (fast-check, 10,000 sequences):
// no non-calibration action executes above the threshold; calibration is always affordable while the
// budget allows any action; no sequence deadlocks; debt is never negative; the refusal log parses line
// by line. Source: 003_9e0f6a831bfd364e.txt L77, L207–209, L356–359; SEED-INVENTORY.md §7.8, C-24.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEBT_THRESHOLD_BITS,
  DEFAULT_TEMPLATES,
  EpistemicController,
  MIN_CALIBRATION_COST_WELLS,
  allowedActions,
  createLabWorld,
  createScriptedLabWorld,
  createScriptedPolicy,
  createSeededRng,
  parseRefusalLog,
  runLabLoop,
  shouldRefuseAction,
} from "@tam/epistemic";
import type { AgentPolicy, RefusalEvent, RefusalSink } from "@tam/epistemic";

const TEMPLATE_NAMES = DEFAULT_TEMPLATES.map((template) => template.name);

const stepArbitrary = fc.record({
  template: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("dose_response", "dose_response_deep") },
    { weight: 3, arbitrary: fc.constant("baseline_replicates") },
    { weight: 1, arbitrary: fc.constant("terminate") },
  ),
  claimedBits: fc.double({ min: 0, max: 4, noNaN: true }),
  realisedBits: fc.double({ min: 0, max: 3, noNaN: true }),
  noiseImprovement: fc.double({ min: -0.3, max: 0.6, noNaN: true }),
});

/** Wrap a policy to check, at every proposal, what the enforcement would allow in that state. */
function checkingPolicy(inner: AgentPolicy, controller: EpistemicController): AgentPolicy {
  return {
    name: inner.name,
    propose(observation) {
      const allowed = allowedActions(observation.templates, {
        debtBits: controller.debtBits,
        budgetRemainingWells: observation.budgetRemainingWells,
      });
      const names = allowed.map((template) => template.name);
      expect(names).toContain("terminate");
      if (observation.budgetRemainingWells >= MIN_CALIBRATION_COST_WELLS) expect(names).toContain("baseline_replicates");
      if (allowed.some((template) => template.kind === "biology")) {
        expect(names).toContain("baseline_replicates");
        expect(controller.debtBits).toBeLessThanOrEqual(DEBT_THRESHOLD_BITS);
      }
      return inner.propose(observation);
    },
    observe(feedback) {
      inner.observe(feedback);
    },
  };
}

describe("enforcement invariants over random sequences", () => {
  it("holds for 10,000 random action/claim sequences", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 6, noNaN: true }),
        fc.array(stepArbitrary, { maxLength: 25 }),
        (budgetWells, initialDebtBits, steps) => {
          const lines: string[] = [];
          const sink: RefusalSink = { append: (event: RefusalEvent) => lines.push(`${JSON.stringify(event)}\n`) };
          const controller = new EpistemicController({ initialDebtBits }, { refusalSink: sink });
          const world = createScriptedLabWorld({
            budgetWells,
            realisedBits: steps.map((step) => step.realisedBits),
            noiseImprovements: steps.map((step) => step.noiseImprovement),
          });
          const policy = checkingPolicy(createScriptedPolicy(steps), controller);
          const result = runLabLoop({ world, policy, controller, maxCycles: steps.length + 2 });

          // No deadlock: the run ends by termination or exhausted budget within the script.
          expect(result.endReason).not.toBe("max_cycles");
          expect(result.cycles.length).toBeLessThanOrEqual(steps.length + 1);

          let debtBefore = initialDebtBits;
          for (const record of result.cycles) {
            if (!record.refused && record.actionKind === "biology") {
              expect(debtBefore).toBeLessThanOrEqual(DEBT_THRESHOLD_BITS);
              expect(record.budgetWells).toBeGreaterThanOrEqual(MIN_CALIBRATION_COST_WELLS);
            }
            if (!record.refused && record.actionKind === "calibration") expect(record.chargedCostWells).toBe(12);
            expect(record.debtBits).toBeGreaterThanOrEqual(0);
            expect(record.budgetWells).toBeGreaterThanOrEqual(0);
            debtBefore = record.debtBits;
          }
          for (const event of result.debtEvents) expect(event.debt_after).toBeGreaterThanOrEqual(0);

          const parsed = parseRefusalLog(lines.join(""));
          expect(parsed.events).toEqual(result.refusals);
          expect(parsed.invalidLines).toEqual([]);
          expect(parsed.tornLastLine).toBeNull();
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("from any state, calibrating while insolvent then terminating always finishes (no bankruptcy spiral)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (budgetWells, debtBits) => {
          const calibration = DEFAULT_TEMPLATES.find((template) => template.kind === "calibration");
          if (calibration === undefined) throw new Error("no calibration template");
          let budget = budgetWells;
          let debt = debtBits;
          let steps = 0;
          const bound = Math.ceil(budgetWells / MIN_CALIBRATION_COST_WELLS) + 1;
          while (debt > DEBT_THRESHOLD_BITS && budget >= MIN_CALIBRATION_COST_WELLS) {
            expect(shouldRefuseAction({ action: calibration, debtBits: debt, budgetRemainingWells: budget }).refuse).toBe(false);
            budget -= calibration.costWells;
            debt = Math.max(0, debt - 0.25); // worst case: no noise improvement
            steps += 1;
            expect(steps).toBeLessThanOrEqual(bound);
          }
          // Either solvent again or below the cheapest calibration, where termination is the only action.
          if (debt > DEBT_THRESHOLD_BITS) {
            expect(allowedActions(DEFAULT_TEMPLATES, { debtBits: debt, budgetRemainingWells: budget }).map((t) => t.kind)).toEqual([
              "termination",
            ]);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("holds for random policies in the stochastic lab world", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 600 }), (seed, budgetWells) => {
        const rng = createSeededRng(seed).fork("policy");
        const controller = new EpistemicController();
        const randomPolicy: AgentPolicy = {
          name: "random",
          propose: (observation) => ({
            action: observation.templates.find((t) => t.name === TEMPLATE_NAMES[rng.int(TEMPLATE_NAMES.length - 1)]) ?? observation.templates[0]!,
            claimedBits: rng.uniform() * 4,
          }),
          observe: () => undefined,
        };
        const result = runLabLoop({
          world: createLabWorld({ budgetWells }, seed),
          policy: checkingPolicy(randomPolicy, controller),
          controller,
          maxCycles: 400,
        });
        let debtBefore = 0;
        for (const record of result.cycles) {
          if (!record.refused && record.actionKind === "biology") expect(debtBefore).toBeLessThanOrEqual(DEBT_THRESHOLD_BITS);
          debtBefore = record.debtBits;
        }
        // A random policy that never terminates still ends: the loop stops once only termination is allowed.
        expect(["budget_exhausted", "max_cycles"]).toContain(result.endReason);
        if (result.endReason === "budget_exhausted") expect(result.finalBudgetWells).toBeLessThan(MIN_CALIBRATION_COST_WELLS);
      }),
      { numRuns: 200 },
    );
  });
});
