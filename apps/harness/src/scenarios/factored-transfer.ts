/**
 * Scenario `factored-transfer`: seed 001's experiment. One factored actor per equivalent world
 * (standard, mirrored, rotated, shifted-rules; replicas of one `FactoredActor`, trained by advantage
 * actor-critic with the factored tube and a commitment price λ), plus ablation replicas in the standard
 * world (policy without z_real, tube without z_real) and an unfactored baseline, in worlds with a weak
 * current (ADR 0607). Linear probes report which part of z carries the rule and the current, and cone
 * slopes along z_intent / z_real report smoothness and locality (ADR 0607). For each pair standard → B an
 * intent functor starts at the closed-form teacher regression on paired episodes and is refined by
 * evolution strategies on cone-signature matching anchored to the teacher (ADR 0608), then evaluated in
 * B on matched episodes: native, transported, random intent, oracle transform, intent-shuffled,
 * real-shuffled.
 * Checks: transported beats random on return and on cone signatures for mirrored and rotated
 * (paired sign-flip test, p < 0.05 on every seed); how close transported comes to native (goal: within
 * 10% of the native–random gap); intent-random degrades cone stats (bind below native, p < 0.05);
 * real-shuffled hurts control more than calibration; the factored actor performs at least as well as
 * the unfactored baseline on the standard world (same training budget and schedule, ADR 0610); the
 * oracle positive control reproduces A; the functor loss does not explode, and ES lowers its objective
 * (the Gaussian-smoothed loss it descends, on the training pairs; the end functor on held-out episodes;
 * ADRs 0609, 0613). The functor's output keeps the teacher's scale through a learnable affine, and the
 * cone-matching term is scaled by what B's native intents reach (ADR 0612).
 *
 * Source: `001_4e7658869d462183.txt` §F–§K; SEED-INVENTORY.md §9.2 H001-A..E; issue 9 item 9;
 * ADRs 0601–0613.
 */
import {
  EquivalentWorld,
  FactoredActor,
  IntentFunctorTrainer,
  LinearIntentFunctor,
  MlpIntentFunctor,
  CONE_SCALES,
  INTENT_NORMS,
  TRANSFER_CONDITIONS,
  actorConfigFor,
  buildPairedDataset,
  coneSensitivity,
  evaluateTransfer,
  latentProbes,
  pairedPermutationTest,
  runWithLatents,
  trainFactoredActor,
  type ConditionOutcome,
  type TransferEvaluation,
  type WorldKind,
} from "@tam/factored-actor";
import { createRng, type Rng } from "@tam/tensor-backend";
import { nominalCoverage } from "@tam/tube";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** The pairs whose transfer the seed's checks are about (001 L254: "at least mirrored or rotated"; issue 9: both). */
const CHECKED_TARGETS = ["mirrored", "rotated"] as const;
/** Non-inferiority margin of "at least as well as unfactored", in return units (ADR 0606). */
const NON_INFERIORITY_MARGIN = 0.02;
/** Oracle positive control: |oracle − source native| return, per seed (ADR 0606). */
const ORACLE_TOLERANCE = 1e-3;
/** "Does not explode": no logged functor loss above this multiple of its start (ADR 0609). */
const EXPLOSION_FACTOR = 1.5;

