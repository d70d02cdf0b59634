/**
 * The lab loop: each cycle a policy proposes an action and a claim, the controller decides before
 * execution (unconditionally), the world executes allowed actions, and the ledger settles the claim.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L50–53 and L237–261 (enforcement flow), L265–330 (worked
 * examples). Cycle accounting (a refused proposal uses up its cycle) and the end rule (the loop ends
 * the run when termination is the only allowed action) are docs/decisions/0103 and 0108.
 */
import type { ActionKind } from "./action-template.js";
import type { AgentBeliefs } from "./agent-beliefs.js";
import { applyDebtEvent, applyRefusal, initialBeliefs } from "./agent-beliefs.js";
import type { AgentPolicy } from "./agent-policy.js";
import { DEBT_THRESHOLD_BITS } from "./constants.js";
import type { DebtEvent } from "./debt-ledger.js";
import type { EpistemicController } from "./epistemic-controller.js";
import type { LabWorld } from "./lab-world.js";
import type { RefusalEvent } from "./refusal-event.js";
import type { RunMetadata } from "./run-metadata.js";
import type { RefusalReason } from "./should-refuse-action.js";
import { allowedActions } from "./should-refuse-action.js";

/** One cycle of a run. */
export interface CycleRecord {
  /** 1-based cycle number. */
  readonly cycle: number;
  readonly actionType: string;
  readonly actionKind: ActionKind;
  /** The claim made with the proposal (bits). */
  readonly claimedBits: number;
  /** Whether the proposal was refused (the cycle is used up). */
  readonly refused: boolean;
  /** Reason of the refusal (also set for an unenforced refusal in a contaminated run). */
  readonly refusalReason: RefusalReason | null;
  /** Refused because debt was above the threshold: a blocked cycle. */
  readonly blocked: boolean;
  /** Realised information gain (executed biology), else 0. */
  readonly realisedBits: number;
  /** Noise improvement (executed calibration), else 0. */
  readonly noiseImprovement: number;
  /** Wells charged (0 when refused). */
  readonly chargedCostWells: number;
  /** Debt after the cycle. */
  readonly debtBits: number;
  /** Budget after the cycle. */
  readonly budgetWells: number;
  /** World noise SD after the cycle, if the world has a noise model. */
  readonly noiseSd: number | null;
}

/** Why a run ended. */
export type LabRunEndReason = "terminated" | "budget_exhausted" | "max_cycles";

/** Everything a run produced. */
export interface LabRunResult {
  readonly policy: string;
  readonly cycles: readonly CycleRecord[];
  /** `terminated` (the policy's termination executed), `budget_exhausted` (termination was the only
   * allowed action, so the loop ended the run), or `max_cycles`. */
  readonly endReason: LabRunEndReason;
  readonly blockedCycles: number;
  readonly refusals: readonly RefusalEvent[];
  readonly debtEvents: readonly DebtEvent[];
  readonly finalDebtBits: number;
  readonly finalBudgetWells: number;
  readonly beliefs: AgentBeliefs;
  readonly metadata: RunMetadata;
}

/** Inputs of {@link runLabLoop}. */
export interface LabLoopOptions {
  readonly world: LabWorld;
  readonly policy: AgentPolicy;
  readonly controller: EpistemicController;
  /** Upper bound on cycles (default 10 000). */
  readonly maxCycles?: number;
  /** Called after every cycle (for progress reporting). */
  readonly onCycle?: (record: CycleRecord) => void;
}

/**
 * Run a policy against a world under a controller until it terminates, runs out of budget or hits
 * `maxCycles`.
 *
 * @example
 * ```ts
 * const result = runLabLoop({
 *   world: createLabWorld({ budgetWells: 480 }, 1),
 *   policy: createOverclaimerPolicy(),
 *   controller: new EpistemicController(),
 * });
 * result.blockedCycles; // > 0
 * ```
 */
