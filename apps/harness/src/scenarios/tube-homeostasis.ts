/**
 * Scenario `tube-homeostasis`: the seed-000 result. Tubes on the rule world trained for 10,000 steps with
 * soft fail (k = 2, γ = 25) and a homeostatic commitment price λ, in three variants side by side on the
 * same batches (replicas of one model): `faithful` (the seed's §7 update, hardness = residual / mean σ),
 * `signed` (hardness against per-rule running baselines) and `dual` (dual ascent on E[fail · surprise]).
 * Checks per variant: σ hard / σ easy in [1.8, 4.0] (seed 2.6), bind easy > bind hard, log-vol above the
 * floor, λ settled; for the default variant (ADR 0204) the per-rule table beside the seed's with the bind
 * differing between rules; the faithful variant's implicit 1/6 fail target. Every variant's per-rule
 * numbers are final metrics of the report. Training uses `FusedTubeTrainer` (closed-form fused step, ADR 0206)
 * so the full-size run fits in about a minute on 2 cores; the report's provenance records its wall time.
 *
 * Source: `000_e13b841348682d63.txt` L229–234, L296–313; SEED-INVENTORY.md §5.9, §9.1 H000-A, C-9, C-11.
 */
import { createRng } from "@tam/tensor-backend";
import {
  COMMITMENT_PRICE_VARIANTS,
  CommitmentPrice,
  DEFAULT_COMMITMENT_PRICE_VARIANT,
  EPISODE_STATS,
  EPISODE_STAT_INDEX,
  RULE_COUNT,
  RuleWorld,
  SEED_EASY_RESULT,
  SEED_HARD_RESULT,
  SEED_LAMBDA,
  SUCCESS_WEIGHT,
  TubeModel,
  FusedTubeTrainer,
  type CommitmentPriceVariant,
  type EpisodeStat,
} from "@tam/tube";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** Accepted range of σ(hard rule) / σ(easy rule) (issue 5; the seed reports 2.6). */
const RATIO_RANGE = [1.8, 4.0] as const;
/** log-vol must exceed log σ_min by at least this many nats for every rule (ADR 0204). */
const FLOOR_MARGIN_NATS = 0.5;
/** λ must move less than this, relative, over the final 20% of steps (issue 5). */
const MAX_LAMBDA_DRIFT = 0.1;
/** λ counts as "drifted to 0" below this (ADR 0204). */
const LAMBDA_ZERO = 1e-3;
/** The faithful variant's implicit fail target (SEED-INVENTORY C-11): 0.2 / 1.2. */
const FAITHFUL_FAIL_TARGET = SUCCESS_WEIGHT / (1 + SUCCESS_WEIGHT);
/** Accepted distance of the faithful variant's final soft fail from 1/6 (ADR 0204). */
const FAITHFUL_TARGET_TOLERANCE = 0.02;
/** Bind rates closer than this count as "the same" between rules (ADR 0204). */
const BIND_DIFFERENCE = 0.01;
/** The easy and hard rules of the seed's table (000 L306–307). */
const EASY_RULE = 0;
const HARD_RULE = 3;

const configSchema = z
  .object({
    /** Training steps (the seed's `--steps 10000`). */
    steps: z.number().int().min(10).default(10_000),
    /** Episodes per training step (balanced over rules). */
    batchEpisodes: z.number().int().min(RULE_COUNT).default(32),
    /** Horizon T of the rule world. */
    horizonSteps: z.number().int().min(2).max(64).default(8),
    /** Standard deviation of rule 3's noise. */
    noiseStd: z.number().positive().max(1).default(0.15),
    /** Latent z dimension (z ~ N(0, I), carries no information here). */
    latentDim: z.number().int().min(0).max(16).default(2),
    /** Hidden units per trunk. */
    hiddenUnits: z.number().int().min(4).max(256).default(32),
    /** Adam learning rate. */
    learningRate: z.number().positive().max(0.1).default(3e-3),
    /** Volume weight α. */
    alphaVol: z.number().positive().max(10).default(0.5),
    /** λ step of the faithful and signed variants. */
    etaLambda: z.number().positive().max(1).default(0.01),
    /** λ step of the dual variant. */
    etaDual: z.number().positive().max(1).default(0.05),
    /** Initial λ. */
    lambdaInit: z.number().min(0).max(100).default(1),
    /** Upper clip of λ. */
    lambdaMax: z.number().positive().max(1000).default(20),
    /** σ floor. */
    sigmaFloor: z.number().positive().max(1).default(0.01),
    /** Steps per logged point (each point is the mean over its interval). */
    logEvery: z.number().int().min(1).default(100),
    /** Episodes in the final evaluation (balanced over rules). */
    evalEpisodes: z.number().int().min(RULE_COUNT).default(1024),
  })
  .strict();

