/**
 * A lab world whose outcomes are given in advance: replays the seed's worked examples exactly.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L265–308 (debt cycle: realise 0.0 bits three times, then a
 * calibration with a 10% noise improvement) and L312–330 (near bankruptcy at 30 wells).
 */
import type { ActionTemplate } from "./action-template.js";
import { DEFAULT_TEMPLATES, cheapestCalibrationCostWells, validateActionTemplate } from "./action-template.js";
import type { LabOutcome, LabWorld } from "./lab-world.js";

/** Config of {@link createScriptedLabWorld}. */
export interface ScriptedLabWorldConfig {
  /** Initial budget in wells. */
  readonly budgetWells: number;
  /** Realised bits returned by successive biology experiments, in order. */
  readonly realisedBits: readonly number[];
  /** Noise improvements returned by successive calibrations, in order. */
  readonly noiseImprovements: readonly number[];
  /** Catalogue; default {@link DEFAULT_TEMPLATES}. */
  readonly templates?: readonly ActionTemplate[];
}

/**
 * Create a world that returns scripted outcomes; running out of script is an error.
 *
 * @example
 * ```ts
 * const world = createScriptedLabWorld({ budgetWells: 1000, realisedBits: [0, 0, 0, 0.5], noiseImprovements: [0.1] });
 * ```
 */
export function createScriptedLabWorld(config: ScriptedLabWorldConfig): LabWorld {
  if (!Number.isFinite(config.budgetWells) || config.budgetWells < 0) {
    throw new Error(`createScriptedLabWorld: budgetWells must be finite and >= 0, got ${String(config.budgetWells)}`);
  }
  for (const bits of config.realisedBits) {
    if (!Number.isFinite(bits) || bits < 0) {
      throw new Error(`createScriptedLabWorld: realisedBits entries must be finite and >= 0, got ${String(bits)}`);
    }
  }
  for (const improvement of config.noiseImprovements) {
    if (!Number.isFinite(improvement)) {
      throw new Error(`createScriptedLabWorld: noiseImprovements entries must be finite, got ${String(improvement)}`);
    }
  }
  const templates = config.templates ?? DEFAULT_TEMPLATES;
  cheapestCalibrationCostWells(templates);
  let budget = config.budgetWells;
  let biologyIndex = 0;
  let calibrationIndex = 0;
  return {
    templates,
    noiseSd: null,
    get budgetRemainingWells() {
      return budget;
    },
    execute(action: ActionTemplate, chargedCostWells: number): LabOutcome {
      validateActionTemplate(action, "ScriptedLabWorld.execute");
      if (!Number.isFinite(chargedCostWells) || chargedCostWells < 0 || chargedCostWells > budget) {
        throw new Error(
          `ScriptedLabWorld.execute: chargedCostWells must be in [0, ${String(budget)}], got ${String(chargedCostWells)}`,
        );
      }
      if (action.kind === "biology") {
        const realisedBits = config.realisedBits[biologyIndex];
        if (realisedBits === undefined) {
          throw new Error(`ScriptedLabWorld.execute: script has no realisedBits entry for biology experiment ${String(biologyIndex + 1)}`);
        }
        biologyIndex += 1;
        budget -= chargedCostWells;
        return { kind: "biology", wellsSpent: chargedCostWells, realisedBits, noiseImprovement: 0, noiseSdAfter: null };
      }
      if (action.kind === "calibration") {
        const noiseImprovement = config.noiseImprovements[calibrationIndex];
        if (noiseImprovement === undefined) {
          throw new Error(`ScriptedLabWorld.execute: script has no noiseImprovements entry for calibration ${String(calibrationIndex + 1)}`);
        }
        calibrationIndex += 1;
        budget -= chargedCostWells;
        return { kind: "calibration", wellsSpent: chargedCostWells, realisedBits: 0, noiseImprovement, noiseSdAfter: null };
      }
      return { kind: "termination", wellsSpent: 0, realisedBits: 0, noiseImprovement: 0, noiseSdAfter: null };
    },
  };
}
