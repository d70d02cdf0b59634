/**
 * `ReceptorHomeostasis` (DESIGN.md C-27): the learned maps fρ, fσ, fr on the receptor simulator,
 * trained per tick on the signalling-efficiency objective (seed `004_b9e7278aec0f8932.txt` L123–135;
 * SEED-INVENTORY.md §8.6). One {@link ReceptorHomeostasis.tick}:
 *
 * 1. Forward: ctx (last tick's NT levels, B̄, S̄, the μ snapshot, the error signal, the CFG node, the
 *    time of day) → r̂, ρ̂, ŝ; simulate binding → S̄, B̄, SatNT, μ (safety-clamped).
 * 2. Run the cognitive source's step with the μ snapshot; log C, U, H, safety, CalGap with the CFG node.
 * 3. Eff_local_total and Eff_cog; Form A loss
 *    `L = −(α·Eff_local_total + β·Eff_cog) + λ1·Smooth + λ2·DriftPenalty + λ3·HomeostasisDeviation` (+ Form B).
 * 4. Backprop L into fρ, fσ, fr (and the modulate parameters if learnable); one Adam step.
 * 5. Update the eligibility trace (the Eff_cog term's gradient is `−β·(Eff_cog − baseline)·z_t`) or the
 *    critic (the Eff_cog term is `−β·critic(μ(θ), S̄(θ), node)` inside the loss; the critic trains on
 *    its prediction error).
 *
 * Windowed metrics (RangeUtil, NoiseLeak) are reported exactly; in the loss their gradient with
 * respect to this tick's sample is scaled by the window length, since a sample stays that many ticks
 * in the window (ADR 0503). Everything is batched over areas × receptors; one host read per tick.
 */
import { AdamWithMoments, createRng, randomNormal, tf } from "@tam/tensor-backend";
import type { NamedTensorMap, Rank, Rng, Scalar, Tensor, Tensor2D, Tensor3D, Variable } from "@tam/tensor-backend";

import { annealedBeta } from "./beta-schedule.js";
import { cognitiveDeltas, effCog } from "./cognitive-efficiency.js";
import type { CognitiveDeltas, CognitiveReading, CognitiveSource } from "./cognitive-efficiency.js";
import { CognitiveCritic } from "./cognitive-critic.js";
import { DRIFT_AVERAGE_DECAY, MAP_RANGES, MODULATOR_HALF_SATURATION, PHYSIOLOGICAL_PRIOR_FRACTION, RANGE_UTIL_EDGE_WIDTH } from "./constants.js";
import { buildContext, contextFromValues, contextWidths } from "./context-features.js";
import type { ContextState, HomeostasisContext } from "./context-features.js";
import { EligibilityTrace } from "./eligibility-trace.js";
import { scaleGradient, straightThroughBand } from "./gradient-helpers.js";
import { parseHomeostasisConfig } from "./homeostasis-config.js";
import type { HomeostasisConfig, HomeostasisConfigInput } from "./homeostasis-config.js";
import { HomeostaticMaps } from "./homeostatic-maps.js";
import { effLocal, energyCost } from "./local-metrics.js";
import type { LocalTerms } from "./local-metrics.js";
import { createModulateParams } from "./modulate-function.js";
import { noiseLeak } from "./noise-leak.js";
import { defaultReceptorLayout, disposeLayoutTensors, layoutSizes, layoutTensors } from "./receptor-layout.js";
import type { LayoutSizes, LayoutTensors, ReceptorLayout } from "./receptor-layout.js";
import { simulateTick } from "./receptor-simulator.js";
import { driftPenalty, homeostasisDeviation, parameterPenalty, slowAverage, smoothness } from "./stabilisers.js";

/** Options besides the config. */
export interface ReceptorHomeostasisOptions {
  /** Seed of the maps' initialisation, the postsynaptic noise and the exploration. */
  readonly seed: number;
  /** CFG nodes the maps condition on (the cognitive source's `phases`). */
  readonly phases: readonly string[];
  /** Topology (default {@link defaultReceptorLayout}). */
  readonly layout?: ReceptorLayout;
}

