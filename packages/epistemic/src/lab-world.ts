/**
 * The wells-and-budget lab world: experiments cost wells, measurement noise drifts up with use,
 * calibration brings it back down, and every experiment's information gain is computed from its data.
 *
 * Source: `003_9e0f6a831bfd364e.txt` (budget in wells, `baseline_replicates` 12 wells as calibration,
 * `dose_response` 20 wells as biology, termination; claims and outcomes in bits), SEED-INVENTORY.md
 * §11 E7. The seed leaves the dynamics open; the exact model is docs/decisions/0104-epistemic-lab-world.md
 * and the package README.
 */
import { z } from "zod";
import type { ActionTemplate } from "./action-template.js";
import { DEFAULT_TEMPLATES, cheapestCalibrationCostWells, validateActionTemplate } from "./action-template.js";
import { configError } from "./config-error.js";
import type { DoseMeasurement } from "./information-gain.js";
import { hillResponse, realisedInformationGainBits } from "./information-gain.js";
import type { SeededRng } from "./seeded-rng.js";
import { createSeededRng } from "./seeded-rng.js";

/** What executing an action did in the world. */
export interface LabOutcome {
  /** The executed action's kind. */
  readonly kind: ActionTemplate["kind"];
  /** Wells charged. */
  readonly wellsSpent: number;
  /** Realised information gain in bits (biology only; 0 otherwise). */
  readonly realisedBits: number;
  /** Fractional reduction of measurement noise (calibration only; 0 otherwise). */
  readonly noiseImprovement: number;
  /** True measurement noise SD after the action, or `null` for a world without a noise model. */
  readonly noiseSdAfter: number | null;
}

/** A world the lab loop can run a policy against. */
export interface LabWorld {
  /** The action catalogue (must contain a calibration and a termination template). */
  readonly templates: readonly ActionTemplate[];
  /** Wells left. */
  readonly budgetRemainingWells: number;
  /** Current measurement noise SD, or `null` if the world has no noise model. */
  readonly noiseSd: number | null;
  /** Execute an allowed action, charging `chargedCostWells`. */
  execute(action: ActionTemplate, chargedCostWells: number): LabOutcome;
}

/** zod schema of the lab world's config; `{}` gives the defaults below. */
export const LabWorldConfigSchema = z
  .object({
    /** Initial budget in wells (ten 96-well plates). */
    budgetWells: z.number().nonnegative().finite().default(960),
    /** Number of potency hypotheses K (prior entropy log2 K bits). */
    hypothesisCount: z.number().int().min(2).max(64).default(8),
    /** Smallest log10 EC50 hypothesis; hypotheses are spaced by `hypothesisSpacingLog10`. */
    hypothesisMinLog10: z.number().finite().default(-3.5),
    /** Spacing of the hypotheses, in log10 units. */
    hypothesisSpacingLog10: z.number().positive().finite().default(0.5),
    /** Doses per dose-response experiment (replicates per dose = floor(cost / doses), at least 1). */
    doseCount: z.number().int().min(1).default(10),
    /** Lowest log10 dose; doses are spaced by 0.5 log10 units. */
    doseMinLog10: z.number().finite().default(-4.5),
    /** Measurement noise SD at the start. */
    noiseSdInitial: z.number().positive().finite().default(0.2),
    /** Noise SD calibration can reach (the instrument's best). */
    noiseSdFloor: z.number().positive().finite().default(0.15),
    /** Noise SD never exceeds this. */
    noiseSdMax: z.number().positive().finite().default(0.8),
    /** Mean noise SD added by each executed biology experiment (drift). */
    noiseDriftSdPerExperiment: z.number().nonnegative().finite().default(0.03),
    /** Mean fraction of the noise above the floor that one calibration removes. */
    calibrationEfficiency: z.number().min(0).max(1).default(0.7),
    /** The action catalogue. */
    templates: z
      .array(
        z.object({
          name: z.string().min(1),
          kind: z.enum(["calibration", "biology", "termination"]),
          costWells: z.number().nonnegative().finite(),
        }),
      )
      .min(2)
      .default(() => DEFAULT_TEMPLATES.map((template) => ({ ...template }))),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.noiseSdFloor > config.noiseSdMax) {
      ctx.addIssue({ code: "custom", path: ["noiseSdFloor"], message: `must be <= noiseSdMax (${String(config.noiseSdMax)})` });
    }
    if (config.noiseSdInitial < config.noiseSdFloor || config.noiseSdInitial > config.noiseSdMax) {
      ctx.addIssue({ code: "custom", path: ["noiseSdInitial"], message: "must lie in [noiseSdFloor, noiseSdMax]" });
    }
  });

/** Input accepted by {@link createLabWorld}. */
export type LabWorldConfigInput = z.input<typeof LabWorldConfigSchema>;
/** Parsed lab world config. */
export type LabWorldConfig = z.output<typeof LabWorldConfigSchema>;

/** Spacing of the doses, in log10 units (a half-log dilution series). */
const DOSE_SPACING_LOG10 = 0.5;
/** Relative jitter (SD of a log-normal factor) of one experiment's noise drift. */
const DRIFT_JITTER = 0.25;
/** SD of the multiplicative jitter of one calibration's efficiency. */
const CALIBRATION_JITTER = 0.1;

