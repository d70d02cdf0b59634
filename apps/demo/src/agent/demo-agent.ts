/**
 * The demo agent (ADRs 0702-0704): one step is one commitment cycle over a horizon of T ticks.
 *
 * 1. The world model (`@tam/graph` + `@tam/sparse-core`) forecasts the horizon from the newest state.
 * 2. The commitment tube (`@tam/factored-actor`'s factored tube, trained with `@tam/tube`) puts μ, σ
 *    around the forecast; z_intent is the regime belief, z_real the world model's recent error.
 * 3. The agent proposes to commit to `μ ± k·σ·scale·widthGain`. `@tam/epistemic`'s controller decides
 *    before anything happens: above 2 bits of debt the commitment is refused and the agent calibrates
 *    instead (split-conformal recalibration of the width, which repays debt by the improvement it makes).
 * 4. The world advances T ticks. A commitment is settled: claimed vs realised bits (information-bits.ts);
 *    overclaimed bits become debt.
 * 5. Learning: tube step on replay, world-model steps (NE gain), a growth cycle when the DA-fed drive
 *    crosses its threshold; the regime belief updates on the one-step residual.
 * 6. `@tam/neuromod`'s receptor homeostasis ticks on the agent's levels; its modulators set the next
 *    step's gains.
 */
import {
  EpistemicController,
  type ActionTemplate,
  type RefusalEvent,
} from "@tam/epistemic";
import { ReceptorHomeostasis } from "@tam/neuromod";
import type { Rng } from "@tam/tensor-backend";
import { BIND_WIDTH_K } from "@tam/tube";
import type { Regime, RegimeOscillatorWorld } from "../world/regime-oscillator-world.js";
import { COMMITMENT_TUBE_DEFAULTS, CommitmentTube } from "./commitment-tube.js";
import { AGENT_PHASES, CognitivePort, type AgentPhase } from "./cognitive-port.js";
import { ConformalCalibration } from "./conformal-calibration.js";
import { informationBits } from "./information-bits.js";
import { GROWTH_DRIVE_THRESHOLD, modulatorGains, type ModulatorGains } from "./modulator-gains.js";
import { RegimeBelief } from "./regime-belief.js";
import { WorldModel } from "./world-model.js";

/** Proposing a commitment: a non-calibration action for the ledger (ADR 0703). */
export const COMMIT_ACTION: ActionTemplate = Object.freeze({ name: "tube_commitment", kind: "biology", costWells: 20 });
/** Calibrating the tube width on recent horizons (ADR 0703): the cheapest calibration. */
export const CALIBRATE_ACTION: ActionTemplate = Object.freeze({ name: "conformal_calibration", kind: "calibration", costWells: 12 });

/** Target miscoverage of a calibrated tube per horizon (ADR 0703). */
export const CALIBRATION_ALPHA = 0.1;
/** Horizons the calibration looks back on (ADR 0703). */
export const CALIBRATION_WINDOW = 40;
/** The agent also calibrates on its own every this many steps, as the seed's calibrated agent does (ADR 0703). */
export const CALIBRATE_EVERY_STEPS = 25;
/** Agent steps between world-model refits on the sliding window (ADR 0702). */
export const REFIT_EVERY_STEPS = 4;
/** Warm-up ticks the agent watches before its first step (they fix the standardisation). */
export const WARMUP_TICKS = 240;
/** Budget per agent step, in wells: enough that a full run never runs dry (ADR 0703). */
export const BUDGET_WELLS_PER_STEP = 50;
/** Commitments the cognitive levels look back on. */
const RECENT_COMMITMENTS = 10;
/** Rate of the running mean of the one-step forecast error. */
const ERROR_RATE = 0.1;