type Config = z.output<typeof configSchema>;

const VARIANTS: readonly CommitmentPriceVariant[] = COMMITMENT_PRICE_VARIANTS;
const PER_RULE_STATS = ["sigmaMean", "bindHard", "logVol"] as const satisfies readonly EpisodeStat[];
const SERIES_NAME: Readonly<Record<(typeof PER_RULE_STATS)[number], string>> = { sigmaMean: "Sigma", bindHard: "Bind", logVol: "LogVol" };

function fill(rng: { normal(): number }, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}

/** Per replica and rule, the mean of each statistic over the episodes of `stats` ([R, B, S]). */
function perRuleMeans(stats: Float32Array, rules: Int32Array, replicas: number): number[][][] {
  const B = rules.length;
  const S = EPISODE_STATS.length;
  const sums = Array.from({ length: replicas }, () => Array.from({ length: RULE_COUNT }, () => new Array<number>(S).fill(0)));
  const counts = new Array<number>(RULE_COUNT).fill(0);
  for (let i = 0; i < B; i++) counts[rules[i] ?? 0] = (counts[rules[i] ?? 0] ?? 0) + 1;
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < B; i++) {
      const row = sums[r]?.[rules[i] ?? 0];
      if (row === undefined) continue;
      for (let s = 0; s < S; s++) row[s] = (row[s] ?? 0) + (stats[(r * B + i) * S + s] ?? 0);
    }
  }
  return sums.map((byRule) => byRule.map((row, rule) => row.map((sum) => sum / Math.max(1, counts[rule] ?? 0))));
}

/** Relative drift of a logged series over its final 20%: |mean(last 10%) − mean(previous 10%)| / mean(last 20%). */
function relativeDrift(points: readonly SeriesPoint[]): number {
  const n = points.length;
  const tenth = Math.max(1, Math.floor(n / 10));
  const mean = (from: number, to: number): number => {
    const slice = points.slice(Math.max(0, from), to);
    return slice.reduce((sum, p) => sum + p.value, 0) / Math.max(1, slice.length);
  };
  const last = mean(n - tenth, n);
  const previous = mean(n - 2 * tenth, n - tenth);
  const window = mean(n - 2 * tenth, n);
  return Math.abs(last - previous) / Math.max(Math.abs(window), Number.EPSILON);
}

function meanOver(results: readonly SeedResult[], key: string): number {
  return results.reduce((sum, r) => sum + (r.final[key] ?? Number.NaN), 0) / results.length;
}

function perSeed(results: readonly SeedResult[], key: string, digits = 3): string {
  return results.map((r) => (r.final[key] ?? Number.NaN).toFixed(digits)).join(", ");
}

