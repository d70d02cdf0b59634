/**
 * Scenario `sparse-stencils`: perceptron-local stencils ("innate convolution") on shifted MNIST digits
 * (@tam/sparse-core; seed 002 L1515-1530, L1556-1560, L1791-1832; SEED-INVENTORY §3.13-§3.14; ADR 0330, 0332, 0333).
 *
 * Digits from the `mnist` package are averaged 2x2 (28 → 14) and pasted at a random offset into a blank
 * canvas (translation-invariant task: the class does not depend on where the digit sits). A layer of
 * stencil units on a strided grid, identity-seeded (each unit reads its centre pixel), grows rings and arms
 * through the stencil planner's Warm → Hot cycle; the stencil dynamics pull similar stencils together and
 * soft-tie them into a few shared centre kernels; every `splitEvery` steps the most overloaded unit is split by
 * clone-and-halve and kept or re-merged after a window. Baselines, trained the same way on the same batches:
 * the same stencils never grown, the same stencils fully grown from step 0, and a fixed convolution (tfjs
 * `conv2d`: one dense 5x5 kernel per map, the same unit grid, activation and readout).
 * Checked: exact pass-through at init, stencils emerge by rings/arms, they tie into a few shared kernels with
 * the tied units' weights unchanged at every tie, the tied accounting (centre + residual nnz), splits preserve
 * the function and are decided by evidence, and accuracy vs nnz against the three baselines (ADR 0333).
 */
import { createRequire } from "node:module";
import { AdamWithMoments, createRng, tf, type Rank, type Rng, type Tensor2D, type Tensor4D, type Variable } from "@tam/tensor-backend";
import { StencilCloneSplitPlanner, StencilDynamics, StencilNet, StencilPlanner, computeLoss, disposeBatch, type Batch, type BatchSource, type StencilCloneTrial, type StencilEvent } from "@tam/sparse-core";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** A tie must keep the tied units' weights to float32 rounding: max |Δw| / max(1, |w|). */
const TIE_PRESERVATION_TOLERANCE = 1e-5;

/** A split must not move the output: max |Δlogit| / max(1, |logit|) at the split (float32 rounding). */
const SPLIT_PRESERVATION_TOLERANCE = 1e-5;

/** Grown stencils must beat the never-grown (identity-seeded, subsampled-pixel) control by this much accuracy. */
const GROWTH_GAIN_POINTS = 0.05;
/**
 * ... and stay within this much of the fixed convolution (mean over seeds). The rule (ADR 0333), declared before
 * seeds 4-6 were run: the mean gap on seeds 1-3 (6.0 points at the quick size) plus two standard errors of the
 * difference of two 3-seed means (2 · 3.4 · √(2/3) = 5.6 points), rounded up to a whole point.
 */
const CONV_GAP_POINTS = 0.12;

const configSchema = z
  .object({
    trainSize: z.number().int().min(100).max(8000).default(3000),
    testSize: z.number().int().min(100).max(2000).default(1000),
    /** Canvas side; the 14x14 digit lands at a random offset in [0, canvas − 14]. */
    canvas: z.number().int().min(14).max(28).default(18),
    radius: z.number().int().min(1).max(4).default(2),
    stride: z.number().int().min(1).default(3),
    maps: z.number().int().min(1).default(2),
    steps: z.number().int().min(1).default(1200),
    batchSize: z.number().int().min(1).default(32),
    learningRate: z.number().positive().default(0.01),
    cycleEvery: z.number().int().min(1).default(10),
    dynamicsEvery: z.number().int().min(1).default(10),
    /** Cap on Hot stencil cells (`C_struct`). */
    structCap: z.number().int().min(1).default(1200),
    maxCentres: z.number().int().min(1).default(6),
    commitsPerCycle: z.number().int().min(1).default(6),
    shortlistSize: z.number().int().min(1).default(10),
    evalEvery: z.number().int().min(1).default(100),
    /** Steps between stencil clone-and-halve trials (a trial starts only when its window fits before the end). */
    splitEvery: z.number().int().min(1).default(100),
    /** Training steps of a split before its keep/re-merge decision. */
    splitWindow: z.number().int().min(1).default(50),
  })
  .strict()
  .refine((c) => c.canvas >= 14, { message: "canvas must be >= 14", path: ["canvas"] });

type Config = z.output<typeof configSchema>;

interface Dataset {
  readonly images: Float32Array[];
  readonly labels: number[];
}

