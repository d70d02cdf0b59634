/**
 * Scenario `sparse-multimodal`: Distribution Heads that stay Cold until evidence says an input has several
 * outcomes (@tam/sparse-core; seed 002 L1185-1227, L1296-1302, L1356; SEED-INVENTORY §3.11; ADR 0323).
 *
 * Two nodes learn `y = sin(1.5x) + noise`, x ~ U[−2, 2], with a deterministic point head (a sparse layer on
 * radial features of x, trained by MSE during a warm-up whose last steps use a 10x smaller Adam step, then
 * frozen). In the multimodal task a fair coin adds `±offset` to y where
 * `x > multimodalFrom`; the deterministic control task has no coin. Each node has a Gaussian-mixture
 * Distribution Head over its point head (state = [x]), trained by NLL with a 10x smaller Adam step in its last
 * steps; one `DistributionHeadPlanner` grows both heads (both
 * at depth 0, so the "≤ 1 DH add per depth per cycle" rule binds across them). A Cold head (the point head
 * with a fitted σ0, never grown) is the baseline. Checked: the multimodal head grows, only where the outcome
 * is two-valued, and the control head never grows; the grown head's PIT passes the KS test on every held-out
 * test case (the point head's fails there; ADR 0324); its NLL beats the point head's in the two-valued region
 * and is no worse elsewhere; i.i.d. samples reproduce the coin; probes never touched the heads; ≤ 1 add per
 * depth per cycle.
 */
import { createRng, tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";
import {
  AMBIGUITY_BUFFER_SIZE,
  DistributionHead,
  DistributionHeadPlanner,
  SparseMaskedStack,
  disposeDistributionBatch,
  gaussianMixtureCdf,
  ksUniform,
  type DistributionBatch,
  type DistributionBatchSource,
  type DistributionHeadEvent,
} from "@tam/sparse-core";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** Significance level of the KS checks (the planner's default, ADR 0323). */
const KS_ALPHA = 0.01;
/** "NLL beats the point head" in the two-valued region: by at least this many nats per case. */
const REGION_GAIN_NATS = 0.5;
/** "No worse elsewhere": the grown head's NLL outside the region at most this many nats above the point head's. */
const OUTSIDE_SLACK_NATS = 0.05;
/** Grown components' total weight where the outcome is deterministic (x below `multimodalFrom − GUARD`): at most this. */
const OUTSIDE_WEIGHT_MAX = 0.05;
/** Half-width of the band around the region's edge whose PIT is reported separately (information). */
const EDGE_BAND = 0.2;
/** Distance from the region's edge inside which a smooth gate may still carry weight. */
const EDGE_GUARD = 0.5;
/** i.i.d. samples in the region: share above the point prediction within this of the coin's 0.5. */
const COIN_TOLERANCE = 0.1;
/** i.i.d. samples in the region: share above the point within this many binomial standard errors of the head's own P(y > point). */
const SAMPLING_STANDARD_ERRORS = 4;
/** Radial features of the point head: centres spread evenly over [−2, 2], this many. */
const POINT_FEATURES = 16;
/** The Cold baseline (one parameter, σ0) trains on every this-many-th step: its fit converges long before the end. */
const COLD_BASELINE_EVERY = 4;
/** Width of each radial feature. */
const POINT_FEATURE_WIDTH = 0.35;

const configSchema = z
  .object({
    steps: z.number().int().min(1).default(5000),
    batchSize: z.number().int().min(8).default(128),
    /** Batch of the point head's warm-up (larger: a steadier snapshot when it is frozen). */
    pointBatchSize: z.number().int().min(8).default(512),
    /** Point-head training steps (MSE); then the point head is frozen and the heads train on top of it. */
    warmupSteps: z.number().int().min(0).default(600),
    cycleEvery: z.number().int().min(1).default(100),
    /** Mixture components each head may grow (its structCap). */
    components: z.number().int().min(1).default(4),
    multimodalFrom: z.number().min(-2).max(2).default(0.5),
    modeOffset: z.number().positive().default(1.5),
    noiseStd: z.number().positive().default(0.2),
    pointLearningRate: z.number().positive().default(0.02),
    /** The point head's last warm-up steps run at this smaller step size (Adam's iterate jitter scales with the step). */
    pointFineLearningRate: z.number().positive().default(0.002),
    pointFineSteps: z.number().int().min(0).default(200),
    headLearningRate: z.number().positive().default(0.03),
    /** The heads' last training steps run at this smaller step size (less Adam iterate jitter in the final heads). */
    headFineLearningRate: z.number().positive().default(0.003),
    headFineSteps: z.number().int().min(0).default(300),
    testSize: z.number().int().min(64).default(4000),
    /** Information only: KS also on the first this-many test cases (the planner's buffer size). */
    bufferSize: z.number().int().min(16).default(AMBIGUITY_BUFFER_SIZE),
  })
  .strict()
  .refine((c) => c.pointFineSteps <= c.warmupSteps, { message: "pointFineSteps must be <= warmupSteps", path: ["pointFineSteps"] })
  .refine((c) => c.headFineSteps <= c.steps - c.warmupSteps, { message: "headFineSteps must be <= steps - warmupSteps", path: ["headFineSteps"] });

type Config = z.output<typeof configSchema>;
type TaskName = "multimodal" | "deterministic";

/** Cases of a task: x, the outcome y. */
function cases(rng: Rng, cfg: Config, size: number, task: TaskName): { x: Tensor2D; y: Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform<Rank.R2>([size, 1], -2, 2, "float32", rng.nextSeed());
    const noise = tf.randomNormal([size, 1], 0, cfg.noiseStd, "float32", rng.nextSeed());
    const coin = tf.sub(tf.mul(tf.floor(tf.randomUniform([size, 1], 0, 2, "float32", rng.nextSeed())), 2), 1);
    const region = tf.cast(tf.greater(x, cfg.multimodalFrom), "float32");
    const flip = task === "multimodal" ? tf.mul(tf.mul(region, coin), cfg.modeOffset) : tf.zerosLike(x);
    return { x, y: tf.add<Tensor2D>(tf.add(tf.sin(tf.mul(x, 1.5)), flip), noise) };
  });
}

