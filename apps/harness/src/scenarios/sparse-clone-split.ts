/**
 * Scenario `sparse-clone-split`: clone-and-split of hidden units over training (@tam/sparse-core; seed 002
 * L1314-1324, SEED-INVENTORY §3.9; ADR 0320). A one-unit relu student learns a teacher with several relu
 * units plus noise; every `splitEvery` steps the clone-split planner splits the most overloaded unit
 * (downstream halving, antithetic incoming noise), trains the split stack for a window, then keeps the clone
 * or re-merges it by ΔLoss against its own re-merge on fresh batches. Checked: the split preserves the
 * function at t = 0, an immediate re-merge gives back the parent bit for bit, splits are kept while the
 * student is narrower than the teacher and re-merged once they stop paying (keeps become rarer once the
 * student is as wide as the teacher), and the split run beats a student that never splits.
 */
import { createRng, tf, type Rank, type Rng, type Tensor2D } from "@tam/tensor-backend";
import { CloneSplitPlanner, SparseMaskedStack, cloneSplit, disposeBatch, remerge, type Batch, type BatchSource, type CloneSplitEvent, type CloneSplitTrial } from "@tam/sparse-core";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** A noise-free split must reproduce the parent's output to float32 rounding: this many units of |y|. */
const PRESERVATION_TOLERANCE = 1e-5;
/** "Beats the student that never splits": final test loss at most this fraction of the fixed student's. */
const BEATS_FIXED_FRACTION = 0.5;

const configSchema = z
  .object({
    inFeatures: z.number().int().min(1).default(6),
    teacherUnits: z.number().int().min(2).default(4),
    noiseStd: z.number().min(0).default(0.1),
    steps: z.number().int().min(1).default(3000),
    batchSize: z.number().int().min(1).default(64),
    learningRate: z.number().positive().default(0.02),
    splitEvery: z.number().int().min(1).default(200),
    windowSteps: z.number().int().min(1).default(150),
    evalBatches: z.number().int().min(1).default(8),
    incomingNoiseStd: z.number().min(0).default(0.01),
    testSize: z.number().int().min(1).default(2048),
    evalEvery: z.number().int().min(1).default(50),
  })
  .strict();

type Config = z.output<typeof configSchema>;

/** The teacher `y = Σ_k v_k relu(x·a_k) + noise`, x ~ N(0, I). */
interface Teacher {
  readonly a: Tensor2D;
  readonly v: Tensor2D;
}

function makeTeacher(rng: Rng, cfg: Config): Teacher {
  const a = Float32Array.from({ length: cfg.inFeatures * cfg.teacherUnits }, () => rng.normal(0, 1));
  const v = Float32Array.from({ length: cfg.teacherUnits }, () => rng.uniform(0.5, 1.5));
  return { a: tf.tensor2d(a, [cfg.inFeatures, cfg.teacherUnits]), v: tf.tensor2d(v, [cfg.teacherUnits, 1]) };
}

function sample(teacher: Teacher, rng: Rng, cfg: Config, size: number): Batch {
  return tf.tidy(() => {
    const x = tf.randomNormal<Rank.R2>([size, cfg.inFeatures], 0, 1, "float32", rng.nextSeed());
    const clean = tf.matMul(tf.relu(tf.matMul(x, teacher.a)), teacher.v);
    return { x, y: tf.add<Tensor2D>(clean, tf.randomNormal(clean.shape, 0, cfg.noiseStd, "float32", rng.nextSeed())) };
  });
}

/** A one-unit relu student with dense Hot cells (zero bases: a plain MLP). */
function student(rng: Rng, cfg: Config): SparseMaskedStack {
  const keys0 = Int32Array.from({ length: cfg.inFeatures }, (_, k) => k);
  return new SparseMaskedStack({
    layers: [
      { inFeatures: cfg.inFeatures, outFeatures: 1, base: { kind: "zero" }, initial: { keys: keys0, values: Float32Array.from(keys0, () => rng.normal(0, 1 / Math.sqrt(cfg.inFeatures))) } },
      { inFeatures: 1, outFeatures: 1, base: { kind: "zero" }, initial: { keys: Int32Array.of(0), values: Float32Array.of(1) } },
    ],
    activation: "relu",
    learningRate: cfg.learningRate,
  });
}