/** Everything one tick reports, as host numbers (area × receptor means unless noted). */
export interface TickRecord {
  readonly tick: number;
  readonly cfgNode: string;
  readonly load: number;
  readonly beta: number;
  /** μ after the clamp, by NT in layout order. */
  readonly modulators: readonly number[];
  /** μ before the clamp. */
  readonly modulatorsRaw: readonly number[];
  /** Whether the clamp changed any μ this tick. */
  readonly clampActive: boolean;
  readonly activity: number;
  readonly bindingFraction: number;
  /** SatNT, mean over areas × NTs. */
  readonly saturation: number;
  readonly rangeUtil: number;
  /** Fraction of (area, receptor) pairs with S̄ in the band this tick. */
  readonly inBand: number;
  readonly noiseLeak: number;
  readonly energy: number;
  /** Mean |allosteric factor − 1| (the allosteric context contribution, seed L87). */
  readonly allostericContribution: number;
  readonly effLocalTotal: number;
  readonly effCog: number;
  readonly deltas: CognitiveDeltas;
  readonly reading: CognitiveReading;
  /** Loss L of this tick (Form A with the realised Eff_cog). */
  readonly loss: number;
  readonly smooth: number;
  readonly drift: number;
  readonly homeostasisDeviation: number;
  /** Map outputs as fractions of their ranges (means). */
  readonly densityFraction: number;
  readonly sensitivityFraction: number;
  readonly releaseFraction: number;
  /** Critic loss this tick (NaN unless credit = "critic"). */
  readonly criticLoss: number;
}

/** What {@link ReceptorHomeostasis.predict} returns for a context. */
export interface ModulatorLevels {
  /** ρ̂ `[A][R]`. */
  readonly density: number[][];
  /** ŝ `[A][R]`. */
  readonly sensitivity: number[][];
  /** r̂ `[E][N]` (entries an emitter does not release are reported but unused). */
  readonly release: number[][];
  /** μ by NT (clamped), after one noise-free simulated tick at the given load from an empty synapse. */
  readonly modulators: number[];
  /** S̄ `[A][R]` of that tick: the receptor gains an agent can apply. */
  readonly activity: number[][];
}

interface LoopState {
  ctx: ContextState;
  carry: Tensor2D;
  pastActivity: Tensor3D;
  pastModelled: Tensor3D;
  pastInBand: Tensor3D;
  previousFractions: [Tensor2D, Tensor2D, Tensor2D];
  slowFractions: [Tensor2D, Tensor2D, Tensor2D];
  modulators: number[];
  previousReading: CognitiveReading | undefined;
  tick: number;
}

const COUNTER = { value: 0 };

/**
 * Receptor homeostasis: maps + simulator + objective + credit assignment.
 *
 * @example
 * ```ts
 * await initBackend();
 * const source = new ReferenceCognitiveSource({ seed: 1 });
 * const homeostasis = new ReceptorHomeostasis({ credit: "trace" }, { seed: 1, phases: source.phases });
 * for (let t = 0; t < 100; t += 1) homeostasis.tick(1.0, source);
 * const levels = homeostasis.predict({ ...homeostasis.currentContext(), phaseIndex: 0 });
 * homeostasis.dispose();
 * ```
 */
export class ReceptorHomeostasis {
  readonly config: HomeostasisConfig;
  readonly layout: ReceptorLayout;
  readonly sizes: LayoutSizes;
  readonly phases: readonly string[];
  readonly maps: HomeostaticMaps;
  private readonly seed: number;
  private readonly layoutT: LayoutTensors;
  private readonly modulate: { slope: Variable; phase: Variable };
  private readonly noiseRng: Rng;
  private readonly exploreRng: Rng;
  private adam: AdamWithMoments | undefined;
  private readonly trace: EligibilityTrace;
  private readonly critic: CognitiveCritic | undefined;
  private readonly baselines: Map<string, number> = new Map();
  private anchor: NamedTensorMap = {};
  private previousParams: NamedTensorMap = {};
  private state: LoopState;
  private betaOrigin = 0;
  private disposed = false;

