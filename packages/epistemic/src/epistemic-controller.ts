/**
 * The epistemic controller: the ledger, the enforcement call before every action, refusal records,
 * and contamination tracking when enforcement is disabled.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L41–53 (centralised enforcement, called before execution,
 * unconditionally, refusals logged), L120–135 (`enable_debt_tracking = True` by default; disabling it
 * contaminates the run), L207–209 (no flags, no workarounds). What "disabled" means is
 * docs/decisions/0107-epistemic-disabled-enforcement.md.
 */
import { z } from "zod";
import type { ActionTemplate } from "./action-template.js";
import { validateActionTemplate } from "./action-template.js";
import { configError } from "./config-error.js";
import {
  CONTAMINATION_REASON_ENFORCEMENT_DISABLED,
  CONTAMINATION_WARNING,
  DEBT_SENSITIVITY,
  DEBT_THRESHOLD_BITS,
  MIN_CALIBRATION_COST_WELLS,
} from "./constants.js";
import type { DebtAccrualEvent, DebtRepaymentEvent } from "./debt-ledger.js";
import { DebtLedger } from "./debt-ledger.js";
import type { RefusalEvent } from "./refusal-event.js";
import { REFUSAL_EVENT_SCHEMA_VERSION } from "./refusal-event.js";
import type { RefusalSink } from "./refusal-log.js";
import type { RunMetadata } from "./run-metadata.js";
import type { RefusalDecision } from "./should-refuse-action.js";
import { shouldRefuseAction } from "./should-refuse-action.js";

/** zod schema of the controller config. Every field has a default; `{}` is the seed's configuration. */
export const EpistemicControllerConfigSchema = z
  .object({
    /** Enforcement on (default, seed L124). `false` contaminates the run; there is no other switch. */
    enableDebtEnforcement: z.boolean().default(true),
    /** Identifier written into refusal records and run metadata. */
    runId: z.string().min(1).default("run"),
    /** The reserve: cost of the cheapest calibration template, in wells (seed L69). */
    minCalibrationCostWells: z.number().positive().finite().default(MIN_CALIBRATION_COST_WELLS),
    /** Debt at the start of the run, in bits. */
    initialDebtBits: z.number().nonnegative().finite().default(0),
  })
  .strict();

/** Input accepted by {@link EpistemicController} (all fields optional). */
export type EpistemicControllerConfigInput = z.input<typeof EpistemicControllerConfigSchema>;
/** Parsed controller config. */
export type EpistemicControllerConfig = z.output<typeof EpistemicControllerConfigSchema>;

/** Where the controller's warning goes; default `console`. */
export interface WarningLogger {
  warn(message: string): void;
}

/** Collaborators of the controller. */
export interface EpistemicControllerOptions {
  /** Receives the contamination warning. Default: `console`. */
  readonly logger?: WarningLogger;
  /** Receives every refusal record (for example a {@link RefusalLog}). */
  readonly refusalSink?: RefusalSink;
}

/** The controller's answer for one proposed action. */
export interface Authorization {
  /** Whether the action may execute now. */
  readonly allowed: boolean;
  /** Wells to charge if it executes (inflated for biology while enforcement is on). */
  readonly chargedCostWells: number;
  /** The enforcement verdict, always computed. */
  readonly decision: RefusalDecision;
  /** The refusal record, if the verdict was a refusal (with `enforced: false` in a contaminated run). */
  readonly refusal: RefusalEvent | null;
}

/**
 * Owns the debt ledger and enforces the rules before every action.
 *
 * @example
 * ```ts
 * const controller = new EpistemicController();
 * for (let cycle = 1; cycle <= 3; cycle += 1) {
 *   controller.settleExperiment({ action: DOSE_RESPONSE, claimedBits: 1.0, realisedBits: 0.0 });
 * }
 * controller.authorize(DOSE_RESPONSE, 1000, 4).refusal?.reason; // "epistemic_debt_action_blocked"
 * controller.authorize(BASELINE_REPLICATES, 1000, 5).allowed;   // true
 * ```
 */
export class EpistemicController {
  /** The parsed config. */
  readonly config: EpistemicControllerConfig;
  /** The debt ledger. */
  readonly ledger: DebtLedger;
  /** True when enforcement is disabled (seed `is_contaminated`). */
  readonly isContaminated: boolean;
  /** `DEBT_ENFORCEMENT_DISABLED` when contaminated, else `null` (seed `contamination_reason`). */
  readonly contaminationReason: string | null;
  readonly #refusals: RefusalEvent[] = [];
  readonly #sink: RefusalSink | undefined;