/** Radial features of x: the point head's input. */
function features(x: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const centres = tf.linspace(-2, 2, POINT_FEATURES).reshape([1, POINT_FEATURES]);
    return tf.exp<Tensor2D>(tf.div(tf.neg(tf.square(tf.sub(x, centres))), 2 * POINT_FEATURE_WIDTH ** 2));
  });
}

/** A node: the point head (sparse layer on radial features, plus a constant column) and its Distribution Head. */
interface Node {
  readonly task: TaskName;
  point: SparseMaskedStack;
  readonly head: DistributionHead;
  /** The point head with a fitted σ0 only (Cold, never grown): the baseline (trained on the multimodal task only). */
  readonly cold: DistributionHead;
  readonly stream: Rng;
}

/** The point head: one dense column over the radial features and a constant, starting from `values`. */
function pointHead(values: Float32Array, learningRate: number): SparseMaskedStack {
  const inFeatures = POINT_FEATURES + 1;
  const keys = Int32Array.from({ length: inFeatures }, (_, i) => i);
  return new SparseMaskedStack({ layers: [{ inFeatures, outFeatures: 1, base: { kind: "zero" }, initial: { keys, values } }], learningRate });
}

function makeNode(task: TaskName, cfg: Config, rng: Rng): Node {
  const point = pointHead(new Float32Array(POINT_FEATURES + 1), cfg.pointLearningRate);
  const options = { kind: "gaussian-mixture", stateDim: 1, cells: cfg.components, learningRate: cfg.headLearningRate } as const;
  return { task, point, head: new DistributionHead({ ...options, id: `${task}-dh` }), cold: new DistributionHead({ ...options, id: `${task}-cold` }), stream: rng };
}

/** The head's batch for cases: state = [x], point = the point head's prediction (no gradient to it). */
function headBatch(node: Node, c: { x: Tensor2D; y: Tensor2D }): DistributionBatch {
  return tf.tidy(() => {
    const input = tf.concat<Tensor2D>([features(c.x), tf.onesLike(c.x)], 1);
    return { state: tf.clone(c.x), point: node.point.forward(input), target: tf.clone(c.y) };
  });
}

/**
 * One step: the point head (MSE) during warm-up, then the Distribution Heads (NLL) on the frozen point head.
 * The Cold baseline has one parameter (σ0) and takes every `COLD_BASELINE_EVERY`-th step.
 */
