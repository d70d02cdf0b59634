/**
 * Scenario `tube-conformal`: beyond the seeds (issue 5 item 7, ADR 0205). A tube trained on the rule world
 * with the default commitment price is rescaled by split-conformal calibration (global and per rule), by
 * adaptive conformal inference over a stream, and compared with conformalized quantile regression (CQR)
 * trained on the same batches: whole-episode coverage and mean interval width on held-out episodes.
 * The tube trains with `FusedTubeTrainer` (ADR 0206).
 *
 * Source: `001_4e7658869d462183.txt` L89–92, L195 (calibration/coverage); ADR 0205.
 */
import { createRng, tf } from "@tam/tensor-backend";
import {
  AdaptiveConformal,
  BIND_WIDTH_K,
  CommitmentPrice,
  QuantileTube,
  RULE_COUNT,
  RuleWorld,
  TubeModel,
  FusedTubeTrainer,
  episodeScores,
  normalisedDeviations,
  splitConformal,
  type EpisodeBatch,
} from "@tam/tube";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

const configSchema = z
  .object({
    /** Training steps of the tube and of the quantile model. */
    steps: z.number().int().min(10).default(4000),
    /** Episodes per training step. */
    batchEpisodes: z.number().int().min(RULE_COUNT).default(32),
    /** Target miscoverage α (whole episode). */
    alpha: z.number().gt(0).lt(0.5).default(0.1),
    /** Calibration episodes (balanced over rules). */
    calibrationEpisodes: z.number().int().min(40).default(2000),
    /** Held-out test episodes (balanced over rules); also the ACI stream. */
    testEpisodes: z.number().int().min(40).default(4000),
    /** Standard deviation of rule 3's noise. */
    noiseStd: z.number().positive().max(1).default(0.15),
    /** Adam learning rate of both models. */
    learningRate: z.number().positive().max(0.1).default(3e-3),
    /** ACI step size η. */
    aciStep: z.number().positive().max(1).default(0.005),
  })
  .strict();

type Config = z.output<typeof configSchema>;

/** Binomial tolerance in standard errors for coverage checks (ADR 0205). */
const TOLERANCE_SE = 3;

/** Whole-episode scores `max |e|/σ` and mean σ per episode of the trained tube (replica 0). */
function tubeScores(model: TubeModel, batch: EpisodeBatch): { scores: Float64Array; sigmaMean: Float64Array } {
  let result: { scores: Float64Array; sigmaMean: Float64Array } = { scores: new Float64Array(), sigmaMean: new Float64Array() };
  tf.tidy(() => {
    const B = batch.count;
    const [T, D] = [batch.horizonSteps, batch.stateDim];
    const out = model.forward({ obs: tf.tensor2d(batch.obs, [B, batch.obs.length / B]), anchor: tf.tensor2d(batch.anchor, [B, T * D]) });
    const mu = tf.reshape(out.mu, [B, T, D]);
    const sigma = tf.reshape(out.sigma, [B, T, D]);
    const scores = episodeScores(normalisedDeviations(mu, sigma, tf.tensor3d(batch.traj, [B, T, D])), T);
    result = { scores, sigmaMean: Float64Array.from(tf.mean(sigma, [1, 2]).dataSync()) };
  });
  return result;
}

function coverage(scores: ArrayLike<number>, width: (i: number) => number, pick: (i: number) => boolean = () => true): number {
  let inside = 0;
  let count = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!pick(i)) continue;
    count += 1;
    if ((scores[i] ?? Number.POSITIVE_INFINITY) <= width(i)) inside += 1;
  }
  return inside / Math.max(1, count);
}

function mean(values: ArrayLike<number>, pick: (i: number) => boolean = () => true): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!pick(i)) continue;
    sum += values[i] ?? Number.NaN;
    count += 1;
  }
  return sum / Math.max(1, count);
}