  constructor(config: HomeostasisConfigInput, options: ReceptorHomeostasisOptions) {
    this.config = parseHomeostasisConfig(config);
    if (!Number.isInteger(options.seed)) throw new Error(`Error in ReceptorHomeostasis: seed must be an integer, got ${options.seed}.`);
    if (options.phases.length === 0) throw new Error("Error in ReceptorHomeostasis: phases is empty; give the cognitive source's CFG nodes.");
    this.seed = options.seed;
    this.layout = options.layout ?? defaultReceptorLayout();
    this.layoutT = layoutTensors(this.layout);
    this.sizes = layoutSizes(this.layout);
    this.phases = [...options.phases];
    const { areas, receptors, neurotransmitters, emitters } = this.sizes;
    const widths = contextWidths(areas, receptors, neurotransmitters, this.phases.length);
    const rng = createRng(options.seed);
    this.noiseRng = rng.fork("postsynaptic-noise");
    this.exploreRng = rng.fork("exploration");
    this.maps = new HomeostaticMaps(
      { perAreaFeatures: widths.perArea, globalFeatures: widths.global, receptors, emitters, neurotransmitters, hiddenUnits: this.config.hiddenUnits },
      rng.fork("maps").nextUint32(),
    );
    this.modulate = createModulateParams(this.config.learnModulate);
    this.trace = new EligibilityTrace(this.config.trace);
    this.critic =
      this.config.credit === "critic"
        ? new CognitiveCritic({
            inputSize: neurotransmitters + receptors + this.phases.length + 4,
            hiddenUnits: this.config.critic.hiddenUnits,
            horizon: this.config.critic.horizon,
            learningRate: this.config.critic.learningRate,
            replaySize: this.config.critic.replaySize,
            batchSize: this.config.critic.batchSize,
            seed: rng.fork("critic").nextUint32(),
          })
        : undefined;
    this.state = this.initialState();
    this.resetOptimizer();
    COUNTER.value += 1;
  }

  /** The variables the optimizer trains (maps, plus the modulate parameters when learnable). */
  trainableVariables(): Record<string, Variable> {
    const vars: Record<string, Variable> = this.maps.variables();
    if (this.config.learnModulate) {
      vars["modulate/slope"] = this.modulate.slope;
      vars["modulate/phase"] = this.modulate.phase;
    }
    return vars;
  }

  /** The modulate function's current slope and phase. */
  modulateParameters(): { slope: number; phase: number } {
    return { slope: this.modulate.slope.dataSync()[0] as number, phase: this.modulate.phase.dataSync()[0] as number };
  }

  /**
   * Set the modulate function's slope and phase (restore a checkpoint, or probe the objective around
   * the current values). The optimizer's moments are kept.
   */
  setModulateParameters(params: { readonly slope: number; readonly phase: number }): void {
    this.assertLive("setModulateParameters");
    for (const [field, value] of Object.entries(params)) {
      if (!Number.isFinite(value)) throw new Error(`Error in ReceptorHomeostasis.setModulateParameters: ${field} must be finite, got ${value}.`);
    }
    tf.tidy(() => {
      this.modulate.slope.assign(tf.scalar(params.slope));
      this.modulate.phase.assign(tf.scalar(params.phase));
    });
  }

  /** Ticks run so far. */
  get tickCount(): number {
    return this.state.tick;
  }

  /** β at the current tick: 0 without a cognitive credit; else annealed from the tick this instance started (construction or clone). */
  get beta(): number {
    return this.config.credit === "none" ? 0 : annealedBeta(this.state.tick - this.betaOrigin, this.config.beta);
  }