function trainNode(node: Node, cfg: Config, heads: boolean, step: number): void {
  const c = cases(node.stream, cfg, heads ? cfg.batchSize : cfg.pointBatchSize, node.task);
  if (!heads) {
    if (step === cfg.warmupSteps - cfg.pointFineSteps + 1 && cfg.pointFineLearningRate !== cfg.pointLearningRate) {
      const coarse = node.point;
      node.point = pointHead(coarse.layer("layer0").hotValues(), cfg.pointFineLearningRate);
      coarse.dispose();
    }
    const input = tf.tidy(() => tf.concat<Tensor2D>([features(c.x), tf.onesLike(c.x)], 1));
    node.point.trainStep({ x: input, y: c.y }).dispose();
    input.dispose();
  } else {
    const b = headBatch(node, c);
    node.head.trainStep(b).dispose();
    if (node.task === "multimodal" && step % COLD_BASELINE_EVERY === 0) node.cold.trainStep(b).dispose();
    disposeDistributionBatch(b);
  }
  tf.dispose([c.x, c.y]);
}

function source(node: Node, cfg: Config, rng: Rng): DistributionBatchSource {
  const streams = { buffer: rng.fork("buffer"), rollout: rng.fork("rollout"), eval: rng.fork("eval") };
  return {
    next: (purpose) => {
      const c = cases(streams[purpose], cfg, cfg.batchSize, node.task);
      const b = headBatch(node, c);
      tf.dispose([c.x, c.y]);
      return b;
    },
  };
}

/** Test-set measurements of one node. */
interface Measured {
  readonly nllRegion: number;
  readonly nllOutside: number;
  readonly coldNllRegion: number;
  readonly coldNllOutside: number;
  /** KS of the PIT on every test case (grown head, Cold point head); `ksBuffer` on the first `bufferSize`. */
  readonly ks: { statistic: number; pValue: number };
  readonly coldKs: { statistic: number; pValue: number };
  readonly ksBuffer: { statistic: number; pValue: number };
  /** KS statistic D of the PIT on the test cases of three bands of x: the region's edge, inside it, outside it. */
  readonly ksBands: { edge: number; inside: number; outside: number };
  /** Mean total weight of grown components far from the region (x < multimodalFrom − EDGE_GUARD). */
  readonly outsideWeight: number;
  /** Mean total weight of grown components inside the region. */
  readonly regionWeight: number;
  /** Share of i.i.d. samples above the point prediction, inside the region, and the head's mean P(y > point) there. */
  readonly sampleAboveShare: number;
  readonly predictedAboveShare: number;
  /** Test cases inside the region. */
  readonly regionCases: number;
}

function measure(node: Node, test: DistributionBatch, cfg: Config, rng: Rng): Measured {
  const x = test.state.dataSync();
  const inRegion = (i: number): boolean => (x[i] as number) > cfg.multimodalFrom;
  const means = (values: ArrayLike<number>): { region: number; outside: number } => {
    let [r, nr, o, no] = [0, 0, 0, 0];
    for (let i = 0; i < values.length; i += 1) {
      if (inRegion(i)) [r, nr] = [r + (values[i] as number), nr + 1];
      else [o, no] = [o + (values[i] as number), no + 1];
    }
    return { region: r / Math.max(1, nr), outside: o / Math.max(1, no) };
  };
  const nllOf = (head: DistributionHead): Float32Array => {
    const t = head.perSampleNll(test);
    const out = Float32Array.from(t.dataSync());
    t.dispose();
    return out;
  };
  const nll = means(nllOf(node.head));
  const cold = means(nllOf(node.cold));
  const dist = node.head.hostDistribution(test);
  const point = test.point.dataSync();
  let [outW, outN, inW, inN, predictedAbove] = [0, 0, 0, 0, 0];
  if (dist.kind === "gaussian-mixture") {
    const m = dist.components;
    for (let i = 0; i < dist.batch; i += 1) {
      const grown = 1 - (dist.weights[i * m] as number);
      if (inRegion(i)) {
        [inW, inN] = [inW + grown, inN + 1];
        const row = (a: Float32Array): Float32Array => a.subarray(i * m, (i + 1) * m);
        predictedAbove += 1 - gaussianMixtureCdf(row(dist.weights), row(dist.means), row(dist.sigmas), point[i] as number);
      } else if ((x[i] as number) < cfg.multimodalFrom - EDGE_GUARD) [outW, outN] = [outW + grown, outN + 1];
    }
  }
  const draws = node.head.sample(test, rng);
  let [above, regionCount] = [0, 0];
  draws.forEach((d, i) => {
    if (inRegion(i)) [above, regionCount] = [above + (d > (point[i] as number) ? 1 : 0), regionCount + 1];
  });
  const pit = node.head.pit(test);
  const ks = ksUniform(pit);
  const coldKs = ksUniform(node.cold.pit(test));
  const ksBuffer = ksUniform(pit.subarray(0, Math.min(cfg.bufferSize, pit.length)));
  const band = (lo: number, hi: number): number => {
    const inBand = pit.filter((_, i) => (x[i] as number) > lo && (x[i] as number) <= hi);
    return inBand.length === 0 ? Number.NaN : ksUniform(inBand).statistic;
  };
  const edge = { lo: cfg.multimodalFrom - EDGE_BAND, hi: cfg.multimodalFrom + EDGE_BAND };
  return {
    nllRegion: nll.region,
    nllOutside: nll.outside,
    coldNllRegion: cold.region,
    coldNllOutside: cold.outside,
    ks: { statistic: ks.statistic, pValue: ks.pValue },
    coldKs: { statistic: coldKs.statistic, pValue: coldKs.pValue },
    ksBuffer: { statistic: ksBuffer.statistic, pValue: ksBuffer.pValue },
    ksBands: { edge: band(edge.lo, edge.hi), inside: band(edge.hi, Number.POSITIVE_INFINITY), outside: band(Number.NEGATIVE_INFINITY, edge.lo) },
    outsideWeight: outW / Math.max(1, outN),
    regionWeight: inW / Math.max(1, inN),
    sampleAboveShare: above / Math.max(1, regionCount),
    predictedAboveShare: predictedAbove / Math.max(1, inN),
    regionCases: inN,
  };
}