/** What the agent did in one step. */
export interface StepRecord {
  readonly step: number;
  /** World tick at the start of the step. */
  readonly tick: number;
  /** The true regime (hidden from the agent). */
  readonly regime: Regime;
  /** The agent's P(turbulent). */
  readonly belief: number;
  readonly action: AgentPhase | "observe";
  /** The commitment was refused (and why). */
  readonly refusal: RefusalEvent["reason"] | null;
  /** Bits the proposed commitment claimed. */
  readonly claimedBits: number;
  /** Bits realised (null when nothing was committed). */
  readonly realisedBits: number | null;
  /** Every tick inside the committed tube (null when nothing was committed). */
  readonly held: boolean | null;
  readonly debtBits: number;
  readonly budgetWells: number;
  /** Commitment price λ. */
  readonly lambda: number;
  /** Mean over the horizon of the conformal width scales. */
  readonly widthScale: number;
  readonly gains: ModulatorGains;
  /** Mean committed σ (standardised units). */
  readonly sigmaMean: number;
  /** Expected ticks the commitment holds (stop head). */
  readonly expectedHorizon: number;
  /** Standardised world-model training loss this step. */
  readonly modelLoss: number;
  /** RMS of the one-step forecast residual (standardised). */
  readonly forecastError: number;
  /** Regions committed by a growth cycle this step (0 when none ran). */
  readonly grownRegions: number;
  readonly growthCycle: boolean;
  /** Hot cells of the world model's growing branches after this step. */
  readonly branchCells: number;
  /** Modulator levels after this step's homeostasis tick, by name. */
  readonly modulators: Readonly<Record<string, number>>;
  readonly effCog: number;
  readonly rangeUtil: number;
}

/** One tick of the world with the tube that was over it (raw units). */
export interface WorldTick {
  readonly tick: number;
  readonly step: number;
  readonly regime: Regime;
  readonly x: number;
  readonly v: number;
  readonly muX: number;
  readonly loX: number;
  readonly hiX: number;
  readonly muV: number;
  readonly loV: number;
  readonly hiV: number;
  /** Whether the tube was a commitment (false: refused, the agent calibrated). */
  readonly committed: boolean;
}

/** What {@link DemoAgent.step} returns. */
export interface StepOutcome {
  readonly record: StepRecord;
  readonly ticks: readonly WorldTick[];
  readonly refusalEvent: RefusalEvent | null;
}

/** Options of {@link DemoAgent}. */
export interface DemoAgentOptions {
  readonly steps: number;
  /** Homeostasis seed. */
  readonly seed: number;
}

/** The agent, with the world it lives in. */
export class DemoAgent {
  readonly model: WorldModel;
  readonly tube: CommitmentTube;
  readonly controller: EpistemicController;
  readonly homeostasis: ReceptorHomeostasis;
  readonly calibration: ConformalCalibration;
  readonly belief: RegimeBelief;
  private readonly port: CognitivePort;
  private readonly world: RegimeOscillatorWorld;
  private readonly rng: Rng;
  private readonly horizon: number;
  private budget: number;
  private stepCount = 0;
  private growthDrive = 0;
  private errorMean: number;
  private readonly recent: { held: boolean; claimed: number; realised: number; sigma: number }[] = [];

  constructor(world: RegimeOscillatorWorld, rng: Rng, options: DemoAgentOptions) {
    if (!(Number.isSafeInteger(options.steps) && options.steps >= 1)) throw new Error(`DemoAgent: steps must be an integer >= 1, got ${options.steps}`);
    this.world = world;
    this.rng = rng;
    this.horizon = world.horizonTicks;
    this.budget = options.steps * BUDGET_WELLS_PER_STEP;
    const warmup = world.advance(WARMUP_TICKS, world.regimeAt(0));
    this.model = new WorldModel(warmup, world.dt, rng.fork("world-model"));
    this.model.refit();
    const steady = this.model.standardise(warmup);
    let residual = 0;
    for (let i = 2; i < steady.length; i += 1) residual += ((steady[i] as number) - (steady[i - 2] as number)) ** 2;
    // The one-step change of the standardised warm-up bounds the steady residual from above.
    this.errorMean = Math.sqrt(residual / Math.max(1, steady.length - 2));
    this.belief = new RegimeBelief(Math.max(1e-6, this.errorMean ** 2 / 4));
    this.tube = new CommitmentTube(
      { ...COMMITMENT_TUBE_DEFAULTS, horizonTicks: this.horizon, stateDim: world.stateDim, obsDim: world.stateDim, ruleCount: 2 },
      rng.fork("tube"),
    );
    this.controller = new EpistemicController();
    this.calibration = new ConformalCalibration(this.horizon, BIND_WIDTH_K, CALIBRATION_ALPHA, CALIBRATION_WINDOW);
    this.port = new CognitivePort({ phase: "commit", errorSignal: 0, coherence: 1, utility: 1, uncertainty: 0, safetyPenalty: 0, calibrationGap: 0 });
    this.homeostasis = new ReceptorHomeostasis({ credit: "trace" }, { seed: options.seed, phases: AGENT_PHASES });
  }