  /**
   * Run one tick of the training loop (seed L123–135) at the given input load, with `source` as the
   * cognitive (DMN) step. With `train: false` the maps are only evaluated (fixed maps).
   */
  tick(load: number, source: CognitiveSource): TickRecord {
    this.assertLive("tick");
    if (!(Number.isFinite(load) && load >= 0)) throw new Error(`Error in ReceptorHomeostasis.tick: load must be finite and >= 0, got ${load}.`);
    const { areas, receptors, neurotransmitters, emitters } = this.sizes;
    const cfg = this.config;
    const t = this.state.tick;
    const phase = source.phase(t);
    const phaseIndex = this.phases.indexOf(phase.cfgNode);
    if (phaseIndex < 0) throw new Error(`Error in ReceptorHomeostasis.tick: the source's CFG node "${phase.cfgNode}" is not one of phases [${this.phases.join(", ")}].`);
    const timeOfDay = (t % cfg.dayTicks) / cfg.dayTicks;
    const beta = this.beta;
    const training = cfg.train;
    const explorationStd = this.explorationStd();
    const exploring = training && explorationStd > 0;
    const alpha = cfg.alpha ?? 1 / (areas * receptors);
    const windowSize = this.state.pastActivity.shape[0] + 1;
    const previousLevels = this.state.previousReading;

    const noise = randomNormal(this.noiseRng, [areas, receptors]) as Tensor2D;
    const exploration = exploring ? (randomNormal(this.exploreRng, [emitters, neurotransmitters], { std: explorationStd }) as Tensor2D) : undefined;
    const ctx = tf.tidy(() => buildContext(this.state.ctx, this.state.modulators, phase.errorSignal, phaseIndex, this.phases.length, timeOfDay));
    const loadTensor = tf.fill<Rank.R2>([areas, 1], load);
    const phaseOneHot = new Float32Array(this.phases.length);
    phaseOneHot[phaseIndex] = 1;
    const previous = previousLevels ?? { coherence: 0, utility: 0, uncertainty: 0, calibrationGap: 0 };
    const criticStatic = [...phaseOneHot, previous.coherence, previous.utility, previous.uncertainty, previous.calibrationGap];

    const kept: Record<string, Tensor> = {};
    const keep = <T extends Tensor>(name: string, x: T): T => {
      kept[name] = tf.keep(x);
      return x;
    };
    const lossFn = (): Scalar => {
      const out = this.maps.forward(ctx.perArea, ctx.global, exploration);
      const sim = simulateTick(this.layoutT, {
        density: out.density,
        sensitivity: out.sensitivity,
        release: out.release,
        load: loadTensor,
        carry: this.state.carry,
        noise,
        timeOfDay,
        modulate: this.modulate,
        muClamp: cfg.muClamp,
      });
      // No reduction ever runs over an empty window (the wasm backend leaves such outputs uninitialised).
      const first = windowSize === 1;
      const withCurrent = (past: Tensor3D, current: Tensor): Tensor => (first ? tf.expandDims(current, 0) : tf.concat([past, tf.expandDims(current, 0)], 0));
      const activityWindow = withCurrent(this.state.pastActivity, sim.activity);
      const modelledWindow = withCurrent(this.state.pastModelled, sim.modelledActivity);
      const inBand = straightThroughBand(sim.activity, cfg.band.low, cfg.band.high, RANGE_UTIL_EDGE_WIDTH);
      const rangeUtil = first ? inBand : tf.div(tf.add(tf.sum(this.state.pastInBand, 0), inBand), windowSize);
      const leak = noiseLeak(activityWindow, modelledWindow);
      const densityOfMax = tf.div(out.density, MAP_RANGES.density.max);
      const terms: LocalTerms = {
        activity: sim.activity,
        rangeUtil: scaleGradient(rangeUtil, windowSize),
        saturation: sim.saturationByReceptor,
        noiseLeak: scaleGradient(leak, windowSize),
        energy: energyCost(densityOfMax, sim.releaseFraction),
      };
      const local = effLocal(terms, cfg.localWeights);
      const localTotal = tf.sum(local);
      const fractions: [Tensor2D, Tensor2D, Tensor2D] = [out.densityFraction, out.sensitivityFraction, out.releaseFraction];
      const slow = fractions.map((f, i) => slowAverage(f, this.state.slowFractions[i] as Tensor2D, DRIFT_AVERAGE_DECAY) as Tensor2D);
      const smooth = smoothness(fractions, this.state.previousFractions);
      const drift = driftPenalty(slow, PHYSIOLOGICAL_PRIOR_FRACTION);
      const deviation = homeostasisDeviation(sim.activity, sim.modulators);
      const parts: Tensor[] = [
        tf.mul(-alpha, localTotal),
        tf.mul(cfg.lambdas.smooth, smooth),
        tf.mul(cfg.lambdas.drift, drift),
        tf.mul(cfg.lambdas.homeostasis, deviation),
      ];
      if (training && (cfg.formB.anchor > 0 || cfg.formB.temporal > 0)) {
        parts.push(parameterPenalty(this.trainableVariables(), this.anchor, this.previousParams, cfg.formB));
      }
      const criticFeatures = tf.concat([sim.modulators, tf.mean(sim.activity, 0), tf.tensor1d(criticStatic)]);
      if (this.critic !== undefined && beta > 0) parts.push(tf.mul(-beta, tf.sum(this.critic.predict(tf.reshape<Rank.R2>(criticFeatures, [1, -1])))));
      keep("activity", sim.activity);
      keep("modelled", sim.modelledActivity);
      keep("inBand", inBand);
      keep("available", sim.available);
      keep("binding", sim.bindingFraction);
      keep("carry", sim.nextCarry);
      keep("criticFeatures", criticFeatures);
      fractions.forEach((f, i) => keep(`fraction${i}`, f));
      slow.forEach((x, i) => keep(`slow${i}`, x));
      for (const [name, x] of Object.entries({
        modulators: sim.modulators,
        modulatorsRaw: sim.modulatorsRaw,
        saturation: sim.saturation,
        rangeUtil,
        leak,
        energy: terms.energy,
        allosteric: sim.allosteric,
        localTotal,
        smooth,
        drift,
        deviation,
      })) {
        keep(name, x);
      }
      return tf.addN(parts) as Scalar;
    };

    let grads: NamedTensorMap | undefined;
    if (training) {
      const vars = this.trainableVariables();
      const result = tf.variableGrads(lossFn, Object.values(vars));
      grads = {};
      for (const [name, v] of Object.entries(vars)) {
        const g = result.grads[v.name];
        if (g !== undefined) grads[name] = g;
      }
      result.value.dispose();
    } else {
      tf.tidy(lossFn).dispose();
    }

    const levels = tf.tidy(() => tf.div<Tensor2D>(kept["available"] as Tensor, tf.add(kept["available"] as Tensor, MODULATOR_HALF_SATURATION)));
    // Logging reads happen off the gradient tape: one host read per tick.
    const host = tf.tidy(() => {
      const k = (name: string): Tensor => kept[name] as Tensor;
      return tf
        .concat([
          k("modulators"),
          k("modulatorsRaw"),
          tf.stack([
            tf.mean(k("activity")),
            tf.mean(k("binding")),
            tf.mean(k("saturation")),
            tf.mean(k("rangeUtil")),
            tf.mean(tf.round(k("inBand"))),
            tf.mean(k("leak")),
            tf.mean(k("energy")),
            tf.mean(tf.abs(tf.sub(k("allosteric"), 1))),
            k("localTotal"),
            k("smooth"),
            k("drift"),
            k("deviation"),
            tf.mean(k("fraction0")),
            tf.mean(k("fraction1")),
            tf.div(tf.sum(tf.mul(k("fraction2"), this.layoutT.emitterNt)), tf.sum(this.layoutT.emitterNt)),
          ]),
        ])
        .dataSync();
    });
    const n = neurotransmitters;
    const modulators = Array.from(host.subarray(0, n));
    const modulatorsRaw = Array.from(host.subarray(n, 2 * n));
    const s = (i: number): number => host[2 * n + i] as number;

    // Step 2: the cognitive (DMN) step under the μ snapshot, logged with its CFG node.
    const reading = source.step({ tick: t, names: this.layout.neurotransmitters, levels: modulators });
    if (reading.cfgNode !== phase.cfgNode) {
      throw new Error(`Error in ReceptorHomeostasis.tick: the source's reading.cfgNode "${reading.cfgNode}" differs from its phase(${t}).cfgNode "${phase.cfgNode}".`);
    }
    const deltas = cognitiveDeltas(previousLevels ?? reading, reading);
    const cog = effCog(deltas, cfg.cognitiveWeights);

    // Step 5: credit assignment for the cognitive term.
    let criticLoss = Number.NaN;
    if (training && grads !== undefined && cfg.credit === "trace" && exploration !== undefined) {
      this.trace.push(this.scoreGradient(ctx.global, exploration));
      const baseline = this.baselines.get(phase.cfgNode) ?? cog;
      const advantage = cog - baseline;
      this.baselines.set(phase.cfgNode, cfg.baselineDecay * baseline + (1 - cfg.baselineDecay) * cog);
      const z = this.trace.value();
      for (const [name, zi] of Object.entries(z)) {
        const g = grads[name];
        if (g !== undefined) {
          grads[name] = tf.tidy(() => tf.sub(g, tf.mul(zi, beta * advantage)));
          g.dispose();
        }
        zi.dispose();
      }
    }
    if (this.critic !== undefined && training) {
      this.critic.record((kept["criticFeatures"] as Tensor).dataSync() as Float32Array, cog);
      criticLoss = this.critic.train();
    }
    if (training && grads !== undefined) {
      if (cfg.formB.temporal > 0) this.snapshotPrevious();
      this.adam?.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }

    // Advance the loop state.
    const w = cfg.windowTicks - 1;
    const slide = (past: Tensor3D, current: Tensor): Tensor3D =>
      tf.tidy(() => {
        const joined = past.shape[0] === 0 ? tf.expandDims(current, 0) : tf.concat([past, tf.expandDims(current, 0)], 0);
        const size = joined.shape[0];
        return (size > w ? tf.slice(joined, [size - w, 0, 0], [w, -1, -1]) : joined) as Tensor3D;
      });
    const old = this.state;
    this.state = {
      ctx: { ntLevels: levels, binding: kept["binding"] as Tensor2D, activity: kept["activity"] as Tensor2D },
      carry: kept["carry"] as Tensor2D,
      pastActivity: slide(old.pastActivity, kept["activity"] as Tensor),
      pastModelled: slide(old.pastModelled, kept["modelled"] as Tensor),
      pastInBand: slide(old.pastInBand, kept["inBand"] as Tensor),
      previousFractions: [kept["fraction0"] as Tensor2D, kept["fraction1"] as Tensor2D, kept["fraction2"] as Tensor2D],
      slowFractions: [kept["slow0"] as Tensor2D, kept["slow1"] as Tensor2D, kept["slow2"] as Tensor2D],
      modulators,
      previousReading: reading,
      tick: t + 1,
    };
    this.disposeState(old);
    const stateNames = new Set([ "binding", "activity", "carry", "fraction0", "fraction1", "fraction2", "slow0", "slow1", "slow2"]);
    tf.dispose(Object.entries(kept).flatMap(([name, x]) => (stateNames.has(name) ? [] : [x])));
    tf.dispose([noise, ctx.perArea, ctx.global, loadTensor]);
    if (exploration !== undefined) exploration.dispose();

    const localTotal = s(8);
    return {
      tick: t,
      cfgNode: reading.cfgNode,
      load,
      beta,
      modulators,
      modulatorsRaw,
      clampActive: modulators.some((m, i) => Math.abs(m - (modulatorsRaw[i] ?? m)) > 1e-7),
      activity: s(0),
      bindingFraction: s(1),
      saturation: s(2),
      rangeUtil: s(3),
      inBand: s(4),
      noiseLeak: s(5),
      energy: s(6),
      allostericContribution: s(7),
      effLocalTotal: localTotal,
      effCog: cog,
      deltas,
      reading,
      loss: -(alpha * localTotal + beta * cog) + cfg.lambdas.smooth * s(9) + cfg.lambdas.drift * s(10) + cfg.lambdas.homeostasis * s(11),
      smooth: s(9),
      drift: s(10),
      homeostasisDeviation: s(11),
      densityFraction: s(12),
      sensitivityFraction: s(13),
      releaseFraction: s(14),
      criticLoss,
    };
  }