/** The `tube-conformal` scenario. */
export const tubeConformalScenario = defineScenario({
  name: "tube-conformal",
  description: "Conformal calibration of a trained tube (split, per-rule, adaptive) vs the raw tube and CQR on the rule world: coverage and width",
  configSchema,
  quick: { steps: 500, calibrationEpisodes: 400, testEpisodes: 800, learningRate: 0.01 },
  defaultSeeds: 3,
  runSeed(config: Config, ctx) {
    const rng = createRng(ctx.seed);
    const world = new RuleWorld({ noiseStd: config.noiseStd });
    const [T, D] = [world.horizonSteps, world.stateDim];
    const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: T, stateDim: D }, rng.fork("model"));
    const trainer = new FusedTubeTrainer(model, [new CommitmentPrice({ ruleCount: RULE_COUNT })], { learningRate: config.learningRate });
    const quantiles = new QuantileTube({ obsDim: world.obsDim, horizonSteps: T, stateDim: D, learningRate: config.learningRate }, rng.fork("cqr"));
    const data = rng.fork("data");
    try {
      for (let step = 1; step <= config.steps; step++) {
        const batch = world.sampleEpisodes(data, config.batchEpisodes);
        trainer.step(batch);
        quantiles.trainStep(batch);
        if (step % 100 === 0) ctx.progress((0.9 * step) / config.steps);
      }
      const calibration = world.sampleEpisodes(rng.fork("calibration"), config.calibrationEpisodes);
      const test = world.sampleEpisodes(rng.fork("test"), config.testEpisodes);
      const cal = tubeScores(model, calibration);
      const tst = tubeScores(model, test);
      const global = splitConformal(cal.scores, config.alpha);
      const mondrian = splitConformal(cal.scores, config.alpha, { groups: calibration.rules, groupCount: RULE_COUNT });
      const groupQ = (i: number): number => mondrian.groupQuantiles?.[test.rules[i] ?? 0] ?? Number.POSITIVE_INFINITY;
      const cqrCal = quantiles.scores(calibration);
      const cqrTest = quantiles.scores(test);
      const cqrQ = splitConformal(cqrCal, config.alpha).quantile;
      const { lo, hi } = quantiles.predict(test);
      const cqrWidth = new Float64Array(test.count);
      for (let i = 0; i < test.count; i++) {
        let sum = 0;
        for (let j = 0; j < T * D; j++) sum += (hi[i * T * D + j] ?? 0) - (lo[i * T * D + j] ?? 0) + 2 * cqrQ;
        cqrWidth[i] = sum / (T * D);
      }
      const aci = new AdaptiveConformal(config.alpha, { step: config.aciStep, initialScores: cal.scores });
      const aciSeries: SeriesPoint[] = [];
      for (let i = 0; i < tst.scores.length; i++) {
        aci.observe(tst.scores[i] ?? Number.NaN);
        if ((i + 1) % 50 === 0) aciSeries.push({ step: i + 1, value: 1 - aci.miscoverage });
      }
      const final: Record<string, number> = {
        rawCoverage: coverage(tst.scores, () => BIND_WIDTH_K),
        rawWidth: mean(tst.sigmaMean.map((s) => 2 * BIND_WIDTH_K * s)),
        conformalK: global.quantile,
        conformalCoverage: coverage(tst.scores, () => global.quantile),
        conformalWidth: mean(tst.sigmaMean.map((s) => 2 * global.quantile * s)),
        mondrianCoverage: coverage(tst.scores, groupQ),
        mondrianWidth: mean(tst.sigmaMean.map((s, i) => 2 * groupQ(i) * s)),
        cqrCoverage: coverage(cqrTest, () => cqrQ),
        cqrWidth: mean(cqrWidth),
        aciCoverage: 1 - aci.miscoverage,
      };
      for (let rule = 0; rule < RULE_COUNT; rule++) {
        const inRule = (i: number): boolean => test.rules[i] === rule;
        final[`rawCoverageRule${rule}`] = coverage(tst.scores, () => BIND_WIDTH_K, inRule);
        final[`conformalCoverageRule${rule}`] = coverage(tst.scores, () => global.quantile, inRule);
        final[`mondrianCoverageRule${rule}`] = coverage(tst.scores, groupQ, inRule);
        final[`mondrianKRule${rule}`] = mondrian.groupQuantiles?.[rule] ?? Number.NaN;
        final[`cqrCoverageRule${rule}`] = coverage(cqrTest, () => cqrQ, inRule);
      }
      ctx.progress(1);
      const result: SeedResult = { series: { aciCoverage: aciSeries }, final };
      return Promise.resolve(result);
    } finally {
      trainer.dispose();
      model.dispose();
      quantiles.dispose();
    }
  },
  checks(config: Config, results): readonly Check[] {
    const target = 1 - config.alpha;
    // Standard error of a seed-averaged coverage: test sampling plus the Beta spread of the coverage of a
    // split-conformal band calibrated on n points, α(1 − α)/(n + 2) (ADR 0205).
    const se = (testCount: number, calibrationCount: number): number =>
      Math.sqrt((config.alpha * (1 - config.alpha) * (1 / testCount + 1 / (calibrationCount + 2))) / results.length);
    const tolerance = TOLERANCE_SE * se(config.testEpisodes, config.calibrationEpisodes);
    const perRuleTolerance = TOLERANCE_SE * se(config.testEpisodes / RULE_COUNT, config.calibrationEpisodes / RULE_COUNT);
    const avg = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / results.length;
    const upper = target + 1 / (config.calibrationEpisodes + 1) + tolerance;
    const checks: Check[] = [
      {
        name: "split conformal covers at 1 − α",
        expected: `test whole-episode coverage in [${(target - tolerance).toFixed(3)}, ${upper.toFixed(3)}]`,
        observed: `${avg("conformalCoverage").toFixed(4)} at k = ${avg("conformalK").toFixed(2)} (raw tube at k = ${BIND_WIDTH_K}: ${avg("rawCoverage").toFixed(4)})`,
        pass: avg("conformalCoverage") >= target - tolerance && avg("conformalCoverage") <= upper,
      },
      {
        name: "per-rule (Mondrian) conformal covers every rule at 1 − α",
        expected: `coverage ≥ ${(target - perRuleTolerance).toFixed(3)} in every rule`,
        observed: Array.from({ length: RULE_COUNT }, (_, r) => `rule ${r}: ${avg(`mondrianCoverageRule${r}`).toFixed(3)} (global ${avg(`conformalCoverageRule${r}`).toFixed(3)}, raw ${avg(`rawCoverageRule${r}`).toFixed(3)})`).join("; "),
        pass: Array.from({ length: RULE_COUNT }, (_, r) => avg(`mondrianCoverageRule${r}`) >= target - perRuleTolerance).every(Boolean),
      },
      {
        name: "CQR covers at 1 − α",
        expected: `coverage ≥ ${(target - tolerance).toFixed(3)}`,
        observed: `${avg("cqrCoverage").toFixed(4)}`,
        pass: avg("cqrCoverage") >= target - tolerance,
      },
      {
        name: "adaptive conformal keeps long-run coverage",
        expected: `|coverage − ${target}| ≤ (max(α, 1 − α) + η)/(η·n) = ${((Math.max(config.alpha, 1 - config.alpha) + config.aciStep) / (config.aciStep * config.testEpisodes)).toFixed(3)} on every seed`,
        observed: results.map((r) => (r.final["aciCoverage"] ?? Number.NaN).toFixed(4)).join(", "),
        pass: results.every(
          (r) => Math.abs((r.final["aciCoverage"] ?? Number.NaN) - target) <= (Math.max(config.alpha, 1 - config.alpha) + config.aciStep) / (config.aciStep * config.testEpisodes),
        ),
      },
      {
        name: "coverage vs width table",
        expected: "widths reported (mean full width per coordinate, state units); no ordering required",
        observed: `raw ${avg("rawWidth").toFixed(3)} @ ${avg("rawCoverage").toFixed(3)}; conformal ${avg("conformalWidth").toFixed(3)} @ ${avg("conformalCoverage").toFixed(3)}; Mondrian ${avg("mondrianWidth").toFixed(3)} @ ${avg("mondrianCoverage").toFixed(3)}; CQR ${avg("cqrWidth").toFixed(3)} @ ${avg("cqrCoverage").toFixed(3)}`,
        pass: [avg("rawWidth"), avg("conformalWidth"), avg("mondrianWidth"), avg("cqrWidth")].every((w) => Number.isFinite(w) && w > 0),
      },
    ];
    return checks;
  },
  charts: [{ title: "ACI running coverage over the test stream", series: ["aciCoverage"], yLabel: "coverage" }],
});