  constructor(config: EpistemicControllerConfigInput = {}, options: EpistemicControllerOptions = {}) {
    const parsed = EpistemicControllerConfigSchema.safeParse(config);
    if (!parsed.success) throw configError("EpistemicController", parsed.error, config);
    this.config = parsed.data;
    this.ledger = new DebtLedger(this.config.initialDebtBits);
    this.#sink = options.refusalSink;
    this.isContaminated = !this.config.enableDebtEnforcement;
    this.contaminationReason = this.isContaminated ? CONTAMINATION_REASON_ENFORCEMENT_DISABLED : null;
    if (this.isContaminated) (options.logger ?? console).warn(CONTAMINATION_WARNING);
  }

  /** Current debt in bits. */
  get debtBits(): number {
    return this.ledger.debtBits;
  }

  /** Every refusal so far (enforced or not), oldest first. */
  get refusals(): readonly RefusalEvent[] {
    return this.#refusals;
  }

  /**
   * Run {@link shouldRefuseAction} for a proposed action. Call it before every action, unconditionally;
   * a refusal is recorded and sent to the refusal sink. With enforcement disabled the verdict is still
   * computed and recorded (`enforced: false`), but only a budget that cannot pay the base cost stops the action.
   */
  authorize(action: ActionTemplate, budgetRemainingWells: number, cycle: number): Authorization {
    validateActionTemplate(action, "EpistemicController.authorize");
    if (!Number.isInteger(cycle) || cycle < 0) {
      throw new Error(`EpistemicController.authorize: cycle must be an integer >= 0, got ${String(cycle)}`);
    }
    const decision = shouldRefuseAction({
      action,
      debtBits: this.ledger.debtBits,
      budgetRemainingWells,
      minCalibrationCostWells: this.config.minCalibrationCostWells,
    });
    const enforced = this.config.enableDebtEnforcement;
    const allowed = enforced ? !decision.refuse : action.costWells <= budgetRemainingWells;
    const chargedCostWells = enforced ? decision.inflatedCostWells : action.costWells;
    let refusal: RefusalEvent | null = null;
    if (decision.reason !== null) {
      refusal = {
        event: "epistemic_action_refused",
        schema_version: REFUSAL_EVENT_SCHEMA_VERSION,
        run_id: this.config.runId,
        cycle,
        action_type: action.name,
        action_kind: action.kind,
        reason: enforced || allowed ? decision.reason : "insufficient_budget",
        debt_bits: this.ledger.debtBits,
        debt_threshold_bits: DEBT_THRESHOLD_BITS,
        budget_remaining_wells: budgetRemainingWells,
        base_cost_wells: decision.baseCostWells,
        inflated_cost_wells: decision.inflatedCostWells,
        cost_multiplier: decision.costMultiplier,
        min_calibration_cost_wells: this.config.minCalibrationCostWells,
        blocked_by_threshold: decision.blockedByThreshold,
        blocked_by_reserve: decision.blockedByReserve,
        blocked_by_cost: decision.blockedByCost,
        blocked_by_budget: decision.blockedByBudget,
        enforced: !allowed,
      };
      this.#refusals.push(refusal);
      this.#sink?.append(refusal);
    }
    return { allowed, chargedCostWells, decision, refusal };
  }

  /** Settle an executed non-calibration experiment's claim against its realised gain (accrual). */
  settleExperiment(input: { action: ActionTemplate; claimedBits: number; realisedBits: number }): DebtAccrualEvent {
    return this.ledger.recordClaim({
      claimedBits: input.claimedBits,
      realisedBits: input.realisedBits,
      actionType: input.action.name,
    });
  }

  /** Settle an executed calibration (repayment from its noise improvement). Throws for a non-calibration action. */
  settleCalibration(input: { action: ActionTemplate; noiseImprovement: number }): DebtRepaymentEvent {
    if (input.action.kind !== "calibration") {
      throw new Error(
        `EpistemicController.settleCalibration: only calibration repays debt, got "${input.action.name}" of kind ${input.action.kind}`,
      );
    }
    return this.ledger.recordCalibration({ noiseImprovement: input.noiseImprovement, actionType: input.action.name });
  }

  /** The run's metadata, including `epistemically_contaminated`. */
  runMetadata(): RunMetadata {
    return {
      run_id: this.config.runId,
      epistemically_contaminated: this.isContaminated,
      contamination_reason: this.contaminationReason,
      debt_enforcement_enabled: this.config.enableDebtEnforcement,
      debt_threshold_bits: DEBT_THRESHOLD_BITS,
      debt_sensitivity: DEBT_SENSITIVITY,
      min_calibration_cost_wells: this.config.minCalibrationCostWells,
      final_debt_bits: this.ledger.debtBits,
      refusal_count: this.#refusals.length,
      unenforced_refusal_count: this.#refusals.filter((refusal) => !refusal.enforced).length,
    };
  }
}
