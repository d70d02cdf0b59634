/**
 * Input-load schedules for the simulator (the perturbations of SEED-INVENTORY.md H004-A as the issue
 * asks: steps and drifts of presynaptic drive). ADR 0501. The load multiplies every emitter's release
 * into every area; 1 is nominal.
 *
 * `load(t) = base · (1 + dailyAmplitude·sin(2π t / dayTicks)) · Π_steps(t ≥ atTick ? factor : 1) · drift(t)`,
 * with `drift(t)` linear from 1 at `fromTick` to `factor` at `toTick`, constant after.
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";

/** Schema of a load schedule (every field defaulted: a constant nominal load). */
export const LoadScheduleSchema = z.strictObject({
  base: z.number().positive().finite().default(1),
  dailyAmplitude: z.number().min(0).lt(1).default(0),
  dayTicks: z.number().int().positive().default(200),
  steps: z.array(z.strictObject({ atTick: z.number().int().min(0), factor: z.number().positive().finite() })).default([]),
  drift: z
    .strictObject({ fromTick: z.number().int().min(0), toTick: z.number().int().min(0), factor: z.number().positive().finite() })
    .refine((d) => d.toTick > d.fromTick, { message: "drift.toTick must be > drift.fromTick" })
    .optional(),
});

/** A load schedule (parsed). */
export type LoadSchedule = z.output<typeof LoadScheduleSchema>;

/** Parse a schedule; throws naming the bad field. */
export function parseLoadSchedule(input: z.input<typeof LoadScheduleSchema>): LoadSchedule {
  return parseConfig(LoadScheduleSchema, input, "parseLoadSchedule", "schedule");
}

/**
 * The load at a tick.
 *
 * @example
 * ```ts
 * const s = parseLoadSchedule({ steps: [{ atTick: 100, factor: 2 }] });
 * [loadAt(99, s), loadAt(100, s)]; // [1, 2]
 * ```
 */
export function loadAt(tick: number, schedule: LoadSchedule): number {
  if (!(Number.isInteger(tick) && tick >= 0)) throw new Error(`Error in loadAt: tick must be an integer >= 0, got ${tick}.`);
  let load = schedule.base * (1 + schedule.dailyAmplitude * Math.sin((2 * Math.PI * tick) / schedule.dayTicks));
  for (const step of schedule.steps) if (tick >= step.atTick) load *= step.factor;
  const drift = schedule.drift;
  if (drift !== undefined && tick > drift.fromTick) {
    const progress = Math.min(1, (tick - drift.fromTick) / (drift.toTick - drift.fromTick));
    load *= 1 + (drift.factor - 1) * progress;
  }
  return load;
}