/** The `tube-homeostasis` scenario. */
export const tubeHomeostasisScenario = defineScenario({
  name: "tube-homeostasis",
  description:
    "Commitment tubes on the rule world with a homeostatic commitment price λ (seed 000): σ, bind and log-vol per rule, λ settling, for the faithful, signed and dual λ variants",
  configSchema,
  quick: { steps: 1000, learningRate: 0.006, etaLambda: 0.02, etaDual: 0.1, lambdaInit: 2, logEvery: 25, evalEpisodes: 256 },
  defaultSeeds: 3,
  runSeed(config: Config, ctx) {
    const rng = createRng(ctx.seed);
    const world = new RuleWorld({ horizonSteps: config.horizonSteps, noiseStd: config.noiseStd });
    const R = VARIANTS.length;
    const model = new TubeModel(
      {
        obsDim: world.obsDim,
        latentDim: config.latentDim,
        horizonSteps: config.horizonSteps,
        stateDim: world.stateDim,
        hiddenUnits: config.hiddenUnits,
        replicas: R,
        sigmaFloor: config.sigmaFloor,
      },
      rng.fork("model"),
    );
    const prices = VARIANTS.map(
      (variant) =>
        new CommitmentPrice({
          variant,
          ruleCount: RULE_COUNT,
          etaLambda: variant === "dual" ? config.etaDual : config.etaLambda,
          lambdaInit: config.lambdaInit,
          lambdaMax: config.lambdaMax,
        }),
    );
    const trainer = new FusedTubeTrainer(model, prices, { learningRate: config.learningRate, loss: { alphaVol: config.alphaVol } });
    const data = rng.fork("data");
    const latents = rng.fork("latent");
    const series: Record<string, SeriesPoint[]> = {};
    const push = (name: string, step: number, value: number): void => {
      (series[name] ??= []).push({ step, value });
    };
    // Interval accumulators: per replica, per rule, per statistic; and λ / fail per replica.
    const S = EPISODE_STATS.length;
    let acc = Array.from({ length: R }, () => Array.from({ length: RULE_COUNT }, () => new Array<number>(S).fill(0)));
    let accSteps = 0;
    let lambdaAcc = new Array<number>(R).fill(0);
    let failAcc = new Array<number>(R).fill(0);
    const finalWindowStart = Math.floor(config.steps * 0.8);
    const finalFail = new Array<number>(R).fill(0);
    try {
      for (let step = 1; step <= config.steps; step++) {
        const batch = world.sampleEpisodes(data, config.batchEpisodes);
        const result = trainer.step(batch, config.latentDim > 0 ? fill(latents, batch.count * config.latentDim) : undefined);
        const means = perRuleMeans(result.stats, batch.rules, R);
        for (let r = 0; r < R; r++) {
          for (let rule = 0; rule < RULE_COUNT; rule++) {
            const row = acc[r]?.[rule];
            const m = means[r]?.[rule];
            if (row === undefined || m === undefined) continue;
            for (let s = 0; s < S; s++) row[s] = (row[s] ?? 0) + (m[s] ?? 0);
          }
          lambdaAcc[r] = (lambdaAcc[r] ?? 0) + (result.updates[r]?.lambda ?? Number.NaN);
          failAcc[r] = (failAcc[r] ?? 0) + (result.updates[r]?.fail ?? Number.NaN);
          if (step > finalWindowStart) finalFail[r] = (finalFail[r] ?? 0) + (result.updates[r]?.fail ?? Number.NaN) / (config.steps - finalWindowStart);
        }
        accSteps += 1;
        if (step % config.logEvery === 0 || step === config.steps) {
          VARIANTS.forEach((variant, r) => {
            push(`${variant}Lambda`, step, (lambdaAcc[r] ?? 0) / accSteps);
            push(`${variant}Fail`, step, (failAcc[r] ?? 0) / accSteps);
            for (let rule = 0; rule < RULE_COUNT; rule++) {
              for (const stat of PER_RULE_STATS) {
                push(`${variant}${SERIES_NAME[stat]}Rule${rule}`, step, (acc[r]?.[rule]?.[EPISODE_STAT_INDEX[stat]] ?? 0) / accSteps);
              }
            }
          });
          acc = Array.from({ length: R }, () => Array.from({ length: RULE_COUNT }, () => new Array<number>(S).fill(0)));
          lambdaAcc = new Array<number>(R).fill(0);
          failAcc = new Array<number>(R).fill(0);
          accSteps = 0;
          ctx.progress(step / config.steps);
        }
      }
      // Final evaluation on fresh episodes.
      const evalBatch = world.sampleEpisodes(rng.fork("eval"), config.evalEpisodes);
      const evalStats = trainer.evaluate(evalBatch, config.latentDim > 0 ? fill(rng.fork("eval-latent"), evalBatch.count * config.latentDim) : undefined);
      const evalMeans = perRuleMeans(evalStats, evalBatch.rules, R);
      const final: Record<string, number> = {};
      const logFloor = Math.log(config.sigmaFloor);
      VARIANTS.forEach((variant, r) => {
        const rows = evalMeans[r] ?? [];
        const at = (rule: number, stat: EpisodeStat): number => rows[rule]?.[EPISODE_STAT_INDEX[stat]] ?? Number.NaN;
        for (let rule = 0; rule < RULE_COUNT; rule++) {
          final[`${variant}BindRule${rule}`] = at(rule, "bindHard");
          final[`${variant}SigmaRule${rule}`] = at(rule, "sigmaMean");
          final[`${variant}LogVolRule${rule}`] = at(rule, "logVol");
          final[`${variant}HorizonRule${rule}`] = at(rule, "expectedHorizon");
          final[`${variant}FailRule${rule}`] = at(rule, "failSoft");
        }
        final[`${variant}SigmaRatio`] = at(HARD_RULE, "sigmaMean") / at(EASY_RULE, "sigmaMean");
        final[`${variant}FloorMargin`] = Math.min(...Array.from({ length: RULE_COUNT }, (_, rule) => at(rule, "logVol"))) - logFloor;
        final[`${variant}Lambda`] = prices[r]?.lambda ?? Number.NaN;
        final[`${variant}LambdaDrift`] = relativeDrift(series[`${variant}Lambda`] ?? []);
        final[`${variant}FinalFail`] = finalFail[r] ?? Number.NaN;
      });
      return Promise.resolve({
        series,
        final,
        notes: {
          seedTable: { easyRule0: SEED_EASY_RESULT, hardRule3: SEED_HARD_RESULT, lambda: SEED_LAMBDA },
          worldDynamics: "rule 0 hold, 1 contract 0.9^t, 2 rotate t·π/16, 3 jitter s0 + N(0, noiseStd²) per step (ADR 0201)",
        },
      });
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
  checks(config: Config, results): readonly Check[] {
    const checks: Check[] = [];
    const lambdaMax = config.lambdaMax;
    for (const variant of VARIANTS) {
      const ratio = meanOver(results, `${variant}SigmaRatio`);
      const bindEasy = meanOver(results, `${variant}BindRule${EASY_RULE}`);
      const bindHard = meanOver(results, `${variant}BindRule${HARD_RULE}`);
      const sigmaEasy = meanOver(results, `${variant}SigmaRule${EASY_RULE}`);
      const sigmaHard = meanOver(results, `${variant}SigmaRule${HARD_RULE}`);
      const logVolEasy = meanOver(results, `${variant}LogVolRule${EASY_RULE}`);
      const logVolHard = meanOver(results, `${variant}LogVolRule${HARD_RULE}`);
      const margins = results.map((r) => r.final[`${variant}FloorMargin`] ?? Number.NaN);
      const settled = results.map((r) => {
        const lambda = r.final[`${variant}Lambda`] ?? Number.NaN;
        const drift = r.final[`${variant}LambdaDrift`] ?? Number.NaN;
        return drift < MAX_LAMBDA_DRIFT && lambda > LAMBDA_ZERO && lambda < lambdaMax * 0.95;
      });
      checks.push(
        {
          name: `${variant}: sigma hard / sigma easy in [${RATIO_RANGE[0]}, ${RATIO_RANGE[1]}]`,
          expected: `σ(rule ${HARD_RULE}) / σ(rule ${EASY_RULE}) in [${RATIO_RANGE[0]}, ${RATIO_RANGE[1]}] (seed: ${(SEED_HARD_RESULT.sigma / SEED_EASY_RESULT.sigma).toFixed(2)})`,
          observed: `${ratio.toFixed(2)} (per seed ${perSeed(results, `${variant}SigmaRatio`, 2)})`,
          pass: ratio >= RATIO_RANGE[0] && ratio <= RATIO_RANGE[1],
        },
        {
          name: `${variant}: bind easy > bind hard`,
          expected: `hard bind of rule ${EASY_RULE} > rule ${HARD_RULE} (seed: ${SEED_EASY_RESULT.bind.toFixed(3)} > ${SEED_HARD_RESULT.bind.toFixed(3)})`,
          observed: `${bindEasy.toFixed(3)} vs ${bindHard.toFixed(3)}`,
          pass: bindEasy > bindHard,
        },
        {
          name: `${variant}: log-vol above the floor`,
          expected: `min over rules of log-vol − log σ_min ≥ ${FLOOR_MARGIN_NATS} nats on every seed (log σ_min = ${Math.log(config.sigmaFloor).toFixed(2)})`,
          observed: `[${margins.map((m) => m.toFixed(2)).join(", ")}]`,
          pass: margins.every((m) => m >= FLOOR_MARGIN_NATS),
        },
        {
          name: `${variant}: lambda settled`,
          expected: `relative drift over the last 20% < ${MAX_LAMBDA_DRIFT}, ${LAMBDA_ZERO} < λ < 0.95·λ_max on every seed`,
          observed: `λ [${perSeed(results, `${variant}Lambda`)}], drift [${perSeed(results, `${variant}LambdaDrift`)}] (seed: λ ≈ ${SEED_LAMBDA})`,
          pass: settled.every(Boolean),
        },
      );
      // The seed's table and its "no fixed target" claim (bind differs between rules) are checked for
      // the default variant; every variant's table is in the notes (ADR 0204).
      if (variant === DEFAULT_COMMITMENT_PRICE_VARIANT) {
        checks.push(
          {
            name: `${variant}: table beside the seed's`,
            expected: `easy ${SEED_EASY_RESULT.bind.toFixed(3)} / ${SEED_EASY_RESULT.sigma.toFixed(3)} / ${SEED_EASY_RESULT.logVol.toFixed(2)}, hard ${SEED_HARD_RESULT.bind.toFixed(3)} / ${SEED_HARD_RESULT.sigma.toFixed(3)} / ${SEED_HARD_RESULT.logVol.toFixed(2)} (bind / σ / log-vol); equilibrium bind differs between rules by > ${BIND_DIFFERENCE}`,
            observed: `easy ${bindEasy.toFixed(3)} / ${sigmaEasy.toFixed(3)} / ${logVolEasy.toFixed(2)}, hard ${bindHard.toFixed(3)} / ${sigmaHard.toFixed(3)} / ${logVolHard.toFixed(2)}; bind differs by ${(bindEasy - bindHard).toFixed(3)}`,
            pass: Math.abs(bindEasy - bindHard) > BIND_DIFFERENCE,
          }
        );
      }
    }
    const faithfulFail = meanOver(results, "faithfulFinalFail");
    checks.push({
      name: "faithful: implicit fail target 1/6 (C-11)",
      expected: `mean soft fail over the last 20% of steps = 0.2/1.2 = ${FAITHFUL_FAIL_TARGET.toFixed(4)} ± ${FAITHFUL_TARGET_TOLERANCE}`,
      observed: `${faithfulFail.toFixed(4)} (per seed ${perSeed(results, "faithfulFinalFail", 4)})`,
      pass: Math.abs(faithfulFail - FAITHFUL_FAIL_TARGET) <= FAITHFUL_TARGET_TOLERANCE,
    });
    return checks;
  },
  charts: VARIANTS.flatMap((variant) => [
    { title: `${variant}: σ per rule`, series: Array.from({ length: RULE_COUNT }, (_, rule) => `${variant}SigmaRule${rule}`), yLabel: "mean σ" },
    { title: `${variant}: hard bind per rule`, series: Array.from({ length: RULE_COUNT }, (_, rule) => `${variant}BindRule${rule}`), yLabel: "bind" },
    { title: `${variant}: λ and soft fail`, series: [`${variant}Lambda`, `${variant}Fail`], yLabel: "λ / fail" },
  ]),
});