  /** The context of the next tick as plain numbers (phase index 0; set it to the phase you need). */
  currentContext(): HomeostasisContext {
    this.assertLive("currentContext");
    const rows = (x: Tensor2D): number[][] => {
      const data = x.dataSync();
      const [r, c] = x.shape;
      return Array.from({ length: r }, (_, i) => Array.from(data.subarray(i * c, (i + 1) * c)));
    };
    return {
      ntLevels: rows(this.state.ctx.ntLevels),
      binding: rows(this.state.ctx.binding),
      activity: rows(this.state.ctx.activity),
      modulators: [...this.state.modulators],
      errorSignal: 0,
      phaseIndex: 0,
      timeOfDay: (this.state.tick % this.config.dayTicks) / this.config.dayTicks,
    };
  }

  /**
   * Given context features, the maps' outputs and the modulator levels and receptor gains they produce
   * (one noise-free simulated tick from an empty synapse at `load`). Nothing learns; no state changes.
   *
   * @example
   * ```ts
   * const levels = homeostasis.predict({ ...homeostasis.currentContext(), phaseIndex: 1 });
   * levels.modulators; // [μ_NE, μ_5HT, μ_DA]
   * ```
   */
  predict(context: HomeostasisContext, load = 1): ModulatorLevels {
    this.assertLive("predict");
    if (!(Number.isFinite(load) && load >= 0)) throw new Error(`Error in ReceptorHomeostasis.predict: load must be finite and >= 0, got ${load}.`);
    const { areas, receptors, neurotransmitters } = this.sizes;
    if (context.ntLevels.length !== areas) throw new Error(`Error in ReceptorHomeostasis.predict: ntLevels must have ${areas} rows, got ${context.ntLevels.length}.`);
    const ctx = contextFromValues(context, this.phases.length);
    const result = tf.tidy(() => {
      const out = this.maps.forward(ctx.perArea, ctx.global);
      const sim = simulateTick(this.layoutT, {
        density: out.density,
        sensitivity: out.sensitivity,
        release: out.release,
        load: tf.fill<Rank.R2>([areas, 1], load),
        carry: tf.zeros<Rank.R2>([areas, neurotransmitters]),
        noise: tf.zeros<Rank.R2>([areas, receptors]),
        timeOfDay: context.timeOfDay,
        modulate: this.modulate,
        muClamp: this.config.muClamp,
      });
      return [out.density, out.sensitivity, out.release, sim.modulators, sim.activity].map((x) => ({ data: Array.from(x.dataSync()), shape: x.shape }));
    });
    tf.dispose([ctx.perArea, ctx.global]);
    const grid = (x: { data: number[]; shape: number[] } | undefined): number[][] => {
      const [r = 0, c = 0] = x?.shape ?? [];
      return Array.from({ length: r }, (_, i) => (x?.data ?? []).slice(i * c, (i + 1) * c));
    };
    return {
      density: grid(result[0]),
      sensitivity: grid(result[1]),
      release: grid(result[2]),
      modulators: result[3]?.data ?? [],
      activity: grid(result[4]),
    };
  }

