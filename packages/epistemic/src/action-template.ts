/**
 * Action templates of the lab world: what an agent can propose, its kind and its cost in wells.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L278 (`dose_response`, 20 wells), L290 and L337
 * (`baseline_replicates`, calibration, 12 wells), L207 (termination). SEED-INVENTORY.md §7.1, §11 E7.
 * The `dose_response_deep` template is ours (docs/decisions/0104-epistemic-lab-world.md).
 */
import { MIN_CALIBRATION_COST_WELLS } from "./constants.js";

/** What an action is, for enforcement: calibration repays debt, biology spends it, termination ends the run. */
export type ActionKind = "calibration" | "biology" | "termination";

/** One proposable action. */
export interface ActionTemplate {
  /** Template name, logged as `action_type` (for example `dose_response`). */
  readonly name: string;
  /** Calibration, biology (any non-calibration experiment) or termination. */
  readonly kind: ActionKind;
  /** Base cost in wells, before any debt inflation. Termination costs 0. */
  readonly costWells: number;
}

/** Calibration: 12 replicate wells of a control, the cheapest calibration (seed L69, L290, L337). */
export const BASELINE_REPLICATES: ActionTemplate = Object.freeze({
  name: "baseline_replicates",
  kind: "calibration",
  costWells: MIN_CALIBRATION_COST_WELLS,
});

/** Dose-response seed constant: 20 wells (seed L278). */
export const DOSE_RESPONSE_COST_WELLS = 20;

/** Biology: a 20-well dose-response experiment on one compound (seed L278). */
export const DOSE_RESPONSE: ActionTemplate = Object.freeze({
  name: "dose_response",
  kind: "biology",
  costWells: DOSE_RESPONSE_COST_WELLS,
});

/** Biology: a 40-well dose-response with four replicates per dose (ours, ADR 0104). */
export const DOSE_RESPONSE_DEEP: ActionTemplate = Object.freeze({
  name: "dose_response_deep",
  kind: "biology",
  costWells: 40,
});

/** Termination: ends the run; always allowed, costs nothing (seed L207). */
export const TERMINATE: ActionTemplate = Object.freeze({
  name: "terminate",
  kind: "termination",
  costWells: 0,
});

/** The lab world's default catalogue. */
export const DEFAULT_TEMPLATES: readonly ActionTemplate[] = Object.freeze([
  BASELINE_REPLICATES,
  DOSE_RESPONSE,
  DOSE_RESPONSE_DEEP,
  TERMINATE,
]);

/**
 * Check a template: a non-empty name, a known kind, a finite non-negative cost, zero for termination.
 * Throws an Error naming the field and the bad value.
 */
export function validateActionTemplate(template: ActionTemplate, where = "validateActionTemplate"): ActionTemplate {
  if (typeof template.name !== "string" || template.name.length === 0) {
    throw new Error(`${where}: template.name must be a non-empty string, got ${JSON.stringify(template.name)}`);
  }
  if (template.kind !== "calibration" && template.kind !== "biology" && template.kind !== "termination") {
    throw new Error(`${where}: template.kind of "${template.name}" must be calibration|biology|termination, got ${JSON.stringify(template.kind)}`);
  }
  if (!Number.isFinite(template.costWells) || template.costWells < 0) {
    throw new Error(`${where}: template.costWells of "${template.name}" must be finite and >= 0, got ${String(template.costWells)}`);
  }
  if (template.kind === "termination" && template.costWells !== 0) {
    throw new Error(`${where}: termination template "${template.name}" must cost 0 wells, got ${String(template.costWells)}`);
  }
  if (template.kind === "calibration" && template.costWells <= 0) {
    throw new Error(`${where}: calibration template "${template.name}" must cost > 0 wells, got ${String(template.costWells)}`);
  }
  return template;
}

/**
 * Cost of the cheapest calibration in a catalogue: the budget reserve every non-calibration action must
 * leave. Throws if the catalogue has no calibration (there would be no recovery path).
 *
 * @example
 * ```ts
 * cheapestCalibrationCostWells(DEFAULT_TEMPLATES); // 12
 * ```
 */
export function cheapestCalibrationCostWells(templates: readonly ActionTemplate[]): number {
  let cheapest = Number.POSITIVE_INFINITY;
  for (const template of templates) {
    validateActionTemplate(template, "cheapestCalibrationCostWells");
    if (template.kind === "calibration") cheapest = Math.min(cheapest, template.costWells);
  }
  if (!Number.isFinite(cheapest)) {
    throw new Error("cheapestCalibrationCostWells: templates contain no calibration template, so debt could never be repaid");
  }
  return cheapest;
}
