/**
 * Typed refusal records: what the agent receives and what is appended to `refusals.jsonl`.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L52–53 (refusals logged to `refusals.jsonl`), L224–226
 * (`blocked_by_reserve` logged clearly), L284 (the agent receives a `RefusalEvent`). The seed specifies
 * only the reason string; the rest of the schema is ours (docs/decisions/0105-epistemic-refusal-log.md).
 * Keys are snake_case like every other log record of this package.
 */
import { z } from "zod";

/** Version of the refusal record schema; bumped on any incompatible change. */
export const REFUSAL_EVENT_SCHEMA_VERSION = 1;

/** zod schema of one refusal record (one line of `refusals.jsonl`). */
export const RefusalEventSchema = z
  .object({
    event: z.literal("epistemic_action_refused"),
    schema_version: z.literal(REFUSAL_EVENT_SCHEMA_VERSION),
    run_id: z.string().min(1),
    cycle: z.number().int().nonnegative(),
    action_type: z.string().min(1),
    action_kind: z.enum(["calibration", "biology", "termination"]),
    reason: z.enum([
      "epistemic_debt_action_blocked",
      "insufficient_budget_for_epistemic_recovery",
      "epistemic_debt_budget_exceeded",
      "insufficient_budget",
    ]),
    debt_bits: z.number().nonnegative(),
    debt_threshold_bits: z.number().nonnegative(),
    budget_remaining_wells: z.number().nonnegative(),
    base_cost_wells: z.number().nonnegative(),
    inflated_cost_wells: z.number().nonnegative(),
    cost_multiplier: z.number().min(1),
    min_calibration_cost_wells: z.number().positive(),
    blocked_by_threshold: z.boolean(),
    blocked_by_reserve: z.boolean(),
    blocked_by_cost: z.boolean(),
    blocked_by_budget: z.boolean(),
    /** `false` only in a contaminated run (enforcement disabled): the action executed anyway. */
    enforced: z.boolean(),
  })
  .strict();

/** One refusal, as received by the agent and as logged (see {@link RefusalEventSchema}). */
export type RefusalEvent = z.infer<typeof RefusalEventSchema>;