  /**
   * A copy with the same maps, modulate parameters and loop state (windows, carry, μ, last reading),
   * and a fresh optimizer, under a changed config and seed: variants that branch from a shared warm-up.
   */
  clone(config: HomeostasisConfigInput, seed: number = this.seed): ReceptorHomeostasis {
    this.assertLive("clone");
    const copy = new ReceptorHomeostasis({ ...this.config, ...config }, { seed, phases: this.phases, layout: this.layout });
    const mine: Record<string, Variable> = { ...this.maps.variables(), slope: this.modulate.slope, phase: this.modulate.phase };
    const theirs: Record<string, Variable> = { ...copy.maps.variables(), slope: copy.modulate.slope, phase: copy.modulate.phase };
    for (const [name, v] of Object.entries(mine)) (theirs[name] as Variable).assign(v);
    copy.disposeState(copy.state);
    const s = this.state;
    const c = <T extends Tensor>(x: T): T => tf.keep(x.clone());
    copy.state = {
      ctx: { ntLevels: c(s.ctx.ntLevels), binding: c(s.ctx.binding), activity: c(s.ctx.activity) },
      carry: c(s.carry),
      pastActivity: c(s.pastActivity),
      pastModelled: c(s.pastModelled),
      pastInBand: c(s.pastInBand),
      previousFractions: [c(s.previousFractions[0]), c(s.previousFractions[1]), c(s.previousFractions[2])],
      slowFractions: [c(s.slowFractions[0]), c(s.slowFractions[1]), c(s.slowFractions[2])],
      modulators: [...s.modulators],
      previousReading: s.previousReading,
      tick: s.tick,
    };
    copy.betaOrigin = s.tick;
    copy.resetOptimizer();
    return copy;
  }