  /** Run one commitment cycle. */
  step(): StepOutcome {
    const s = this.stepCount;
    const T = this.horizon;
    const regime = this.world.regimeAt(s);
    const tick = this.world.tick;
    const gains = modulatorGains(this.port.modulators ?? { NE: 0.5, "5HT": 0.5, DA: 0.5 });

    // 1-2. Forecast and tube.
    const obs = Float32Array.from(this.model.standardise(this.world.current()));
    const [pSteady, pTurbulent] = this.belief.probabilities;
    const rule = this.belief.mostLikely;
    const latent = Float32Array.of(pSteady, pTurbulent, Math.max(-2, Math.min(2, Math.log(this.errorMean) / 4)));
    const anchor = Float32Array.from(this.model.forecast(T));
    const tube = this.tube.predict(obs, latent, anchor);
    const scales = this.calibration.scales;
    const committedSigma = tube.sigma.map((sigma, i) => sigma * (scales[Math.floor(i / 2)] as number) * gains.widthGain);
    const claimed = informationBits(tube.mu, committedSigma, tube.mu, T, BIND_WIDTH_K).claimedBits;

    // 3. Propose (a commitment, or a scheduled calibration), and let the controller decide before anything happens.
    const scheduled = (s + 1) % CALIBRATE_EVERY_STEPS === 0;
    let action: StepRecord["action"] = scheduled ? "calibrate" : "commit";
    let refusalEvent: RefusalEvent | null = null;
    const proposal = this.controller.authorize(scheduled ? CALIBRATE_ACTION : COMMIT_ACTION, this.budget, s);
    if (!proposal.allowed) {
      refusalEvent = proposal.refusal;
      action = !scheduled && this.controller.authorize(CALIBRATE_ACTION, this.budget, s).allowed ? "calibrate" : "observe";
    }

    // 4. The world moves; settle.
    const raw = this.world.advance(T, regime);
    const outcome = Float32Array.from(this.model.standardise(raw));
    const deviations = new Float64Array(T);
    for (let t = 0; t < T; t += 1) {
      for (let d = 0; d < 2; d += 1) {
        const i = t * 2 + d;
        deviations[t] = Math.max(deviations[t] as number, Math.abs((outcome[i] as number) - (tube.mu[i] as number)) / (tube.sigma[i] as number));
      }
    }
    this.calibration.record(deviations);
    let realised: number | null = null;
    let held: boolean | null = null;
    if (action === "commit") {
      const bits = informationBits(tube.mu, committedSigma, outcome, T, BIND_WIDTH_K);
      realised = bits.realisedBits;
      held = bits.held;
      this.controller.settleExperiment({ action: COMMIT_ACTION, claimedBits: bits.claimedBits, realisedBits: bits.realisedBits });
      this.budget -= proposal.chargedCostWells;
      this.recent.push({ held: bits.held, claimed: bits.claimedBits, realised: bits.realisedBits, sigma: mean(committedSigma) });
      if (this.recent.length > RECENT_COMMITMENTS) this.recent.shift();
    } else if (action === "calibrate") {
      const result = this.calibration.calibrate();
      this.controller.settleCalibration({ action: CALIBRATE_ACTION, noiseImprovement: result.noiseImprovement });
      this.budget -= CALIBRATE_ACTION.costWells;
    }

    // 5. Learn.
    const residual: [number, number] = [(outcome[0] as number) - (anchor[0] as number), (outcome[1] as number) - (anchor[1] as number)];
    this.errorMean = (1 - ERROR_RATE) * this.errorMean + ERROR_RATE * Math.sqrt((residual[0] ** 2 + residual[1] ** 2) / 2);
    this.belief.update(residual);
    this.tube.remember({ obs, latent, anchor, outcome, rule });
    this.tube.train(this.rng.fork(`tube${s}`));
    this.model.observe(raw);
    if ((s + 1) % REFIT_EVERY_STEPS === 0) this.model.refit();
    const modelLoss = this.model.train(gains.learningSteps);
    this.growthDrive += gains.growthDrive;
    let grownRegions = 0;
    let growthCycle = false;
    if (this.growthDrive >= GROWTH_DRIVE_THRESHOLD) {
      this.growthDrive -= GROWTH_DRIVE_THRESHOLD;
      grownRegions = this.model.grow(this.rng.fork(`grow${s}`)).commits;
      growthCycle = true;
    }

    // 6. Homeostasis on the agent's levels; its modulators set the next step's gains.
    const nextPhase: AgentPhase = this.controller.debtBits > 2 ? "calibrate" : "commit";
    this.port.report({
      phase: nextPhase,
      errorSignal: 1 - Math.exp(-this.errorMean),
      coherence: this.recent.length === 0 ? 1 : this.recent.filter((r) => r.held).length / this.recent.length,
      utility: realisedShare(this.recent),
      uncertainty: 1 - Math.exp(-(this.recent.length === 0 ? 0 : mean(this.recent.map((r) => r.sigma)))),
      safetyPenalty: refusalEvent === null ? 0 : 1,
      calibrationGap: Math.min(1, Math.abs(this.calibration.missRate() - CALIBRATION_ALPHA)),
    });
    const homeostasis = this.homeostasis.tick(1 + 0.8 * this.belief.probabilities[1], this.port);

    const ticks: WorldTick[] = [];
    for (let t = 0; t < T; t += 1) {
      const band = (d: number): [number, number, number] => {
        const i = t * 2 + d;
        const half = BIND_WIDTH_K * (committedSigma[i] as number);
        const mu = tube.mu[i] as number;
        return [this.model.unstandardise(mu, d), this.model.unstandardise(mu - half, d), this.model.unstandardise(mu + half, d)];
      };
      const [muX, loX, hiX] = band(0);
      const [muV, loV, hiV] = band(1);
      ticks.push({ tick: tick + t + 1, step: s, regime, x: raw[t * 2] as number, v: raw[t * 2 + 1] as number, muX, loX, hiX, muV, loV, hiV, committed: action === "commit" });
    }
    this.stepCount += 1;
    const record: StepRecord = {
      step: s,
      tick,
      regime,
      belief: pTurbulent,
      action,
      refusal: refusalEvent?.reason ?? null,
      claimedBits: claimed,
      realisedBits: realised,
      held,
      debtBits: this.controller.debtBits,
      budgetWells: this.budget,
      lambda: this.tube.lambda,
      widthScale: mean(this.calibration.scales),
      gains,
      sigmaMean: mean(committedSigma),
      expectedHorizon: tube.expectedHorizon,
      modelLoss,
      forecastError: Math.sqrt((residual[0] ** 2 + residual[1] ** 2) / 2),
      grownRegions,
      growthCycle,
      branchCells: this.model.branchCells(),
      modulators: this.port.modulators ?? {},
      effCog: homeostasis.effCog,
      rangeUtil: homeostasis.rangeUtil,
    };
    return { record, ticks, refusalEvent };
  }

  /** Free every tensor the agent holds. */
  dispose(): void {
    this.homeostasis.dispose();
    this.tube.dispose();
    this.model.dispose();
  }
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i] as number;
  return sum / Math.max(1, values.length);
}

function realisedShare(recent: readonly { claimed: number; realised: number }[]): number {
  const claimed = recent.reduce((sum, r) => sum + r.claimed, 0);
  if (claimed <= 0) return 1;
  return Math.min(1, recent.reduce((sum, r) => sum + r.realised, 0) / claimed);
}
