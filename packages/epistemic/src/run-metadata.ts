/**
 * Run metadata: what a run records about its epistemic enforcement, in particular contamination.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L127–135 ("Run metadata is marked as `epistemically_contaminated:
 * true`"), SEED-INVENTORY.md §7.6, §15.1.4. Keys are snake_case, as the seed writes the one it names.
 */
import { z } from "zod";

/** zod schema of {@link RunMetadata}. */
export const RunMetadataSchema = z
  .object({
    run_id: z.string().min(1),
    /** True when enforcement was disabled: the run's results must not be trusted as enforced. */
    epistemically_contaminated: z.boolean(),
    /** `DEBT_ENFORCEMENT_DISABLED` when contaminated, else `null`. */
    contamination_reason: z.string().nullable(),
    debt_enforcement_enabled: z.boolean(),
    debt_threshold_bits: z.number(),
    debt_sensitivity: z.number(),
    min_calibration_cost_wells: z.number(),
    final_debt_bits: z.number().nonnegative(),
    refusal_count: z.number().int().nonnegative(),
    /** Refusals that would have happened but were not enforced (contaminated runs only). */
    unenforced_refusal_count: z.number().int().nonnegative(),
  })
  .strict();

/** Metadata of one run, written beside its results. */
export type RunMetadata = z.infer<typeof RunMetadataSchema>;
