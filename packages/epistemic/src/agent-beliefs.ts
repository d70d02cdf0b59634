/**
 * The part of an agent's beliefs the enforcement writes: `epistemicInsolvent` and its reset rule.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L284–285 (on refusal the agent receives a `RefusalEvent` and sets
 * `epistemic_insolvent=True`). The seed does not say when it resets (SEED-INVENTORY.md §15.7.5); the
 * rule is docs/decisions/0106-epistemic-insolvency-reset.md:
 * - set by a refusal with reason `epistemic_debt_action_blocked` (debt above the threshold);
 * - cleared by the first repayment whose `debt_after` is at or below the threshold (2.0 bits);
 * - nothing else changes it (budget refusals are about wells, not debt).
 */
import { DEBT_THRESHOLD_BITS } from "./constants.js";
import type { DebtEvent } from "./debt-ledger.js";
import type { RefusalEvent } from "./refusal-event.js";

/** Beliefs the enforcement maintains for an agent. Plain data; update with the pure functions below. */
export interface AgentBeliefs {
  /** True from a threshold refusal until a repayment brings debt to <= 2.0 bits. */
  readonly epistemicInsolvent: boolean;
  /** The most recent refusal the agent received, if any. */
  readonly lastRefusal: RefusalEvent | null;
  /** Refusals received so far (any reason). */
  readonly refusalCount: number;
  /** Refusals with reason `epistemic_debt_action_blocked` so far ("blocked cycles"). */
  readonly blockedCount: number;
}

/** Beliefs at the start of a run: solvent, no refusals. */
export function initialBeliefs(): AgentBeliefs {
  return { epistemicInsolvent: false, lastRefusal: null, refusalCount: 0, blockedCount: 0 };
}

/** Beliefs after receiving a refusal. Sets `epistemicInsolvent` on a threshold refusal. */
export function applyRefusal(beliefs: AgentBeliefs, event: RefusalEvent): AgentBeliefs {
  const blocked = event.reason === "epistemic_debt_action_blocked";
  return {
    epistemicInsolvent: beliefs.epistemicInsolvent || blocked,
    lastRefusal: event,
    refusalCount: beliefs.refusalCount + 1,
    blockedCount: beliefs.blockedCount + (blocked ? 1 : 0),
  };
}

/** Beliefs after a ledger event. Clears `epistemicInsolvent` on a repayment that ends at <= 2.0 bits. */
export function applyDebtEvent(beliefs: AgentBeliefs, event: DebtEvent): AgentBeliefs {
  if (event.event === "epistemic_debt_repayment" && beliefs.epistemicInsolvent && event.debt_after <= DEBT_THRESHOLD_BITS) {
    return { ...beliefs, epistemicInsolvent: false };
  }
  return beliefs;
}