function cells(net: SparseMaskedStack): number {
  return net.layers.reduce((n, l) => n + l.nnz, 0);
}

function outputs(net: SparseMaskedStack, x: Tensor2D): Float32Array {
  const y = net.forward(x);
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

/**
 * The exact claims at a split, on a noise-free twin of the planner's split: the output is unchanged to float32
 * rounding (relative to max |y|), and an immediate re-merge gives the parent's Hot sets and values bit for bit.
 */
function exactSplitFacts(parent: SparseMaskedStack, trial: CloneSplitTrial, test: Batch): { relativeError: number; remergeExact: boolean } {
  const { stack: twin, record } = cloneSplit(parent, { layerId: trial.nomination.layerId, unit: trial.nomination.unit });
  const y = outputs(parent, test.x);
  const yTwin = outputs(twin, test.x);
  let worst = 0;
  let scale = 1;
  y.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - (yTwin[i] as number)));
    scale = Math.max(scale, Math.abs(v));
  });
  const back = remerge(twin, record);
  const remergeExact = back.layers.every((l, i) => {
    const p = parent.layers[i] as SparseMaskedStack["layers"][number];
    return bitEqual(Float32Array.from(l.hotKeys()), Float32Array.from(p.hotKeys())) && bitEqual(l.hotValues(), p.hotValues());
  });
  twin.dispose();
  back.dispose();
  return { relativeError: worst / scale, remergeExact };
}

