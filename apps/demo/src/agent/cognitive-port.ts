/**
 * The agent as `@tam/neuromod`'s cognitive source (ADR 0704): the receptor homeostasis reads the
 * agent's phase and error before each tick and its levels after, and its modulator levels come back
 * as the agent's gains. The agent fills in its levels after each of its steps; the port hands them to
 * the homeostasis and keeps the modulator snapshot it receives.
 */
import type { CognitivePhase, CognitiveReading, CognitiveSource, ModulatorSnapshot } from "@tam/neuromod";

/** The agent's phases (CFG nodes): commit to a tube, or calibrate. */
export const AGENT_PHASES = ["commit", "calibrate"] as const;
/** One of {@link AGENT_PHASES}. */
export type AgentPhase = (typeof AGENT_PHASES)[number];

/** What the agent reports after a step; every level in [0, 1]. */
export interface AgentLevels {
  readonly phase: AgentPhase;
  readonly errorSignal: number;
  /** Fraction of recent commitments that held. */
  readonly coherence: number;
  /** Fraction of recently claimed bits that were realised. */
  readonly utility: number;
  /** `1 − exp(−mean committed σ)`. */
  readonly uncertainty: number;
  /** 1 when this step's proposal was refused. */
  readonly safetyPenalty: number;
  /** |recent miss rate − α|. */
  readonly calibrationGap: number;
}

/** The port between the agent and the receptor homeostasis. */
export class CognitivePort implements CognitiveSource {
  readonly phases: readonly string[] = AGENT_PHASES;
  private levels: AgentLevels;
  private snapshot: ModulatorSnapshot | undefined;

  constructor(initial: AgentLevels) {
    this.levels = checked(initial);
  }

  /** The modulator levels by name from the last tick (undefined before the first). */
  get modulators(): Readonly<Record<string, number>> | undefined {
    if (this.snapshot === undefined) return undefined;
    const snapshot = this.snapshot;
    return Object.fromEntries(snapshot.names.map((name, i) => [name, snapshot.levels[i] as number]));
  }

  /** Report the agent's levels for the coming tick. @throws Error naming a level outside [0, 1]. */
  report(levels: AgentLevels): void {
    this.levels = checked(levels);
  }

  phase(): CognitivePhase {
    return { cfgNode: this.levels.phase, errorSignal: this.levels.errorSignal };
  }

  step(modulators: ModulatorSnapshot): CognitiveReading {
    this.snapshot = modulators;
    const { phase, coherence, utility, uncertainty, safetyPenalty, calibrationGap } = this.levels;
    return { cfgNode: phase, coherence, utility, uncertainty, safetyPenalty, calibrationGap };
  }
}

function checked(levels: AgentLevels): AgentLevels {
  for (const [name, value] of Object.entries(levels)) {
    if (name === "phase") continue;
    if (!(typeof value === "number" && value >= 0 && value <= 1)) throw new Error(`CognitivePort: ${name} must be in [0, 1], got ${String(value)}`);
  }
  return levels;
}
