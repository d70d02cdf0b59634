/**
 * How `@tam/neuromod`'s modulator levels set the agent's gains (ADR 0704). μ = (NE, 5HT, DA), each in
 * the homeostasis clamp [0.05, 0.95]:
 * - NE (arousal) sets the learning gain: world-model training steps per agent step, 1 + round(2·NE);
 * - 5HT (patience, caution) sets the width gain on committed tubes, 0.75 + 0.5·5HT;
 * - DA (drive to exploit novelty) feeds the growth drive: a growth cycle runs each time the running
 *   sum of DA crosses {@link GROWTH_DRIVE_THRESHOLD}.
 */

/** Growth drive that triggers a growth cycle (ADR 0704): with DA = 0.5, one cycle every 8 steps. */
export const GROWTH_DRIVE_THRESHOLD = 4;

/** The gains one step runs with. */
export interface ModulatorGains {
  /** World-model training steps this agent step. */
  readonly learningSteps: number;
  /** Multiplier on the committed tube width. */
  readonly widthGain: number;
  /** Growth drive added this step. */
  readonly growthDrive: number;
}

/** Gains for modulator levels by name (NE, 5HT, DA). @throws Error naming a missing or non-finite level. */
export function modulatorGains(levels: Readonly<Record<string, number>>): ModulatorGains {
  const level = (name: string): number => {
    const value = levels[name];
    if (value === undefined || !Number.isFinite(value)) throw new Error(`modulatorGains: modulator ${name} must be a finite number, got ${String(value)}`);
    return Math.min(1, Math.max(0, value));
  };
  return {
    learningSteps: 1 + Math.round(2 * level("NE")),
    widthGain: 0.75 + 0.5 * level("5HT"),
    growthDrive: level("DA"),
  };
}