  /** Free every tensor this instance holds. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeState(this.state);
    this.adam?.dispose();
    this.trace.dispose();
    this.critic?.dispose();
    this.maps.dispose();
    tf.dispose([this.modulate.slope, this.modulate.phase]);
    tf.dispose(Object.values(this.anchor));
    tf.dispose(Object.values(this.previousParams));
    disposeLayoutTensors(this.layoutT);
  }

  private resetOptimizer(): void {
    this.adam?.dispose();
    this.adam = this.config.train ? new AdamWithMoments(this.trainableVariables(), { learningRate: this.config.learningRate }) : undefined;
    tf.dispose(Object.values(this.anchor));
    tf.dispose(Object.values(this.previousParams));
    this.anchor = {};
    this.previousParams = {};
    if (this.config.formB.anchor > 0 || this.config.formB.temporal > 0) {
      for (const [name, v] of Object.entries(this.trainableVariables())) {
        this.anchor[name] = tf.keep(v.clone());
        this.previousParams[name] = tf.keep(v.clone());
      }
    }
  }

  private snapshotPrevious(): void {
    for (const [name, v] of Object.entries(this.trainableVariables())) {
      this.previousParams[name]?.dispose();
      this.previousParams[name] = tf.keep(v.clone());
    }
  }

  /** ∇θ Σ ξ/σ²·logits(θ) over the release map: the score of the Gaussian release policy. */
  private scoreGradient(global: Tensor2D, exploration: Tensor2D): NamedTensorMap {
    const vars = this.maps.variables();
    const names = ["release/w1", "release/b1", "release/w2", "release/b2"];
    const sigma2 = this.explorationStd() ** 2;
    const { value, grads } = tf.variableGrads(
      () => tf.sum<Scalar>(tf.mul(tf.div(tf.mul(exploration, this.layoutT.emitterNt), sigma2), this.maps.releaseLogits(global))),
      names.map((n) => vars[n] as Variable),
    );
    value.dispose();
    const out: NamedTensorMap = {};
    for (const n of names) {
      const g = grads[(vars[n] as Variable).name];
      if (g !== undefined) out[n] = g;
    }
    return out;
  }