/** Parse a lab world config, throwing an Error that names the bad field. */
export function parseLabWorldConfig(input: LabWorldConfigInput = {}): LabWorldConfig {
  const parsed = LabWorldConfigSchema.safeParse(input);
  if (!parsed.success) throw configError("createLabWorld", parsed.error, input);
  for (const template of parsed.data.templates) validateActionTemplate(template, "createLabWorld");
  cheapestCalibrationCostWells(parsed.data.templates);
  if (!parsed.data.templates.some((template) => template.kind === "termination")) {
    throw new Error("createLabWorld: templates must contain a termination template");
  }
  return parsed.data;
}

/** A stochastic lab world, with its state readable for charts and tests. */
export interface StochasticLabWorld extends LabWorld {
  readonly noiseSd: number;
  /** The parsed config. */
  readonly config: LabWorldConfig;
  /** Biology experiments executed so far. */
  readonly experimentCount: number;
}

/**
 * Create the stochastic lab world. Randomness comes from independent streams forked from `seed`
 * (compounds, measurements, drift, calibration), so two worlds with the same seed see the same
 * compound at their k-th experiment whatever else they do.
 *
 * @example
 * ```ts
 * const world = createLabWorld({ budgetWells: 480 }, 7);
 * const outcome = world.execute(DOSE_RESPONSE, 20); // outcome.realisedBits in [0, 3]
 * ```
 */
export function createLabWorld(input: LabWorldConfigInput = {}, seed = 0): StochasticLabWorld {
  const config = parseLabWorldConfig(input);
  const root = createSeededRng(seed);
  const compoundRng: SeededRng = root.fork("compound");
  const measurementRng: SeededRng = root.fork("measurement");
  const driftRng: SeededRng = root.fork("drift");
  const calibrationRng: SeededRng = root.fork("calibration");
  const hypotheses = Array.from(
    { length: config.hypothesisCount },
    (_, k) => config.hypothesisMinLog10 + k * config.hypothesisSpacingLog10,
  );
  const doses = Array.from({ length: config.doseCount }, (_, i) => config.doseMinLog10 + i * DOSE_SPACING_LOG10);
  const templates = Object.freeze(config.templates.map((template) => Object.freeze({ ...template })));
  let budget = config.budgetWells;
  let noiseSd = config.noiseSdInitial;
  let experimentCount = 0;

  const charge = (action: ActionTemplate, chargedCostWells: number): void => {
    if (!Number.isFinite(chargedCostWells) || chargedCostWells < 0) {
      throw new Error(`LabWorld.execute: chargedCostWells must be finite and >= 0, got ${String(chargedCostWells)}`);
    }
    if (chargedCostWells > budget) {
      throw new Error(
        `LabWorld.execute: "${action.name}" costs ${String(chargedCostWells)} wells but only ${String(budget)} remain`,
      );
    }
    budget -= chargedCostWells;
  };

  const runBiology = (action: ActionTemplate): number => {
    const trueLogEc50 = hypotheses[compoundRng.int(hypotheses.length)] ?? 0;
    const replicates = Math.max(1, Math.floor(action.costWells / config.doseCount));
    const measurements: DoseMeasurement[] = [];
    for (const logDose of doses) {
      for (let r = 0; r < replicates; r += 1) {
        measurements.push({ logDose, response: hillResponse(logDose, trueLogEc50) + noiseSd * measurementRng.normal() });
      }
    }
    const gain = realisedInformationGainBits(measurements, hypotheses, noiseSd);
    experimentCount += 1;
    const drift = config.noiseDriftSdPerExperiment * Math.exp(DRIFT_JITTER * driftRng.normal() - (DRIFT_JITTER * DRIFT_JITTER) / 2);
    noiseSd = Math.min(config.noiseSdMax, noiseSd + drift);
    return gain;
  };

  const runCalibration = (): number => {
    const before = noiseSd;
    const efficiency = Math.min(1, Math.max(0, config.calibrationEfficiency * (1 + CALIBRATION_JITTER * calibrationRng.normal())));
    noiseSd = config.noiseSdFloor + (before - config.noiseSdFloor) * (1 - efficiency);
    return (before - noiseSd) / before;
  };

  return {
    config,
    templates,
    get budgetRemainingWells() {
      return budget;
    },
    get noiseSd() {
      return noiseSd;
    },
    get experimentCount() {
      return experimentCount;
    },
    execute(action: ActionTemplate, chargedCostWells: number): LabOutcome {
      validateActionTemplate(action, "LabWorld.execute");
      if (!templates.some((template) => template.name === action.name && template.kind === action.kind)) {
        throw new Error(`LabWorld.execute: unknown template "${action.name}"`);
      }
      charge(action, chargedCostWells);
      if (action.kind === "biology") {
        const realisedBits = runBiology(action);
        return { kind: "biology", wellsSpent: chargedCostWells, realisedBits, noiseImprovement: 0, noiseSdAfter: noiseSd };
      }
      if (action.kind === "calibration") {
        const noiseImprovement = runCalibration();
        return { kind: "calibration", wellsSpent: chargedCostWells, realisedBits: 0, noiseImprovement, noiseSdAfter: noiseSd };
      }
      return { kind: "termination", wellsSpent: 0, realisedBits: 0, noiseImprovement: 0, noiseSdAfter: noiseSd };
    },
  };
}