const configSchema = z
  .object({
    /** Actor-critic updates of every actor. */
    steps: z.number().int().min(10).default(600),
    /** Episodes per world per update. */
    batchEpisodes: z.number().int().min(8).default(128),
    learningRate: z.number().positive().max(0.1).default(5e-3),
    intentDim: z.number().int().min(2).max(4).default(3),
    realDim: z.number().int().min(1).max(8).default(3),
    intentNorm: z.enum(INTENT_NORMS).default("running"),
    /**
     * Half-width of the worlds' current box (ADR 0607: at the package default 0.15 the current, which the
     * latent does not learn to carry, dominates the cone and makes cones of different worlds incomparable).
     */
    currentHalfWidth: z.number().min(0).max(0.3).default(0.05),
    /** Fraction of the steps run in the refine phase (σ and stop pinned). */
    refineFraction: z.number().min(0).max(0.9).default(0.2),
    freezeSigmaDuringRefine: z.boolean().default(true),
    /** Also train and evaluate the shifted-rules world. */
    includeShiftedRules: z.boolean().default(true),
    /** Train the ablation replicas (policy without z_real, tube without z_real) in the standard world. */
    ablations: z.boolean().default(true),
    functorKind: z.enum(["linear", "mlp"]).default("linear"),
    /**
     * Start of the functor (ADR 0608): `leastSquares` = the teacher regression in closed form (linear
     * functor only), `identity` = the seed's identity start (ES teacher bootstrap optional).
     */
    functorInit: z.enum(["leastSquares", "identity"]).default("leastSquares"),
    /** ES generations of the teacher bootstrap (0 = off). */
    teacherGenerations: z.number().int().min(0).default(0),
    /** Weight of the teacher anchor in the cone-matching loss (0 = pure cone matching; ADR 0608). */
    teacherWeight: z.number().min(0).default(10),
    /**
     * Scale of the cone-matching term (ADR 0612): `native` divides it by the distance B's own intents
     * reach, so the anchor weighs the same on every pair and seed; `none` = the seed's plain term.
     */
    coneScale: z.enum(CONE_SCALES).default("native"),
    functorGenerations: z.number().int().min(1).default(100),
    esPairs: z.number().int().min(1).default(8),
    /**
     * ES perturbation scale and step: small, ES refines the teacher's map locally (ADR 0608); at σ = α = 0.1
     * the centred-rank step (≈ 0.35 in parameter norm) overshoots and random-walks (ADR 0609).
     */
    esNoiseStd: z.number().positive().default(0.05),
    esLearningRate: z.number().positive().default(0.005),
    /**
     * Antithetic directions of the check "functor ES lowers its objective": the Gaussian-smoothed loss ES
     * descends, estimated at start and end with the same directions (ADR 0613).
     */
    esCheckPairs: z.number().int().min(1).default(16),
    /**
     * Paired episodes the functor trains on (ADR 0612: with 32, ES fitted the training pairs at the held-out
     * episodes' expense; the teacher map itself is no better with 256).
     */
    pairedEpisodes: z.number().int().min(4).default(64),
    /** Matched evaluation episodes per pair (a multiple of 4 keeps rules balanced). */
    evalEpisodes: z.number().int().min(8).default(256),
    permutationResamples: z.number().int().min(100).default(5000),
    /** Episodes of each of the two sets (fit, score) of the latent probes (ADR 0607). */
    probeEpisodes: z.number().int().min(16).default(512),
    /** Significance level of the checks. */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** Goal for transported vs native: the unrecovered fraction of the native–random return gap. */
    closenessGoal: z.number().gt(0).default(0.1),
    logEvery: z.number().int().min(1).default(25),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.functorInit === "leastSquares" && c.functorKind !== "linear") {
      ctx.addIssue({ code: "custom", path: ["functorInit"], message: `leastSquares needs functorKind "linear", got "${c.functorKind}"` });
    }
  });

type Config = z.output<typeof configSchema>;

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s / Math.max(1, values.length);
}

function targetKinds(config: Config): WorldKind[] {
  return config.includeShiftedRules ? ["mirrored", "rotated", "shifted-rules"] : ["mirrored", "rotated"];
}

/** Series-safe name of a world kind. */
function tag(kind: WorldKind): string {
  return kind === "shifted-rules" ? "shifted" : kind;
}

function sortedPairs(x: ArrayLike<number>, y: ArrayLike<number>): SeriesPoint[] {
  return Array.from({ length: x.length }, (_, i) => ({ step: x[i] ?? 0, value: y[i] ?? 0 })).sort((a, b) => a.step - b.step);
}

