/**
 * The epistemic debt ledger, in bits.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L265–274 (accrual by overclaiming: claim 1.0 bit, realise 0.0,
 * +1.0 bit), L86–116 (repayment only by calibration, the seed's event record), SEED-INVENTORY.md §7.4–7.5.
 * Decisions: docs/decisions/0102-epistemic-debt-accrual.md (underclaiming earns nothing, floor at 0,
 * resolution 1e-12 bits).
 *
 * Events are log records, so their keys are snake_case, exactly as the seed writes them.
 */
import { DEBT_RESOLUTION_BITS } from "./constants.js";
import { computeRepayment } from "./repayment.js";

/** A claim settled against the world's realised information gain (accrual; may accrue 0). */
export interface DebtAccrualEvent {
  readonly event: "epistemic_debt_accrual";
  readonly debt_before: number;
  readonly debt_after: number;
  /** Bits added: `max(0, claimed − realised)`. */
  readonly accrued_bits: number;
  readonly evidence: {
    readonly claimed_bits: number;
    readonly realised_bits: number;
    /** `max(0, realised − claimed)`: recorded, never credited (ADR 0102). */
    readonly underclaim_bits: number;
    readonly action_type: string;
  };
}

/** A calibration's repayment, in the seed's exact record shape (seed L108–116). */
export interface DebtRepaymentEvent {
  readonly event: "epistemic_debt_repayment";
  readonly debt_before: number;
  readonly debt_after: number;
  /** Bits the calibration earned by `computeRepayment`; `debt_after = max(0, debt_before − repayment_bits)`. */
  readonly repayment_bits: number;
  readonly evidence: {
    readonly noise_improvement: number;
    readonly action_type: string;
  };
}

/** Every change to the ledger. */
export type DebtEvent = DebtAccrualEvent | DebtRepaymentEvent;

/** Decimal digits of {@link DEBT_RESOLUTION_BITS} (12). */
const DEBT_RESOLUTION_DIGITS = Math.round(-Math.log10(DEBT_RESOLUTION_BITS));

/** Round to the ledger's resolution (1e-12 bits), so 2.7 − 1.0 is 1.7. */
function quantise(bits: number): number {
  return Number(bits.toFixed(DEBT_RESOLUTION_DIGITS));
}

function requireNonNegative(where: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${where}: ${field} must be a finite number >= 0, got ${String(value)}`);
  }
}

/**
 * A debt ledger: accrual from overclaiming, repayment only from calibration, never below zero, every
 * change recorded as an event with before, after and evidence.
 *
 * @example
 * ```ts
 * const ledger = new DebtLedger();
 * ledger.recordClaim({ claimedBits: 1.0, realisedBits: 0.0, actionType: "dose_response" }); // +1.0
 * ledger.recordCalibration({ noiseImprovement: 0.1, actionType: "baseline_replicates" });   // −1.0
 * ledger.debtBits; // 0
 * ```
 */
export class DebtLedger {
  #debtBits: number;
  readonly #events: DebtEvent[] = [];
  readonly #listeners: ((event: DebtEvent) => void)[] = [];

  /** @param initialDebtBits - starting debt (default 0), finite and >= 0. */
  constructor(initialDebtBits = 0) {
    requireNonNegative("DebtLedger", "initialDebtBits", initialDebtBits);
    this.#debtBits = quantise(initialDebtBits);
  }

  /** Current debt in bits (>= 0). */
  get debtBits(): number {
    return this.#debtBits;
  }

  /** Every event so far, oldest first. */
  get events(): readonly DebtEvent[] {
    return this.#events;
  }

  /** Call `listener` on every future event; returns a function that unsubscribes. */
  subscribe(listener: (event: DebtEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /**
   * Settle a claim: debt grows by `max(0, claimedBits − realisedBits)`. Underclaiming neither accrues
   * nor repays (ADR 0102); only calibration repays.
   */
  recordClaim(input: { claimedBits: number; realisedBits: number; actionType: string }): DebtAccrualEvent {
    requireNonNegative("DebtLedger.recordClaim", "claimedBits", input.claimedBits);
    if (!Number.isFinite(input.realisedBits)) {
      throw new Error(`DebtLedger.recordClaim: realisedBits must be finite, got ${String(input.realisedBits)}`);
    }
    const accruedBits = Math.max(0, input.claimedBits - input.realisedBits);
    const before = this.#debtBits;
    const after = quantise(before + accruedBits);
    const event: DebtAccrualEvent = {
      event: "epistemic_debt_accrual",
      debt_before: before,
      debt_after: after,
      accrued_bits: quantise(accruedBits),
      evidence: {
        claimed_bits: input.claimedBits,
        realised_bits: input.realisedBits,
        underclaim_bits: quantise(Math.max(0, input.realisedBits - input.claimedBits)),
        action_type: input.actionType,
      },
    };
    this.#commit(after, event);
    return event;
  }

  /**
   * Settle an executed calibration: debt falls by `computeRepayment(true, noiseImprovement)`, floored at 0.
   */
  recordCalibration(input: { noiseImprovement: number; actionType: string }): DebtRepaymentEvent {
    if (!Number.isFinite(input.noiseImprovement)) {
      throw new Error(`DebtLedger.recordCalibration: noiseImprovement must be finite, got ${String(input.noiseImprovement)}`);
    }
    const repaymentBits = computeRepayment(true, input.noiseImprovement);
    const before = this.#debtBits;
    const after = quantise(Math.max(0, before - repaymentBits));
    const event: DebtRepaymentEvent = {
      event: "epistemic_debt_repayment",
      debt_before: before,
      debt_after: after,
      repayment_bits: repaymentBits,
      evidence: { noise_improvement: input.noiseImprovement, action_type: input.actionType },
    };
    this.#commit(after, event);
    return event;
  }

  #commit(after: number, event: DebtEvent): void {
    this.#debtBits = after;
    this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
  }
}