/** The `sparse-clone-split` scenario. */
export const sparseCloneSplitScenario = defineScenario({
  name: "sparse-clone-split",
  description: "Clone-and-split of hidden units: function preservation at t = 0 and keep/re-merge decisions over training (seed 002 L1314-1324, @tam/sparse-core)",
  configSchema,
  quick: { steps: 1400, splitEvery: 200, windowSteps: 120, testSize: 512, evalEvery: 100, teacherUnits: 3 },
  defaultSeeds: 3,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const teacher = makeTeacher(root.fork("teacher"), config);
    const test = sample(teacher, root.fork("test"), config, config.testSize);
    const stream = root.fork("train");
    const evalStream = root.fork("eval");
    const source: BatchSource = { next: (purpose) => sample(teacher, purpose === "rollout" ? stream : evalStream, config, config.batchSize) };
    const events: CloneSplitEvent[] = [];
    const splitter = new CloneSplitPlanner({ windowSteps: config.windowSteps, evalBatches: config.evalBatches, incomingNoiseStd: config.incomingNoiseStd }, { onEvent: (e) => events.push(e) });
    const series: Record<string, SeriesPoint[]> = { testLoss: [], fixedTestLoss: [], hiddenUnits: [], cells: [] };
    let net = student(root.fork("student"), config);
    const fixed = student(root.fork("student"), config);
    const fixedStream = root.fork("train-fixed");
    let trial: CloneSplitTrial | undefined;
    let worstPreservation = 0;
    let remergeMismatches = 0;
    let exactChecks = 0;
    const decisions: { kept: boolean; widthBefore: number; meanGain: number; winRate: number; cellsRestored: boolean }[] = [];
    let cellsBeforeSplit = 0;
    try {
      for (let step = 1; step <= config.steps; step += 1) {
        const b = sample(teacher, stream, config, config.batchSize);
        net.trainStep(b).dispose();
        disposeBatch(b);
        const fb = sample(teacher, fixedStream, config, config.batchSize);
        fixed.trainStep(fb).dispose();
        disposeBatch(fb);
        if (trial !== undefined && splitter.ready(trial)) {
          const widthBefore = (net.layers[0] as SparseMaskedStack["layers"][number]).shape[1] - 1;
          const decision = splitter.decide(trial, source);
          net = decision.stack;
          decisions.push({ kept: decision.kept, widthBefore, meanGain: decision.meanGain, winRate: decision.winRate, cellsRestored: decision.kept || cells(net) === cellsBeforeSplit });
          trial = undefined;
        } else if (trial === undefined && step % config.splitEvery === 0 && step + config.windowSteps <= config.steps) {
          const next = splitter.begin(net, source, stream.fork(`split${step}`));
          if (next !== undefined) {
            const facts = exactSplitFacts(net, next, test);
            worstPreservation = Math.max(worstPreservation, facts.relativeError);
            exactChecks += 1;
            if (!facts.remergeExact) remergeMismatches += 1;
            cellsBeforeSplit = cells(net);
            net.dispose();
            net = next.stack;
            trial = next;
          }
        }
        if (step % config.evalEvery === 0 || step === config.steps) {
          series["testLoss"]?.push({ step, value: net.lossValue(test) });
          series["fixedTestLoss"]?.push({ step, value: fixed.lossValue(test) });
          series["hiddenUnits"]?.push({ step, value: (net.layers[0] as SparseMaskedStack["layers"][number]).shape[1] });
          series["cells"]?.push({ step, value: cells(net) });
        }
        ctx.progress(step / config.steps);
      }
      const kept = decisions.filter((d) => d.kept);
      const merged = decisions.filter((d) => !d.kept);
      const antithetic = events.flatMap((e) => (e.type === "clone-split" ? [e.preservationError] : []));
      const final: Record<string, number> = {
        testLoss: net.lossValue(test),
        fixedTestLoss: fixed.lossValue(test),
        noiseFloor: config.noiseStd ** 2,
        hiddenUnits: (net.layers[0] as SparseMaskedStack["layers"][number]).shape[1],
        cells: cells(net),
        splits: decisions.length,
        keeps: kept.length,
        remerges: merged.length,
        keepsBelowTeacherWidth: kept.filter((d) => d.widthBefore < config.teacherUnits).length,
        keepsAtOrAboveTeacherWidth: kept.filter((d) => d.widthBefore >= config.teacherUnits).length,
        decisionsBelowTeacherWidth: decisions.filter((d) => d.widthBefore < config.teacherUnits).length,
        decisionsAtOrAboveTeacherWidth: decisions.filter((d) => d.widthBefore >= config.teacherUnits).length,
        remergesAtOrAboveTeacherWidth: merged.filter((d) => d.widthBefore >= config.teacherUnits).length,
        keepsWithoutEvidence: kept.filter((d) => !(d.meanGain > 0 && d.winRate >= splitter.config.minWinRate)).length,
        remergesNotRestoringCells: merged.filter((d) => !d.cellsRestored).length,
        maxRelativePreservationError: worstPreservation,
        maxAntitheticPreservationError: antithetic.length === 0 ? 0 : Math.max(...antithetic),
        exactSplitChecks: exactChecks,
        remergeMismatches,
      };
      return Promise.resolve({ series, final, notes: { decisions } });
    } finally {
      trial?.stack.dispose();
      if (trial === undefined) net.dispose();
      fixed.dispose();
      disposeBatch(test);
      teacher.a.dispose();
      teacher.v.dispose();
    }
  },
  checks(config, results): readonly Check[] {
    const sum = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0);
    const perSeed = (key: string, digits = 4): string => results.map((r) => (r.final[key] ?? Number.NaN).toPrecision(digits)).join(", ");
    const all = (pred: (r: SeedResult) => boolean): boolean => results.length > 0 && results.every(pred);
    const f = (r: SeedResult, key: string): number => r.final[key] ?? Number.NaN;
    const rate = (keeps: string, decisions: string): string => `${(sum(keeps) / sum(decisions)).toFixed(2)} (${sum(keeps)}/${sum(decisions)})`;
    return [
      {
        name: "function preservation: a split leaves the output unchanged at t = 0 (float32 rounding)",
        expected: `max |y_split − y| / max(1, |y|) <= ${PRESERVATION_TOLERANCE} at every split, with at least one split per seed`,
        observed: `max relative error per seed [${perSeed("maxRelativePreservationError", 3)}] over [${perSeed("exactSplitChecks", 2)}] splits; with the antithetic noise (std ${config.incomingNoiseStd}) [${perSeed("maxAntitheticPreservationError", 3)}]`,
        pass: all((r) => f(r, "exactSplitChecks") >= 1 && f(r, "maxRelativePreservationError") <= PRESERVATION_TOLERANCE),
      },
      {
        name: "re-merge right after a split gives back the parent bit for bit",
        expected: "0 mismatched Hot sets or values",
        observed: `${sum("remergeMismatches")} mismatches over ${sum("exactSplitChecks")} splits`,
        pass: sum("remergeMismatches") === 0 && sum("exactSplitChecks") > 0,
      },
      {
        name: "keep: splits are kept while the student is narrower than the teacher, each on evidence",
        expected: `>= 1 keep below teacher width (${config.teacherUnits}) per seed; every keep had mean ΔLoss > 0 and win-rate >= the planner's minimum`,
        observed: `keeps below teacher width [${perSeed("keepsBelowTeacherWidth", 2)}], keeps [${perSeed("keeps", 2)}], keeps without evidence ${sum("keepsWithoutEvidence")}; final width [${perSeed("hiddenUnits", 2)}]`,
        pass: all((r) => f(r, "keepsBelowTeacherWidth") >= 1) && sum("keepsWithoutEvidence") === 0,
      },
      {
        name: "re-merge: splits that stop paying are re-merged and their tokens reclaimed; keeps become rarer once the student is as wide as the teacher",
        expected: ">= 1 re-merge per seed; every re-merge restores the cell count; keep rate at or above the teacher width < keep rate below it (pooled over seeds)",
        observed: `re-merges [${perSeed("remerges", 2)}], not restoring cells ${sum("remergesNotRestoringCells")}; keep rate below teacher width ${rate("keepsBelowTeacherWidth", "decisionsBelowTeacherWidth")}, at or above ${rate("keepsAtOrAboveTeacherWidth", "decisionsAtOrAboveTeacherWidth")}; final width [${perSeed("hiddenUnits", 2)}] for a ${config.teacherUnits}-unit teacher`,
        pass:
          all((r) => f(r, "remerges") >= 1) &&
          sum("remergesNotRestoringCells") === 0 &&
          sum("decisionsAtOrAboveTeacherWidth") > 0 &&
          sum("keepsAtOrAboveTeacherWidth") / sum("decisionsAtOrAboveTeacherWidth") < sum("keepsBelowTeacherWidth") / sum("decisionsBelowTeacherWidth"),
      },
      {
        name: "splitting pays: the split run beats the same student trained without splits",
        expected: `final test loss <= ${BEATS_FIXED_FRACTION} × the never-split student's, every seed`,
        observed: `split [${perSeed("testLoss")}], never split [${perSeed("fixedTestLoss")}], noise floor ${(config.noiseStd ** 2).toPrecision(3)}`,
        pass: all((r) => f(r, "testLoss") <= BEATS_FIXED_FRACTION * f(r, "fixedTestLoss")),
      },
    ];
  },
  charts: [
    { title: "Test loss: clone-and-split vs never split", series: ["testLoss", "fixedTestLoss"], yLabel: "MSE" },
    { title: "Hidden units", series: ["hiddenUnits"], yLabel: "units" },
    { title: "Hot cells", series: ["cells"], yLabel: "C_struct" },
  ],
});
