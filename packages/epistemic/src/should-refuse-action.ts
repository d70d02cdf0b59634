/**
 * The one enforcement function every proposed action goes through, before execution, unconditionally.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L41–53, L66–82, L237–261, L346–349; SEED-INVENTORY.md §7.2, C-13
 * (precedence threshold > reserve > cost), C-24/C-25 (calibration never inflated, never refused by the
 * cost check). The fourth reason, `insufficient_budget`, is ours: docs/decisions/0103-epistemic-terminal-budget.md.
 */
import type { ActionTemplate } from "./action-template.js";
import { validateActionTemplate } from "./action-template.js";
import { DEBT_THRESHOLD_BITS, MIN_CALIBRATION_COST_WELLS } from "./constants.js";
import { costMultiplier, inflatedCostWells } from "./cost-inflation.js";

/**
 * Why an action was refused, highest precedence first.
 * - `epistemic_debt_action_blocked`: debt > 2.0 bits and the action is not calibration (seed L80).
 * - `insufficient_budget_for_epistemic_recovery`: a non-calibration action would leave less than the
 *   cheapest calibration (seed L81).
 * - `epistemic_debt_budget_exceeded`: the inflated cost exceeds the budget (seed L82).
 * - `insufficient_budget`: a calibration costs more than the budget left (ADR 0103); once the budget is
 *   below the cheapest calibration, termination is the only action.
 */
export type RefusalReason =
  | "epistemic_debt_action_blocked"
  | "insufficient_budget_for_epistemic_recovery"
  | "epistemic_debt_budget_exceeded"
  | "insufficient_budget";

/** All refusal reasons in precedence order (highest first). */
export const REFUSAL_REASONS: readonly RefusalReason[] = Object.freeze([
  "epistemic_debt_action_blocked",
  "insufficient_budget_for_epistemic_recovery",
  "epistemic_debt_budget_exceeded",
  "insufficient_budget",
] as const);

/** What {@link shouldRefuseAction} needs to know. */
export interface RefusalCheckInput {
  /** The proposed action. */
  readonly action: ActionTemplate;
  /** Current debt in bits (>= 0). */
  readonly debtBits: number;
  /** Budget left in wells (>= 0; `Infinity` allowed). */
  readonly budgetRemainingWells: number;
  /** The reserve: cost of the cheapest calibration; default 12 wells (seed L69). */
  readonly minCalibrationCostWells?: number;
}

/** The verdict, with every check's own result so a caller can see all violations, not only the first. */
export interface RefusalDecision {
  /** Whether the action must not execute. */
  readonly refuse: boolean;
  /** The highest-precedence violated check, or `null` when allowed. */
  readonly reason: RefusalReason | null;
  /** Check 1: debt > threshold and not calibration. */
  readonly blockedByThreshold: boolean;
  /** Check 2: non-calibration and `budget − inflated cost < reserve` (strict, seed L73). */
  readonly blockedByReserve: boolean;
  /** Check 3: inflated cost > budget (never for calibration or termination). */
  readonly blockedByCost: boolean;
  /** Calibration only: base cost > budget. */
  readonly blockedByBudget: boolean;
  /** Base cost of the action in wells. */
  readonly baseCostWells: number;
  /** Cost the action would be charged (inflated for biology only). */
  readonly inflatedCostWells: number;
  /** `inflatedCostWells / baseCostWells` (1 when the base cost is 0). */
  readonly costMultiplier: number;
  /** Budget that would be left after executing: `budget − inflated cost`. */
  readonly budgetAfterWells: number;
}

/**
 * Decide whether a proposed action must be refused. Precedence: threshold > reserve > cost
 * (C-13). Calibration is never inflated and never refused by the threshold, reserve or cost checks;
 * it is refused only when the budget cannot pay its base cost. Termination is never refused.
 *
 * @example
 * ```ts
 * shouldRefuseAction({ action: DOSE_RESPONSE, debtBits: 3.0, budgetRemainingWells: 1000 }).reason;
 * // "epistemic_debt_action_blocked"
 * shouldRefuseAction({ action: DOSE_RESPONSE, debtBits: 0, budgetRemainingWells: 30 }).reason;
 * // "insufficient_budget_for_epistemic_recovery" (30 − 20 = 10 < 12)
 * shouldRefuseAction({ action: BASELINE_REPLICATES, debtBits: 10, budgetRemainingWells: 30 }).refuse;
 * // false
 * ```
 */
export function shouldRefuseAction(input: RefusalCheckInput): RefusalDecision {
  const action = validateActionTemplate(input.action, "shouldRefuseAction");
  const { debtBits, budgetRemainingWells } = input;
  const reserveWells = input.minCalibrationCostWells ?? MIN_CALIBRATION_COST_WELLS;
  if (!Number.isFinite(debtBits) || debtBits < 0) {
    throw new Error(`shouldRefuseAction: debtBits must be a finite number >= 0, got ${String(debtBits)}`);
  }
  if (Number.isNaN(budgetRemainingWells) || budgetRemainingWells < 0) {
    throw new Error(`shouldRefuseAction: budgetRemainingWells must be >= 0, got ${String(budgetRemainingWells)}`);
  }
  if (!Number.isFinite(reserveWells) || reserveWells <= 0) {
    throw new Error(`shouldRefuseAction: minCalibrationCostWells must be a finite number > 0, got ${String(reserveWells)}`);
  }
  const isRestricted = action.kind === "biology";
  const charged = inflatedCostWells(action, debtBits);
  const multiplier = isRestricted ? costMultiplier(debtBits, action.costWells) : 1;
  const budgetAfterWells = budgetRemainingWells - charged;
  const blockedByThreshold = isRestricted && debtBits > DEBT_THRESHOLD_BITS;
  const blockedByReserve = isRestricted && budgetAfterWells < reserveWells;
  const blockedByCost = isRestricted && charged > budgetRemainingWells;
  const blockedByBudget = action.kind === "calibration" && action.costWells > budgetRemainingWells;
  let reason: RefusalReason | null = null;
  if (blockedByThreshold) reason = "epistemic_debt_action_blocked";
  else if (blockedByReserve) reason = "insufficient_budget_for_epistemic_recovery";
  else if (blockedByCost) reason = "epistemic_debt_budget_exceeded";
  else if (blockedByBudget) reason = "insufficient_budget";
  return {
    refuse: reason !== null,
    reason,
    blockedByThreshold,
    blockedByReserve,
    blockedByCost,
    blockedByBudget,
    baseCostWells: action.costWells,
    inflatedCostWells: charged,
    costMultiplier: multiplier,
    budgetAfterWells,
  };
}

/**
 * The actions of a catalogue that {@link shouldRefuseAction} allows in a given state. Never empty when
 * the catalogue holds a termination template.
 */
export function allowedActions(
  templates: readonly ActionTemplate[],
  state: { readonly debtBits: number; readonly budgetRemainingWells: number; readonly minCalibrationCostWells?: number },
): ActionTemplate[] {
  return templates.filter((action) => !shouldRefuseAction({ action, ...state }).refuse);
}