export function runLabLoop(options: LabLoopOptions): LabRunResult {
  const { world, policy, controller } = options;
  const maxCycles = options.maxCycles ?? 10_000;
  if (!Number.isInteger(maxCycles) || maxCycles < 1) {
    throw new Error(`runLabLoop: maxCycles must be an integer >= 1, got ${String(maxCycles)}`);
  }
  const enforced = controller.config.enableDebtEnforcement;
  const cycles: CycleRecord[] = [];
  let beliefs = initialBeliefs();
  let endReason: LabRunEndReason = "max_cycles";
  let blockedCycles = 0;
  for (let cycle = 1; cycle <= maxCycles; cycle += 1) {
    const budget = world.budgetRemainingWells;
    const stillPossible = enforced
      ? allowedActions(world.templates, {
          debtBits: controller.debtBits,
          budgetRemainingWells: budget,
          minCalibrationCostWells: controller.config.minCalibrationCostWells,
        }).some((template) => template.kind !== "termination")
      : world.templates.some((template) => template.kind !== "termination" && template.costWells <= budget);
    if (!stillPossible) {
      endReason = "budget_exhausted";
      break;
    }
    const proposal = policy.propose({
      cycle,
      budgetRemainingWells: budget,
      debtBits: controller.debtBits,
      beliefs,
      templates: world.templates,
    });
    if (!Number.isFinite(proposal.claimedBits) || proposal.claimedBits < 0) {
      throw new Error(`runLabLoop: policy "${policy.name}" claimed ${String(proposal.claimedBits)} bits; claims must be finite and >= 0`);
    }
    const debtBefore = controller.debtBits;
    const authorization = controller.authorize(proposal.action, budget, cycle);
    const refusal = authorization.refusal;
    if (refusal !== null) beliefs = applyRefusal(beliefs, refusal);
    if (!authorization.allowed) {
      const blocked = refusal?.reason === "epistemic_debt_action_blocked";
      if (blocked) blockedCycles += 1;
      // Each record is one object literal, never a spread of shared fields: V8 keeps a literal's
      // fields in the object, while a spread-built record kept most of them out of line (twice the heap
      // and time per cycle; README, "Benchmark").
      const record: CycleRecord = {
        cycle,
        actionType: proposal.action.name,
        actionKind: proposal.action.kind,
        claimedBits: proposal.claimedBits,
        refusalReason: refusal?.reason ?? null,
        refused: true,
        blocked,
        realisedBits: 0,
        noiseImprovement: 0,
        chargedCostWells: 0,
        debtBits: controller.debtBits,
        budgetWells: world.budgetRemainingWells,
        noiseSd: world.noiseSd,
      };
      cycles.push(record);
      options.onCycle?.(record);
      if (refusal !== null) policy.observe({ type: "refused", proposal, refusal });
      continue;
    }
    if (enforced && proposal.action.kind === "biology" && debtBefore > DEBT_THRESHOLD_BITS) {
      throw new Error(`runLabLoop: invariant violated: "${proposal.action.name}" allowed at ${String(debtBefore)} bits of debt`);
    }
    const outcome = world.execute(proposal.action, authorization.chargedCostWells);
    if (outcome.kind === "biology") {
      controller.settleExperiment({ action: proposal.action, claimedBits: proposal.claimedBits, realisedBits: outcome.realisedBits });
    } else if (outcome.kind === "calibration") {
      beliefs = applyDebtEvent(beliefs, controller.settleCalibration({ action: proposal.action, noiseImprovement: outcome.noiseImprovement }));
    }
    const record: CycleRecord = {
      cycle,
      actionType: proposal.action.name,
      actionKind: proposal.action.kind,
      claimedBits: proposal.claimedBits,
      refusalReason: refusal?.reason ?? null,
      refused: false,
      blocked: false,
      realisedBits: outcome.realisedBits,
      noiseImprovement: outcome.noiseImprovement,
      chargedCostWells: outcome.wellsSpent,
      debtBits: controller.debtBits,
      budgetWells: world.budgetRemainingWells,
      noiseSd: world.noiseSd,
    };
    cycles.push(record);
    options.onCycle?.(record);
    policy.observe({ type: "executed", proposal, outcome });
    if (outcome.kind === "termination") {
      endReason = "terminated";
      break;
    }
  }
  return {
    policy: policy.name,
    cycles,
    endReason,
    blockedCycles,
    refusals: controller.refusals,
    debtEvents: controller.ledger.events,
    finalDebtBits: controller.debtBits,
    finalBudgetWells: world.budgetRemainingWells,
    beliefs,
    metadata: controller.runMetadata(),
  };
}