/** MNIST digits (src/digits/<d>.json, 784 floats per image), 2x2-averaged to 14x14; per-digit 80/20 split. */
function loadDigits(rng: Rng, trainSize: number, testSize: number): { train: Dataset; test: Dataset } {
  const require = createRequire(import.meta.url);
  const train: { image: Float32Array; label: number }[] = [];
  const test: { image: Float32Array; label: number }[] = [];
  for (let digit = 0; digit < 10; digit += 1) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    const count = Math.floor(raw.length / 784);
    const cut = Math.floor(count * 0.8);
    for (let i = 0; i < count; i += 1) {
      const small = new Float32Array(196);
      for (let y = 0; y < 14; y += 1) {
        for (let x = 0; x < 14; x += 1) {
          const at = i * 784 + 2 * y * 28 + 2 * x;
          small[y * 14 + x] = ((raw[at] as number) + (raw[at + 1] as number) + (raw[at + 28] as number) + (raw[at + 29] as number)) / 4;
        }
      }
      (i < cut ? train : test).push({ image: small, label: digit });
    }
  }
  const pick = (all: { image: Float32Array; label: number }[], size: number, label: string): Dataset => {
    const chosen = rng.fork(label).shuffle(all).slice(0, size);
    return { images: chosen.map((c) => c.image), labels: chosen.map((c) => c.label) };
  };
  return { train: pick(train, trainSize, "train"), test: pick(test, testSize, "test") };
}

/** Paste 14x14 digits at random offsets into a `canvas x canvas` image; one-hot labels. */
function shiftedBatch(data: Dataset, rng: Rng, size: number, canvas: number, indices?: readonly number[]): Batch {
  const x = new Float32Array(size * canvas * canvas);
  const y = new Float32Array(size * 10);
  const room = canvas - 14;
  for (let b = 0; b < size; b += 1) {
    const i = indices?.[b] ?? rng.int(0, data.images.length);
    const image = data.images[i] as Float32Array;
    const oy = rng.int(0, room + 1);
    const ox = rng.int(0, room + 1);
    for (let r = 0; r < 14; r += 1) x.set(image.subarray(r * 14, (r + 1) * 14), b * canvas * canvas + (oy + r) * canvas + ox);
    y[b * 10 + (data.labels[i] as number)] = 1;
  }
  return { x: tf.tensor2d(x, [size, canvas * canvas]), y: tf.tensor2d(y, [size, 10]) };
}

/** The fixed convolution baseline: a dense `k x k` kernel per map at the units' grid, relu, dense readout. */
class ConvBaseline {
  readonly kernel: Variable;
  readonly readout: Variable;
  readonly bias: Variable;
  private readonly optimizer: AdamWithMoments;

  constructor(
    private readonly cfg: Config,
    rng: Rng,
    units: number,
  ) {
    const k = 2 * cfg.radius + 1;
    const kernel = Float32Array.from({ length: k * k * cfg.maps }, () => rng.normal(0, 1 / k));
    const readout = Float32Array.from({ length: units * 10 }, () => rng.normal(0, 1 / Math.sqrt(units)));
    this.kernel = tf.variable(tf.tensor4d(kernel, [k, k, 1, cfg.maps]), true);
    this.readout = tf.variable(tf.tensor2d(readout, [units, 10]), true);
    this.bias = tf.variable(tf.zeros([10]), true);
    this.optimizer = new AdamWithMoments({ kernel: this.kernel, readout: this.readout, bias: this.bias }, { learningRate: cfg.learningRate });
  }

  /** Dense parameters of the convolution (the shared kernels). */
  get nnz(): number {
    return this.kernel.size;
  }

  forward(x: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const c = this.cfg.canvas;
      const image = tf.reshape<Rank.R4>(x, [x.shape[0], c, c, 1]);
      // Explicit padding puts output i at canvas position start + i·stride, the stencil units' grid.
      const pad = this.cfg.radius - Math.floor((this.cfg.stride - 1) / 2);
      const padded = tf.pad(image, [
        [0, 0],
        [pad, this.cfg.radius],
        [pad, this.cfg.radius],
        [0, 0],
      ]);
      const maps = tf.relu(tf.conv2d(padded, this.kernel as Tensor4D, this.cfg.stride, "valid"));
      const units = this.readout.shape[0];
      return tf.add<Tensor2D>(tf.matMul(tf.reshape(maps, [x.shape[0], units]), this.readout), this.bias);
    });
  }

  trainStep(batch: Batch): void {
    this.optimizer.minimize(() => computeLoss("softmax-cross-entropy", this.forward(batch.x), batch.y)).dispose();
  }

  accuracy(batch: Batch): number {
    return accuracyOf((x) => this.forward(x), batch);
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.kernel, this.readout, this.bias]);
  }
}