/** The `sparse-multimodal` scenario. */
export const sparseMultimodalScenario = defineScenario({
  name: "sparse-multimodal",
  description: "Distribution Heads grow only where an input has several outcomes, pass the KS calibration check and beat the point head's NLL there (seed 002 L1185-1227, @tam/sparse-core)",
  configSchema,
  quick: { steps: 2400, testSize: 2000 },
  defaultSeeds: 3,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const nodes = (["multimodal", "deterministic"] as const).map((task) => makeNode(task, config, root.fork(`train-${task}`)));
    const tests = nodes.map((node) => cases(root.fork(`test-${node.task}`), config, config.testSize, node.task));
    const events: DistributionHeadEvent[] = [];
    const planner = new DistributionHeadPlanner({}, { onEvent: (e) => events.push(e) });
    const entries = nodes.map((node) => ({ head: node.head, source: source(node, config, root.fork(`planner-${node.task}`)) }));
    const series: Record<string, SeriesPoint[]> = {
      nllRegionHead: [],
      nllRegionPoint: [],
      nllOutsideHead: [],
      nllOutsidePoint: [],
      hotMultimodal: [],
      hotDeterministic: [],
      bufferKsPValueMultimodal: [],
      bufferKsPValueDeterministic: [],
    };
    const sampleRng = root.fork("samples");
    const [multi, control] = nodes as [Node, Node];
    try {
      let addsPerDepthMax = 0;
      for (let step = 1; step <= config.steps; step += 1) {
        if (step === config.steps - config.headFineSteps + 1) {
          for (const node of nodes) for (const head of [node.head, node.cold]) head.learningRate = config.headFineLearningRate;
        }
        for (const node of nodes) trainNode(node, config, step > config.warmupSteps, step);
        if (step > config.warmupSteps && (step - config.warmupSteps) % config.cycleEvery === 0) {
          const report = planner.runCycle(entries);
          addsPerDepthMax = Math.max(addsPerDepthMax, report.events.filter((e) => e.type === "dh-commit" && e.depth === 0).length);
          const test = headBatch(multi, tests[0] as { x: Tensor2D; y: Tensor2D });
          const m = measure(multi, test, config, sampleRng.fork(`cycle${step}`));
          disposeDistributionBatch(test);
          series["nllRegionHead"]?.push({ step, value: m.nllRegion });
          series["nllRegionPoint"]?.push({ step, value: m.coldNllRegion });
          series["nllOutsideHead"]?.push({ step, value: m.nllOutside });
          series["nllOutsidePoint"]?.push({ step, value: m.coldNllOutside });
          series["hotMultimodal"]?.push({ step, value: multi.head.nnz });
          series["hotDeterministic"]?.push({ step, value: control.head.nnz });
          series["bufferKsPValueMultimodal"]?.push({ step, value: report.calibration[multi.head.id]?.pValue ?? Number.NaN });
          series["bufferKsPValueDeterministic"]?.push({ step, value: report.calibration[control.head.id]?.pValue ?? Number.NaN });
        }
        ctx.progress(step / config.steps);
      }
      const testBatches = nodes.map((node, i) => headBatch(node, tests[i] as { x: Tensor2D; y: Tensor2D }));
      const [mm, cc] = nodes.map((node, i) => measure(node, testBatches[i] as DistributionBatch, config, sampleRng.fork(`final-${node.task}`))) as [Measured, Measured];
      testBatches.forEach(disposeDistributionBatch);
      const commits = events.filter((e): e is Extract<DistributionHeadEvent, { type: "dh-commit" }> => e.type === "dh-commit");
      const of = (id: string): typeof commits => commits.filter((e) => e.objectId === id);
      const probes = events.filter((e) => e.type === "dh-probe");
      const final: Record<string, number> = {
        hotMultimodal: multi.head.nnz,
        hotDeterministic: control.head.nnz,
        commitsMultimodal: of(multi.head.id).length,
        commitsDeterministic: of(control.head.id).length,
        commitsOutsideRegion: of(multi.head.id).filter((e) => !((e.anchor[0] ?? Number.NaN) > config.multimodalFrom)).length,
        nominationsDeterministic: events.filter((e) => e.type === "dh-nominate" && e.objectId === control.head.id).length,
        prunes: events.filter((e) => e.type === "dh-prune").length,
        probes: probes.length,
        probesTouchingBase: probes.filter((e) => e.type === "dh-probe" && !e.baseUntouched).length,
        maxAddsPerDepthPerCycle: addsPerDepthMax,
        ksStatistic: mm.ks.statistic,
        ksPValue: mm.ks.pValue,
        ksStatisticBuffer: mm.ksBuffer.statistic,
        ksPValueBuffer: mm.ksBuffer.pValue,
        ksStatisticEdge: mm.ksBands.edge,
        ksStatisticInside: mm.ksBands.inside,
        ksStatisticOutside: mm.ksBands.outside,
        coldKsPValue: mm.coldKs.pValue,
        controlKsPValue: cc.ks.pValue,
        nllRegion: mm.nllRegion,
        pointNllRegion: mm.coldNllRegion,
        nllOutside: mm.nllOutside,
        pointNllOutside: mm.coldNllOutside,
        controlNll: (cc.nllRegion + cc.nllOutside) / 2,
        grownWeightRegion: mm.regionWeight,
        grownWeightOutside: mm.outsideWeight,
        sampleAboveShare: mm.sampleAboveShare,
        predictedAboveShare: mm.predictedAboveShare,
        regionCases: mm.regionCases,
      };
      return Promise.resolve({ series, final, notes: { commits: commits.map((e) => ({ head: e.objectId, cycle: e.cycle, key: e.key, anchor: e.anchor, meanGain: e.meanGain })) } });
    } finally {
      for (const node of nodes) {
        node.point.dispose();
        node.head.dispose();
        node.cold.dispose();
      }
      for (const t of tests) tf.dispose([t.x, t.y]);
    }
  },
  checks(config, results): readonly Check[] {
    const f = (r: SeedResult, key: string): number => r.final[key] ?? Number.NaN;
    const perSeed = (key: string, digits = 3): string => results.map((r) => f(r, key).toPrecision(digits)).join(", ");
    const all = (pred: (r: SeedResult) => boolean): boolean => results.length > 0 && results.every(pred);
    const sum = (key: string): number => results.reduce((s, r) => s + f(r, key), 0);
    return [
      {
        name: "the Distribution Head grows only where the outcome is multimodal",
        expected: `>= 1 Hot component per seed, every commit anchored at x > ${config.multimodalFrom}; grown weight far outside the region (x < ${config.multimodalFrom - EDGE_GUARD}) <= ${OUTSIDE_WEIGHT_MAX}`,
        observed: `Hot components [${perSeed("hotMultimodal", 1)}], commits outside the region ${sum("commitsOutsideRegion")}; grown weight outside [${perSeed("grownWeightOutside")}], inside [${perSeed("grownWeightRegion")}]`,
        pass: all((r) => f(r, "hotMultimodal") >= 1 && f(r, "commitsOutsideRegion") === 0 && f(r, "grownWeightOutside") <= OUTSIDE_WEIGHT_MAX),
      },
      {
        name: "the deterministic task never grows a Distribution Head",
        expected: "0 commits on the control task, every seed",
        observed: `commits [${perSeed("commitsDeterministic", 1)}], nominations [${perSeed("nominationsDeterministic", 1)}]; its Cold head's KS p on held-out data [${perSeed("controlKsPValue")}] (information: the frozen point head's small bias shows here)`,
        pass: all((r) => f(r, "commitsDeterministic") === 0 && f(r, "hotDeterministic") === 0),
      },
      {
        name: "calibration: the grown head's PIT passes the KS test on all held-out test cases (the point head's does not)",
        expected: `KS p-value on all ${config.testSize} held-out test cases >= ${KS_ALPHA} for the grown head every seed; the point head (Cold) p < ${KS_ALPHA}`,
        observed: `grown head p [${perSeed("ksPValue")}] (D [${perSeed("ksStatistic")}]; D at the edge ${config.multimodalFrom} ± ${EDGE_BAND} [${perSeed("ksStatisticEdge")}], inside [${perSeed("ksStatisticInside")}], outside [${perSeed("ksStatisticOutside")}]; on the first ${config.bufferSize} cases p [${perSeed("ksPValueBuffer")}]); point head p [${perSeed("coldKsPValue")}]`,
        pass: all((r) => f(r, "ksPValue") >= KS_ALPHA && f(r, "coldKsPValue") < KS_ALPHA),
      },
      {
        name: "NLL beats the point head where the outcome is multimodal, and is no worse elsewhere",
        expected: `region NLL <= point head's − ${REGION_GAIN_NATS} nats; outside NLL <= point head's + ${OUTSIDE_SLACK_NATS}`,
        observed: `region [${perSeed("nllRegion")}] vs point [${perSeed("pointNllRegion")}]; outside [${perSeed("nllOutside")}] vs point [${perSeed("pointNllOutside")}]`,
        pass: all((r) => f(r, "nllRegion") <= f(r, "pointNllRegion") - REGION_GAIN_NATS && f(r, "nllOutside") <= f(r, "pointNllOutside") + OUTSIDE_SLACK_NATS),
      },
      {
        name: "memoryless i.i.d. sampling draws the learned probabilities, which reproduce the coin in the region",
        expected: `share of draws above the point prediction within ${SAMPLING_STANDARD_ERRORS} standard errors of the head's mean P(y > point), and within ${COIN_TOLERANCE} of the coin's 0.5`,
        observed: `draws [${perSeed("sampleAboveShare")}], head's P(y > point) [${perSeed("predictedAboveShare")}] over [${perSeed("regionCases", 4)}] cases`,
        pass: all((r) => {
          const p = f(r, "predictedAboveShare");
          const standardError = Math.sqrt((p * (1 - p)) / f(r, "regionCases"));
          return Math.abs(f(r, "sampleAboveShare") - p) <= SAMPLING_STANDARD_ERRORS * standardError && Math.abs(f(r, "sampleAboveShare") - 0.5) <= COIN_TOLERANCE;
        }),
      },
      {
        name: "shadow probes leave the heads untouched; at most one DH add per depth per cycle",
        expected: "0 probes changed a Hot parameter or σ0; max adds per depth per cycle <= 1",
        observed: `${sum("probesTouchingBase")} of ${sum("probes")} probes; max adds [${perSeed("maxAddsPerDepthPerCycle", 1)}]`,
        pass: sum("probesTouchingBase") === 0 && sum("probes") > 0 && all((r) => f(r, "maxAddsPerDepthPerCycle") <= 1),
      },
    ];
  },
  charts: [
    { title: "NLL in the multimodal region: Distribution Head vs point head", series: ["nllRegionHead", "nllRegionPoint"], yLabel: "nats per case" },
    { title: "NLL outside the region", series: ["nllOutsideHead", "nllOutsidePoint"], yLabel: "nats per case" },
    { title: "Hot components", series: ["hotMultimodal", "hotDeterministic"], yLabel: "components" },
    { title: "KS p-value of the PIT on the held-out buffer", series: ["bufferKsPValueMultimodal", "bufferKsPValueDeterministic"], yLabel: "p" },
  ],
});