function record(final: Record<string, number>, prefix: string, outcome: ConditionOutcome): void {
  final[`${prefix}Return`] = outcome.meanReturn;
  final[`${prefix}Bind`] = outcome.meanBind;
  final[`${prefix}CalMae`] = outcome.calibration.meanAbsoluteError;
  final[`${prefix}SigDist`] = mean(outcome.signatureDistance);
  final[`${prefix}SigCorr`] = outcome.correlation.mean;
}

/** The `factored-transfer` scenario. */
export const factoredTransferScenario = defineScenario({
  name: "factored-transfer",
  description:
    "Factored actor (z_intent / z_real) on equivalent worlds with intent functors trained by ES on cone signatures (seed 001): transported vs native, random, oracle, shuffled; ablations; factored vs unfactored",
  configSchema,
  quick: {
    steps: 300,
    batchEpisodes: 64,
    learningRate: 6e-3,
    includeShiftedRules: false,
    ablations: false,
    functorGenerations: 20,
    esPairs: 8,
    // As at full size: the signature tests need the power (seed 2's mirrored pair, ADR 0610).
    evalEpisodes: 256,
    permutationResamples: 2000,
    probeEpisodes: 256,
    logEvery: 20,
  },
  defaultSeeds: 3,
  runSeed(config: Config, ctx) {
    const rng = createRng(ctx.seed);
    const targets = targetKinds(config);
    const kinds: WorldKind[] = ["standard", ...targets];
    const worlds = kinds.map((kind) => new EquivalentWorld(kind, { currentHalfWidth: config.currentHalfWidth }));
    const standard = worlds[0] as EquivalentWorld;
    const specs = (r: Rng, count: number) => EquivalentWorld.sampleSpecs(r, count, standard.horizonSteps, config.currentHalfWidth);
    const ablationReplicas = config.ablations ? 2 : 0;
    const replicaWorlds = [...worlds, ...Array.from({ length: ablationReplicas }, () => standard)];
    const R = replicaWorlds.length;
    const policyUsesReal = replicaWorlds.map((_, r) => !(config.ablations && r === worlds.length));
    const tubeUsesReal = replicaWorlds.map((_, r) => !(config.ablations && r === worlds.length + 1));
    const shared = {
      intentDim: config.intentDim,
      realDim: config.realDim,
      intentNorm: config.intentNorm,
      learningRate: config.learningRate,
      freezeSigmaDuringRefine: config.freezeSigmaDuringRefine,
    };
    const actor = new FactoredActor(actorConfigFor(standard, { ...shared, replicas: R, policyUsesReal, tubeUsesReal }), rng.fork("actor"));
    const unfactored = new FactoredActor(actorConfigFor(standard, { ...shared, useFactoredZ: false }), rng.fork("unfactored"));
    const series: Record<string, SeriesPoint[]> = {};
    const push = (name: string, step: number, value: number): void => {
      (series[name] ??= []).push({ step, value });
    };
    const replicaNames = [...kinds.map(tag), ...(config.ablations ? ["policyNoReal", "tubeNoReal"] : [])];
    const totalWork = 2 * config.steps + targets.length * config.functorGenerations;
    let done = 0;
    try {
      // 1. Train the factored actors (one per world, plus ablations) and the unfactored baseline.
      const logger = (names: readonly string[], prefix: string) => {
        const acc = new Array<number>(names.length).fill(0);
        let count = 0;
        return (step: number, lambdas: readonly number[], returns: readonly number[]): void => {
          returns.forEach((v, i) => (acc[i] = (acc[i] ?? 0) + v));
          count += 1;
          done += 1;
          if ((step + 1) % config.logEvery === 0 || step + 1 === config.steps) {
            names.forEach((name, i) => {
              push(`${prefix}Return_${name}`, step + 1, (acc[i] ?? 0) / count);
              push(`${prefix}Lambda_${name}`, step + 1, lambdas[i] ?? Number.NaN);
            });
            acc.fill(0);
            count = 0;
            ctx.progress(done / totalWork);
          }
        };
      };
      const logMain = logger(replicaNames, "train");
      trainFactoredActor(actor, replicaWorlds, {
        steps: config.steps,
        batchEpisodes: config.batchEpisodes,
        rng: rng.fork("train"),
        refineFraction: config.refineFraction,
        onStep: (step, result, batch) => logMain(step, result.lambdas, batch.meanReturns),
      });
      const logBaseline = logger(["unfactored"], "train");
      trainFactoredActor(unfactored, [standard], {
        steps: config.steps,
        batchEpisodes: config.batchEpisodes,
        rng: rng.fork("train-unfactored"),
        refineFraction: config.refineFraction,
        onStep: (step, result, batch) => logBaseline(step, result.lambdas, batch.meanReturns),
      });

      const final: Record<string, number> = {};
      const tests = rng.fork("tests");
      // Which part of z carries the plan (rule) and the realisation (current): linear probes (ADR 0607).
      const probeRng = rng.fork("probes");
      const probeTrain = specs(probeRng.fork("train"), config.probeEpisodes);
      const probeTest = specs(probeRng.fork("test"), config.probeEpisodes);
      kinds.forEach((kind, replica) => {
        const scores = latentProbes(actor, replica, worlds[replica] as EquivalentWorld, probeTrain, probeTest);
        for (const key of ["ruleFromIntent", "ruleFromReal", "currentFromIntent", "currentFromReal"] as const) final[`probe_${tag(kind)}_${key}`] = scores[key];
      });
      // Cone smoothness and locality in the latent (001 L70, L244), standard world.
      const slopeStarts = standard.starts(probeTest);
      const slopeZ = actor.sample(slopeStarts.start, probeTest.count, probeRng.fork("slope-z"), { replica: 0, deterministic: true }).z;
      const [coarse, fine] = coneSensitivity(actor, 0, slopeStarts, slopeZ, probeRng.fork("slope-dir"), [0.3, 0.03]);
      for (const [label, slopes] of [
        ["coarse", coarse],
        ["fine", fine],
      ] as const) {
        final[`coneSlope_${label}_intentLogVol`] = slopes?.intentLogVol.mean ?? Number.NaN;
        final[`coneSlope_${label}_intentHorizon`] = slopes?.intentHorizon.mean ?? Number.NaN;
        final[`coneSlope_${label}_realLogVol`] = slopes?.realLogVol.mean ?? Number.NaN;
        final[`coneSlope_${label}_realHorizon`] = slopes?.realHorizon.mean ?? Number.NaN;
      }
      const outcomes: Record<string, TransferEvaluation> = {};
      // 2. Per pair standard → B: paired data, ES functor, evaluation.
      targets.forEach((kind, index) => {
        const replica = index + 1;
        const name = tag(kind);
        const pairRng = rng.fork(`pair-${kind}`);
        const trainSpec = specs(pairRng.fork("train-spec"), config.pairedEpisodes);
        const source = { replica: 0, world: standard };
        const target = { replica, world: worlds[replica] as EquivalentWorld };
        const data = buildPairedDataset(actor, source, target, trainSpec, pairRng.fork("data"));
        const initial =
          config.functorKind === "mlp"
            ? MlpIntentFunctor.init(actor.intentDim, pairRng.fork("functor-init"))
            : config.functorInit === "leastSquares"
              ? LinearIntentFunctor.leastSquares(data.source.zIntent, data.target.zIntentNative, actor.intentDim)
              : LinearIntentFunctor.identity(actor.intentDim);
        const trainerOptions = {
          pairs: config.esPairs,
          noiseStd: config.esNoiseStd,
          learningRate: config.esLearningRate,
          teacherWeight: config.teacherWeight,
          coneScale: config.coneScale,
        };
        const trainer = new IntentFunctorTrainer(actor, data, initial, pairRng.fork("es"), trainerOptions);
        if (config.teacherGenerations > 0) trainer.bootstrapTeacher(config.teacherGenerations);
        const start = trainer.functor;
        const logEvery = Math.max(1, Math.floor(config.functorGenerations / 10));
        trainer.train(config.functorGenerations, logEvery);
        done += config.functorGenerations;
        ctx.progress(done / totalWork);
        for (const point of trainer.curve) {
          push(`functorLoss_${name}`, point.generation, point.loss);
          push(`functorSigCorr_${name}`, point.generation, point.signatureCorrelation);
          push(`functorNorm_${name}`, point.generation, point.outputNormMean);
        }
        final[`${name}FunctorLossStart`] = trainer.curve[0]?.loss ?? Number.NaN;
        final[`${name}FunctorLossEnd`] = trainer.curve.at(-1)?.loss ?? Number.NaN;
        final[`${name}FunctorLossMax`] = Math.max(...trainer.curve.map((point) => point.loss));
        // The objective ES descends: the Gaussian-smoothed loss, start and end on the same directions (ADR 0613).
        const smoothed = trainer.smoothedLosses([start, trainer.functor], config.esCheckPairs, pairRng.fork("smoothed"));
        final[`${name}FunctorSmoothedStart`] = smoothed[0] ?? Number.NaN;
        final[`${name}FunctorSmoothedEnd`] = smoothed[1] ?? Number.NaN;
        final[`${name}FunctorNormMean`] = trainer.curve.at(-1)?.outputNormMean ?? Number.NaN;
        final[`${name}FunctorNormStd`] = trainer.curve.at(-1)?.outputNormStd ?? Number.NaN;

        const evalSpec = specs(pairRng.fork("eval-spec"), config.evalEpisodes);
        const evalData = buildPairedDataset(actor, source, target, evalSpec, pairRng.fork("eval-data"));
        // The same objective (cone matching + teacher anchor + penalties) on the held-out evaluation episodes,
        // for the functor ES started from and the one it ended with (ADR 0609).
        const heldOut = new IntentFunctorTrainer(actor, evalData, start, pairRng.fork("held-out"), trainerOptions).losses([start, trainer.functor]);
        final[`${name}FunctorHeldOutStart`] = heldOut[0] ?? Number.NaN;
        final[`${name}FunctorHeldOutEnd`] = heldOut[1] ?? Number.NaN;
        const result = evaluateTransfer(actor, evalData, trainer.functor, pairRng.fork("eval"));
        outcomes[name] = result;
        for (const condition of TRANSFER_CONDITIONS) record(final, `${name}_${condition}`, result[condition]);
        final[`${name}_sourceReturn`] = mean(evalData.source.returns);
        const resamples = config.permutationResamples;
        final[`${name}_pReturn`] = pairedPermutationTest(result.transported.returns, result.random.returns, tests, resamples).pGreater;
        final[`${name}_pSignature`] = pairedPermutationTest(result.random.signatureDistance, result.transported.signatureDistance, tests, resamples).pGreater;
        final[`${name}_pBindRandom`] = pairedPermutationTest(result.native.signatures.bindRate, result.random.signatures.bindRate, tests, resamples).pGreater;
        final[`${name}_gapFraction`] = (result.native.meanReturn - result.transported.meanReturn) / (result.native.meanReturn - result.random.meanReturn);
        // Signature correlation plots (A's per-episode log cone vol vs B's under each condition).
        for (const condition of ["native", "transported", "random"] as const) {
          series[`sigLogVol_${name}_${condition}`] = sortedPairs(evalData.source.signatures.logConeVol, result[condition].signatures.logConeVol);
        }
        // Calibration overlay: observed coverage vs k per condition, and the nominal curve.
        for (const condition of ["native", "transported", "random", "realShuffled"] as const) {
          series[`calibration_${name}_${condition}`] = result[condition].calibration.points.map((p) => ({ step: p.k, value: p.observed }));
        }
      });
      series["calibration_nominal"] = (outcomes[tag(targets[0] ?? "mirrored")]?.native.calibration.points ?? []).map((p) => ({ step: p.k, value: nominalCoverage(p.k, standard.stateDim) }));

      // 3. Factored vs unfactored, and the ablations, in the standard world on matched episodes.
      const evalRng = rng.fork("standard-eval");
      const spec = specs(evalRng.fork("spec"), config.evalEpisodes);
      const starts = standard.starts(spec).start;
      const deterministic = (a: FactoredActor, replica: number, r: Rng) => a.sample(starts, spec.count, r, { replica, deterministic: true }).z;
      const factoredRun = runWithLatents(actor, 0, standard, spec, deterministic(actor, 0, evalRng));
      const unfactoredRun = runWithLatents(unfactored, 0, standard, spec, deterministic(unfactored, 0, evalRng));
      final["standardFactoredReturn"] = mean(factoredRun.rollout.returns);
      final["standardUnfactoredReturn"] = mean(unfactoredRun.rollout.returns);
      final["standardFactoredBind"] = mean(factoredRun.signatures.bindRate);
      final["standardUnfactoredBind"] = mean(unfactoredRun.signatures.bindRate);
      final["pFactoredWorse"] = pairedPermutationTest(unfactoredRun.rollout.returns, factoredRun.rollout.returns, tests, config.permutationResamples).pGreater;
      if (config.ablations) {
        for (const [offset, ablation] of [
          [0, "policyNoReal"],
          [1, "tubeNoReal"],
        ] as const) {
          const replica = worlds.length + offset;
          const runAblation = runWithLatents(actor, replica, standard, spec, deterministic(actor, replica, evalRng));
          final[`ablation_${ablation}Return`] = mean(runAblation.rollout.returns);
          final[`ablation_${ablation}Bind`] = mean(runAblation.signatures.bindRate);
          final[`ablation_${ablation}LogVol`] = mean(runAblation.signatures.logConeVol);
        }
      }
      return Promise.resolve({
        series,
        final,
        notes: {
          replicas: replicaNames,
          worldDynamics: "p ← p + clip‖·‖≤0.35(a) + c + n_r·ε, reward −‖p − g_r‖, goals at radius 0.7, n_r = 0, 0.04, 0.08, 0.16 (ADR 0604)",
          lambdas: actor.prices.map((p) => p.lambda),
        },
      });
    } finally {
      actor.dispose();
      unfactored.dispose();
    }
  },
  checks(config: Config, results: readonly SeedResult[]): readonly Check[] {
    const checks: Check[] = [];
    const perSeed = (key: string, digits = 3): string => results.map((r) => (r.final[key] ?? Number.NaN).toFixed(digits)).join(", ");
    const avg = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / results.length;
    const all = (key: string, ok: (v: number) => boolean): boolean => results.every((r) => ok(r.final[key] ?? Number.NaN));
    for (const name of CHECKED_TARGETS) {
      checks.push(
        {
          name: `${name}: transported beats random intent on return`,
          expected: `paired sign-flip test transported > random, p < ${config.alpha} on every seed`,
          observed: `return transported ${avg(`${name}_transportedReturn`).toFixed(3)} vs random ${avg(`${name}_randomReturn`).toFixed(3)}; p [${perSeed(`${name}_pReturn`, 4)}]`,
          pass: all(`${name}_pReturn`, (p) => p < config.alpha),
        },
        {
          name: `${name}: transported beats random intent on cone signatures`,
          expected: `per-episode signature distance to A smaller for transported, p < ${config.alpha} on every seed`,
          observed: `distance transported ${avg(`${name}_transportedSigDist`).toFixed(3)} vs random ${avg(`${name}_randomSigDist`).toFixed(3)}; correlation ${avg(`${name}_transportedSigCorr`).toFixed(2)} vs ${avg(`${name}_randomSigCorr`).toFixed(2)}; p [${perSeed(`${name}_pSignature`, 4)}]`,
          pass: all(`${name}_pSignature`, (p) => p < config.alpha),
        },
        {
          name: `${name}: intent-random degrades cone stats`,
          expected: `bind rate under random intent below native, p < ${config.alpha} on every seed`,
          observed: `bind native ${avg(`${name}_nativeBind`).toFixed(3)} vs random ${avg(`${name}_randomBind`).toFixed(3)}; calibration error ${avg(`${name}_nativeCalMae`).toFixed(3)} vs ${avg(`${name}_randomCalMae`).toFixed(3)}; p [${perSeed(`${name}_pBindRandom`, 4)}]`,
          pass: all(`${name}_pBindRandom`, (p) => p < config.alpha),
        },
        {
          name: `${name}: oracle transform reproduces the source (positive control)`,
          expected: `|oracle return − A's native return| < ${ORACLE_TOLERANCE} on every seed`,
          observed: `oracle ${avg(`${name}_oracleReturn`).toFixed(4)} vs A ${avg(`${name}_sourceReturn`).toFixed(4)}`,
          pass: results.every((r) => Math.abs((r.final[`${name}_oracleReturn`] ?? Number.NaN) - (r.final[`${name}_sourceReturn`] ?? Number.NaN)) < ORACLE_TOLERANCE),
        },
      );
    }
    // The gap on the seeds' pooled returns (a ratio of means, ADR 0611): a per-seed ratio explodes on a
    // seed whose replica barely depends on its intent (random intent almost as good as native).
    const gaps = CHECKED_TARGETS.map((name) => (avg(`${name}_nativeReturn`) - avg(`${name}_transportedReturn`)) / (avg(`${name}_nativeReturn`) - avg(`${name}_randomReturn`)));
    checks.push({
      name: "transported approaches native (goal: within 10%)",
      expected: `(native − transported) / (native − random) of the mean returns over seeds ≤ ${config.closenessGoal} for mirrored and rotated`,
      observed: CHECKED_TARGETS.map(
        (name, i) =>
          `${name} ${(gaps[i] ?? Number.NaN).toFixed(3)} (native ${avg(`${name}_nativeReturn`).toFixed(3)}, transported ${avg(`${name}_transportedReturn`).toFixed(3)}, random ${avg(`${name}_randomReturn`).toFixed(3)}; per seed ${perSeed(`${name}_gapFraction`)})`,
      ).join("; "),
      pass: gaps.every((g) => g <= config.closenessGoal),
    });
    // Real-shuffled hurts control more than calibration: each as a fraction of the damage random intent does.
    const names = results[0] === undefined ? [] : Object.keys(results[0].final).filter((k) => k.endsWith("_realShuffledReturn")).map((k) => k.replace("_realShuffledReturn", ""));
    const fraction = (name: string, metric: "Return" | "CalMae"): number => {
      const sign = metric === "Return" ? 1 : -1;
      const native = avg(`${name}_native${metric}`);
      return (sign * (native - avg(`${name}_realShuffled${metric}`))) / (sign * (native - avg(`${name}_random${metric}`)));
    };
    const control = mean(names.map((n) => fraction(n, "Return")));
    const calibration = mean(names.map((n) => fraction(n, "CalMae")));
    checks.push({
      name: "real-shuffled hurts control more than calibration",
      expected: "damage of real-shuffled as a fraction of random intent's damage: return fraction > calibration-error fraction (mean over pairs)",
      observed: `control ${control.toFixed(3)} vs calibration ${calibration.toFixed(3)} (${names.map((n) => `${n}: ${fraction(n, "Return").toFixed(2)} / ${fraction(n, "CalMae").toFixed(2)}`).join(", ")})`,
      pass: control > calibration,
    });
    checks.push({
      name: "factored actor at least as good as unfactored (standard world)",
      expected: `mean return factored ≥ unfactored − ${NON_INFERIORITY_MARGIN}`,
      observed: `factored ${avg("standardFactoredReturn").toFixed(3)} vs unfactored ${avg("standardUnfactoredReturn").toFixed(3)} (per seed ${perSeed("standardFactoredReturn")} / ${perSeed("standardUnfactoredReturn")})`,
      pass: avg("standardFactoredReturn") >= avg("standardUnfactoredReturn") - NON_INFERIORITY_MARGIN,
    });
    // The seed's check (001 L252): the functor loss stays finite and bounded while ES runs, ‖F(z)‖ logged.
    const value = (r: SeedResult, key: string): number => r.final[key] ?? Number.NaN;
    checks.push({
      name: "functor training does not explode",
      expected: `every logged functor loss finite and ≤ ${EXPLOSION_FACTOR}× its start, for every pair and seed`,
      observed: names
        .map((n) => `${n} start ${avg(`${n}FunctorLossStart`).toFixed(3)}, max ${avg(`${n}FunctorLossMax`).toFixed(3)}, ‖F(z_A)‖ ${avg(`${n}FunctorNormMean`).toFixed(2)} ± ${avg(`${n}FunctorNormStd`).toFixed(2)}`)
        .join("; "),
      pass: results.every((r) => names.every((n) => Number.isFinite(value(r, `${n}FunctorLossMax`)) && value(r, `${n}FunctorLossMax`) <= EXPLOSION_FACTOR * value(r, `${n}FunctorLossStart`))),
    });
    // ES does its job: it lowers the objective it descends — the Gaussian-smoothed loss, measured at start and end
    // with the same directions (ADR 0613) — on the training pairs, and the functor it ends with is no worse than
    // its start on held-out episodes (ADR 0609).
    checks.push({
      name: "functor ES lowers its objective (training pairs and held-out episodes)",
      expected:
        "smoothed anchored cone-matching loss (the objective ES descends, common directions) at the end < at the start on the training pairs for every pair and seed; the end functor's loss on the held-out evaluation episodes ≤ the start's (mean over seeds, every pair)",
      observed: names
        .map(
          (n) =>
            `${n} smoothed ${avg(`${n}FunctorSmoothedStart`).toFixed(3)} → ${avg(`${n}FunctorSmoothedEnd`).toFixed(3)} (per seed ${perSeed(`${n}FunctorSmoothedStart`)} → ${perSeed(`${n}FunctorSmoothedEnd`)}), at the centre ${avg(`${n}FunctorLossStart`).toFixed(3)} → ${avg(`${n}FunctorLossEnd`).toFixed(3)}, held-out ${avg(`${n}FunctorHeldOutStart`).toFixed(3)} → ${avg(`${n}FunctorHeldOutEnd`).toFixed(3)}`,
        )
        .join("; "),
      pass:
        names.length > 0 &&
        results.every((r) => names.every((n) => value(r, `${n}FunctorSmoothedEnd`) < value(r, `${n}FunctorSmoothedStart`))) &&
        names.every((n) => avg(`${n}FunctorHeldOutEnd`) <= avg(`${n}FunctorHeldOutStart`)),
    });
    return checks;
  },
  charts: [
    { title: "Training return per world", series: ["trainReturn_standard", "trainReturn_mirrored", "trainReturn_rotated", "trainReturn_shifted", "trainReturn_unfactored"], yLabel: "mean return" },
    { title: "λ per world", series: ["trainLambda_standard", "trainLambda_mirrored", "trainLambda_rotated", "trainLambda_shifted"], yLabel: "λ" },
    { title: "Functor objective (cone matching + teacher anchor)", series: ["functorLoss_mirrored", "functorLoss_rotated", "functorLoss_shifted"], yLabel: "loss" },
    { title: "Functor signature correlation A vs mapped B", series: ["functorSigCorr_mirrored", "functorSigCorr_rotated", "functorSigCorr_shifted"], yLabel: "Pearson r" },
    // Per world pair (issue 9 item 9): signature correlation plot and calibration overlay; shifted-rules
    // only at full size (`includeShiftedRules`).
    ...(["mirrored", "rotated", "shifted"] as const).flatMap((name) => [
      { title: `${name}: log cone vol, A (x) vs B (y)`, series: [`sigLogVol_${name}_native`, `sigLogVol_${name}_transported`, `sigLogVol_${name}_random`], yLabel: "log cone vol in B" },
      {
        title: `${name}: calibration overlay (coverage vs k)`,
        series: ["calibration_nominal", `calibration_${name}_native`, `calibration_${name}_transported`, `calibration_${name}_random`, `calibration_${name}_realShuffled`],
        yLabel: "coverage",
      },
    ]),
  ],
});