function accuracyOf(forward: (x: Tensor2D) => Tensor2D, batch: Batch): number {
  const hits = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(forward(batch.x), 1), tf.argMax(batch.y, 1)), "float32")));
  const value = hits.dataSync()[0] as number;
  hits.dispose();
  return value;
}

/** The `sparse-stencils` scenario. */
export const sparseStencilsScenario = defineScenario({
  name: "sparse-stencils",
  description: "Perceptron-local stencils on shifted MNIST: rings/arms grow by evidence, similar stencils tie into a few shared kernels; accuracy vs nnz against a fixed convolution (seed 002 L1515-1530, L1791-1832, @tam/sparse-core)",
  configSchema,
  quick: { trainSize: 1200, testSize: 500, steps: 400, cycleEvery: 5, shortlistSize: 8, evalEvery: 100 },
  defaultSeeds: 3,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const { train, test: testData } = loadDigits(root.fork("data"), config.trainSize, config.testSize);
    const test = shiftedBatch(testData, root.fork("test-shift"), testData.images.length, config.canvas, testData.images.map((_, i) => i));
    const stream = root.fork("train");
    const planStream = root.fork("planner");
    const source: BatchSource = { next: () => shiftedBatch(train, planStream, config.batchSize, config.canvas) };
    const events: StencilEvent[] = [];
    let net = new StencilNet({
      layer: { geometry: { height: config.canvas, width: config.canvas, radius: config.radius, stride: config.stride, start: 1, maps: config.maps }, seed: { kind: "identity" }, budget: { structCap: config.structCap }, maxCentres: config.maxCentres },
      outputs: 10,
      learningRate: config.learningRate,
      rng: root.fork("readout"),
    });
    // Control: the same identity-seeded stencils, trained but never grown (a subsampled-pixel model).
    const seedOnly = new StencilNet({
      layer: { geometry: { height: config.canvas, width: config.canvas, radius: config.radius, stride: config.stride, start: 1, maps: config.maps }, seed: { kind: "identity" } },
      outputs: 10,
      learningRate: config.learningRate,
      rng: root.fork("readout"),
    });
    // Ceiling of growth: every in-grid cell of every stencil Hot from step 0 (a locally connected layer, untied).
    const local = new StencilNet({
      layer: { geometry: { height: config.canvas, width: config.canvas, radius: config.radius, stride: config.stride, start: 1, maps: config.maps }, seed: { kind: "identity" } },
      outputs: 10,
      learningRate: config.learningRate,
      rng: root.fork("readout"),
    });
    const g = net.stencil.geometry;
    const allCells = Array.from({ length: g.units * g.offsets }, (_, key) => key).filter((key) => key % g.offsets !== 0 && g.inGrid(key));
    local.commitCells(local.stencil.id, Int32Array.from(allCells), new Float32Array(allCells.length));
    const conv = new ConvBaseline(config, root.fork("conv"), g.units);
    const splitter = new StencilCloneSplitPlanner({ windowSteps: config.splitWindow }, { onEvent: (e) => events.push(e) });
    const splitRng = root.fork("split");
    let trial: StencilCloneTrial | undefined;
    const planner = new StencilPlanner({ maxCommitsPerCycle: config.commitsPerCycle, shortlistSize: config.shortlistSize }, { onEvent: (e) => events.push(e) });
    let tieWorst = 0;
    let ties = 0;
    const dynamics = new StencilDynamics({}, { onEvent: (e) => events.push(e) });
    const series: Record<string, SeriesPoint[]> = { stencilAccuracy: [], convAccuracy: [], seedOnlyAccuracy: [], localAccuracy: [], stencilUnits: [], stencilActiveNnz: [], stencilUntiedNnz: [], convNnz: [], hotCells: [], liveCentres: [], tiedUnits: [] };
    const eps = planner.config.epsilon;
    try {
      // Identity seed: every unit reads exactly its centre pixel.
      const h = net.stencil.forward(test.x);
      const pixels = tf.gather(test.x, tf.tensor1d(Int32Array.from({ length: g.units }, (_, u) => g.pixelOf(u, 0)), "int32"), 1);
      const passThroughExact = Number(tf.tidy(() => tf.all(tf.equal(h, pixels)).dataSync()[0]) === 1);
      tf.dispose([h, pixels]);
      const tiedCount = (): number => Array.from({ length: net.stencil.shape[0] }, (_, u) => net.stencil.tieOf(u)).filter((k) => k >= 0).length;
      const record = (step: number): void => {
        const counters = net.stencil.counters(eps);
        const lit = net.stencil.hotValues().filter((v) => Math.abs(v) > eps).length;
        series["stencilAccuracy"]?.push({ step, value: net.accuracy(test) });
        series["convAccuracy"]?.push({ step, value: conv.accuracy(test) });
        series["seedOnlyAccuracy"]?.push({ step, value: seedOnly.accuracy(test) });
        series["localAccuracy"]?.push({ step, value: local.accuracy(test) });
        series["stencilUnits"]?.push({ step, value: net.stencil.shape[0] });
        series["stencilActiveNnz"]?.push({ step, value: counters.cActive });
        series["stencilUntiedNnz"]?.push({ step, value: lit });
        series["convNnz"]?.push({ step, value: conv.nnz });
        series["hotCells"]?.push({ step, value: counters.cStruct });
        series["liveCentres"]?.push({ step, value: net.stencil.liveCentres().length });
        series["tiedUnits"]?.push({ step, value: tiedCount() });
      };
      record(0);
      for (let step = 1; step <= config.steps; step += 1) {
        const b = shiftedBatch(train, stream, config.batchSize, config.canvas);
        net.trainStep(b).dispose();
        conv.trainStep(b);
        seedOnly.trainStep(b).dispose();
        local.trainStep(b).dispose();
        disposeBatch(b);
        // Clone-and-halve (ADR 0332): split the most overloaded unit, train the split net for the window, keep or re-merge.
        if (trial !== undefined && splitter.ready(trial)) {
          net = splitter.decide(trial, source).net;
          trial = undefined;
        } else if (trial === undefined && step % config.splitEvery === 0 && step + config.splitWindow <= config.steps) {
          trial = splitter.begin(net, source, splitRng.fork(`step${step}`));
          if (trial !== undefined) {
            net.dispose();
            net = trial.net;
          }
        }
        if (step % config.cycleEvery === 0) planner.runCycle(net, source);
        if (step % config.dynamicsEvery === 0) {
          const stencilBefore = net.stencil.stencilMatrix();
          const scale = Math.max(1, ...Array.from(stencilBefore, Math.abs));
          const tiesBefore = events.filter((e) => e.type === "stencil-tie").length;
          dynamics.step(net, source);
          const newTies = events.filter((e) => e.type === "stencil-tie").length - tiesBefore;
          if (newTies > 0) {
            // A tie must not move the output: the tied units' effective weights (centre + residual) equal their
            // weights before the step (gravity moves only units that stay untied).
            const stencilAfter = net.stencil.stencilMatrix();
            const tiedNow = events.filter((e) => e.type === "stencil-tie").slice(-newTies).flatMap((e) => (e.type === "stencil-tie" ? e.units : []));
            let worst = 0;
            for (const u of tiedNow) for (let o = 0; o < g.offsets; o += 1) worst = Math.max(worst, Math.abs((stencilAfter[u * g.offsets + o] as number) - (stencilBefore[u * g.offsets + o] as number)));
            tieWorst = Math.max(tieWorst, worst / scale);
            ties += newTies;
          }
        }
        if (step % config.evalEvery === 0 || step === config.steps) record(step);
        ctx.progress(step / config.steps);
      }
      const counters = net.stencil.counters(eps);
      const hot = net.stencil.hotKeys();
      const centres = net.stencil.liveCentres();
      const tied = tiedCount();
      const units = net.stencil.shape[0];
      const splits = events.filter((e) => e.type === "stencil-clone-split");
      const logitScale = tf.tidy(() => tf.max(tf.abs(net.forward(test.x))).dataSync()[0] as number);
      const commits = events.filter((e) => e.type === "stencil-commit");
      const maxRing = Math.max(0, ...Array.from(hot, (k) => g.ringOf(k % g.offsets)));
      const final: Record<string, number> = {
        stencilAccuracy: net.accuracy(test),
        convAccuracy: conv.accuracy(test),
        seedOnlyAccuracy: seedOnly.accuracy(test),
        stencilActiveNnz: counters.cActive,
        stencilUntiedNnz: net.stencil.hotValues().filter((v) => Math.abs(v) > eps).length,
        convNnz: conv.nnz,
        hotCells: counters.cStruct,
        meanCellsPerUnit: counters.cStruct / units,
        maxRing,
        units,
        gridUnits: g.units,
        localAccuracy: local.accuracy(test),
        localNnz: local.stencil.nnz,
        splits: splits.length,
        splitsKept: events.filter((e) => e.type === "stencil-clone-keep").length,
        splitsRemerged: events.filter((e) => e.type === "stencil-clone-remerge").length,
        maxSplitRelativeChange: Math.max(0, ...splits.map((e) => (e.type === "stencil-clone-split" ? e.exactPreservationError : 0))) / Math.max(1, logitScale),
        maxNoisySplitRelativeChange: Math.max(0, ...splits.map((e) => (e.type === "stencil-clone-split" ? e.preservationError : 0))) / Math.max(1, logitScale),
        ringCommits: commits.filter((e) => e.type === "stencil-commit" && e.shape === "ring").length,
        armCommits: commits.filter((e) => e.type === "stencil-commit" && e.shape === "arm").length,
        cooledCells: events.reduce((s, e) => s + (e.type === "stencil-cool" ? e.keys.length : 0), 0),
        liveCentres: centres.length,
        tiedUnits: tied,
        ties,
        escapes: events.filter((e) => e.type === "stencil-escape").length,
        maxTieRelativeChange: tieWorst,
        passThroughExact,
      };
      return Promise.resolve({ series, final });
    } finally {
      net.dispose();
      seedOnly.dispose();
      local.dispose();
      conv.dispose();
      disposeBatch(test);
    }
  },
  checks(config, results): readonly Check[] {
    const perSeed = (key: string, digits = 4): string => results.map((r) => (r.final[key] ?? Number.NaN).toPrecision(digits)).join(", ");
    const all = (pred: (r: SeedResult) => boolean): boolean => results.length > 0 && results.every(pred);
    const f = (r: SeedResult, key: string): number => r.final[key] ?? Number.NaN;
    const mean = (value: (r: SeedResult) => number): number => results.reduce((s, r) => s + value(r), 0) / results.length;
    // Accuracy on the straight line from the never-grown layer (one cell per unit) to the fully grown one, at the stencils' Hot cells.
    const proportional = (r: SeedResult): number =>
      f(r, "seedOnlyAccuracy") + ((f(r, "localAccuracy") - f(r, "seedOnlyAccuracy")) * (f(r, "hotCells") - f(r, "gridUnits"))) / (f(r, "localNnz") - f(r, "gridUnits"));
    return [
      {
        name: "identity-seeded stencils are an exact pass-through at init",
        expected: "each unit's output equals its centre pixel bit for bit",
        observed: `exact per seed [${perSeed("passThroughExact", 1)}]`,
        pass: all((r) => f(r, "passThroughExact") === 1),
      },
      {
        name: "stencils emerge: rings and arms grow by evidence",
        expected: ">= 1 ring and >= 1 arm commit per seed, mean Hot cells per unit > 2",
        observed: `ring commits [${perSeed("ringCommits", 3)}], arm commits [${perSeed("armCommits", 3)}], cells per unit [${perSeed("meanCellsPerUnit", 3)}], outermost ring [${perSeed("maxRing", 1)}]`,
        pass: all((r) => f(r, "ringCommits") >= 1 && f(r, "armCommits") >= 1 && f(r, "meanCellsPerUnit") > 2),
      },
      {
        name: "similar stencils tie into a few shared kernels, each tie preserving the function",
        expected: `1..${config.maxCentres} live centres and >= 10 % of units tied per seed; each tie leaves the tied units' weights unchanged (<= ${TIE_PRESERVATION_TOLERANCE} relative to max(1, |w|))`,
        observed: `live centres [${perSeed("liveCentres", 2)}], tied units [${perSeed("tiedUnits", 3)}] of [${perSeed("units", 3)}], ties [${perSeed("ties", 3)}], escapes [${perSeed("escapes", 2)}], worst change [${perSeed("maxTieRelativeChange", 2)}]`,
        pass: all((r) => f(r, "liveCentres") >= 1 && f(r, "liveCentres") <= config.maxCentres && f(r, "tiedUnits") >= 0.1 * f(r, "units") && f(r, "maxTieRelativeChange") <= TIE_PRESERVATION_TOLERANCE),
      },
      {
        name: "tied stencils count one centre plus residual nnz",
        expected: "C_active (tied accounting) < lit effective cells, every seed",
        observed: `C_active [${perSeed("stencilActiveNnz", 4)}] vs lit cells [${perSeed("stencilUntiedNnz", 4)}]`,
        pass: all((r) => f(r, "stencilActiveNnz") < f(r, "stencilUntiedNnz")),
      },
      {
        name: "stencil clone-and-halve preserves the function and is kept or re-merged by evidence",
        expected: `>= 1 split per seed, each decided (keep or re-merge) after its window; output change of each split without its antithetic noise <= ${SPLIT_PRESERVATION_TOLERANCE} relative to max(1, |logit|) (with the noise: reported)`,
        observed: `splits [${perSeed("splits", 2)}], kept [${perSeed("splitsKept", 2)}], re-merged [${perSeed("splitsRemerged", 2)}], worst change [${perSeed("maxSplitRelativeChange", 2)}], with noise [${perSeed("maxNoisySplitRelativeChange", 2)}]`,
        pass: all((r) => f(r, "splits") >= 1 && f(r, "splitsKept") + f(r, "splitsRemerged") === f(r, "splits") && f(r, "maxSplitRelativeChange") <= SPLIT_PRESERVATION_TOLERANCE),
      },
      {
        name: "accuracy vs nnz: grown stencils beat never-grown ones and a proportional share of the fully grown layer",
        expected: `mean over seeds: stencil accuracy >= never-grown + ${GROWTH_GAIN_POINTS * 100} points, and >= the line from never-grown (one cell per unit) to fully grown (every in-grid cell Hot) at the stencils' Hot cells`,
        observed: `stencils [${perSeed("stencilAccuracy", 3)}] at Hot cells [${perSeed("hotCells", 4)}] (C_active [${perSeed("stencilActiveNnz", 4)}]); never grown [${perSeed("seedOnlyAccuracy", 3)}] at [${perSeed("gridUnits", 3)}]; fully grown [${perSeed("localAccuracy", 3)}] at [${perSeed("localNnz", 4)}]; line at the stencils' cells [${results.map((r) => proportional(r).toPrecision(3)).join(", ")}]`,
        pass: results.length > 0 && mean((r) => f(r, "stencilAccuracy") - f(r, "seedOnlyAccuracy")) >= GROWTH_GAIN_POINTS && mean((r) => f(r, "stencilAccuracy") - proportional(r)) >= 0,
      },
      {
        name: "accuracy vs nnz against the fixed convolution",
        expected: `mean over seeds: stencil accuracy >= the convolution's − ${CONV_GAP_POINTS * 100} points (allowance from the rule in ADR 0333); the convolution's shared kernel weights and compute paths reported`,
        observed: `stencils [${perSeed("stencilAccuracy", 3)}] at C_active [${perSeed("stencilActiveNnz", 4)}]; convolution [${perSeed("convAccuracy", 3)}] at [${perSeed("convNnz", 3)}] shared weights, [${perSeed("localNnz", 4)}] paths; mean gap ${(mean((r) => f(r, "stencilAccuracy") - f(r, "convAccuracy")) * 100).toFixed(1)} points`,
        pass: results.length > 0 && mean((r) => f(r, "stencilAccuracy") - f(r, "convAccuracy")) >= -CONV_GAP_POINTS,
      },
    ];
  },
  charts: [
    { title: "Test accuracy: grown stencils, never-grown stencils, fully grown stencils, fixed convolution", series: ["stencilAccuracy", "seedOnlyAccuracy", "localAccuracy", "convAccuracy"], yLabel: "accuracy" },
    { title: "Stencil units (clone-and-halve)", series: ["stencilUnits"], yLabel: "units" },
    { title: "nnz: stencils (tied accounting, lit cells) vs convolution kernels", series: ["stencilActiveNnz", "stencilUntiedNnz", "convNnz"], yLabel: "nnz" },
    { title: "Shared kernels", series: ["liveCentres", "tiedUnits"], yLabel: "count" },
    { title: "Hot stencil cells", series: ["hotCells"], yLabel: "C_struct" },
  ],
});