  /** Exploration on the release logits: the trace's policy noise, the critic's optional noise, none otherwise. */
  private explorationStd(): number {
    if (this.config.credit === "trace") return this.config.explorationStd;
    return this.config.credit === "critic" ? this.config.critic.explorationStd : 0;
  }

  private initialState(): LoopState {
    const { areas, receptors, neurotransmitters, emitters } = this.sizes;
    const prior = PHYSIOLOGICAL_PRIOR_FRACTION;
    // Every tensor is created directly and owned by the state (no intermediates to tidy).
    return {
      ctx: {
        ntLevels: tf.zeros([areas, neurotransmitters]),
        binding: tf.zeros([areas, receptors]),
        activity: tf.zeros([areas, receptors]),
      },
      carry: tf.zeros([areas, neurotransmitters]),
      pastActivity: tf.zeros([0, areas, receptors]),
      pastModelled: tf.zeros([0, areas, receptors]),
      pastInBand: tf.zeros([0, areas, receptors]),
      previousFractions: [tf.fill([areas, receptors], prior), tf.fill([areas, receptors], prior), tf.fill([emitters, neurotransmitters], prior)],
      slowFractions: [tf.fill([areas, receptors], prior), tf.fill([areas, receptors], prior), tf.fill([emitters, neurotransmitters], prior)],
      modulators: new Array<number>(neurotransmitters).fill(0.5),
      previousReading: undefined,
      tick: 0,
    };
  }

  private disposeState(s: LoopState): void {
    tf.dispose([
      s.ctx.ntLevels,
      s.ctx.binding,
      s.ctx.activity,
      s.carry,
      s.pastActivity,
      s.pastModelled,
      s.pastInBand,
      ...s.previousFractions,
      ...s.slowFractions,
    ]);
  }

  private assertLive(op: string): void {
    if (this.disposed) throw new Error(`Error in ReceptorHomeostasis.${op}: this instance was disposed.`);
  }
}

