// Reuse actors replace only z_intent; the shuffled baselines keep the other part native; k-means finds
// separated prototypes; memory is a bounded ring; the transfer evaluation's oracle (A's actor acting in
// B through the known transform) reproduces A's own episodes exactly (the positive control); functor
// training and evaluation leave no tensors behind and are deterministic per seed.
// Source: 001_4e7658869d462183.txt §F L106–125, §G, §H, §J; SEED-INVENTORY.md §6.6–6.11, H001-D/E.
import { createRng, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EpisodeMemory,
  EquivalentWorld,
  FactoredActor,
  IntentFunctorTrainer,
  LinearIntentFunctor,
  MemoryReuseActor,
  PrototypeReuseActor,
  actorConfigFor,
  buildPairedDataset,
  evaluateTransfer,
  kMeans,
  runWithLatents,
  shuffleIntents,
  shuffleReals,
  trainFactoredActor,
  type IntentFunctor,
} from "../src/index.js";
import { useBackend } from "./backends.js";

const standard = new EquivalentWorld("standard");
const mirrored = new EquivalentWorld("mirrored");

beforeAll(async () => {
  await useBackend("wasm");
});

describe("reuse and baselines", () => {
  it("k-means recovers well separated clusters", () => {
    const rng = createRng(1);
    const centres = [
      [5, 0],
      [-5, 0],
      [0, 5],
    ];
    const pts = new Float32Array(90 * 2);
    for (let i = 0; i < 90; i++) {
      const c = centres[i % 3] ?? [0, 0];
      pts[2 * i] = (c[0] ?? 0) + 0.1 * rng.normal();
      pts[2 * i + 1] = (c[1] ?? 0) + 0.1 * rng.normal();
    }
    const found = kMeans(pts, 2, 3, createRng(2));
    for (const c of centres) {
      const best = Math.min(...[0, 1, 2].map((j) => Math.hypot((found[2 * j] ?? 0) - (c[0] ?? 0), (found[2 * j + 1] ?? 0) - (c[1] ?? 0))));
      expect(best).toBeLessThan(0.1);
    }
    expect(() => kMeans(pts, 2, 0, createRng(2))).toThrow(/k must be/);
  });

  it("memory is a bounded ring and nearestIntent finds the closest record", () => {
    const memory = new EpisodeMemory(2);
    const record = (v: number) => ({ replica: 0, z: new Float32Array([v, 0]), zFull: new Float32Array([v, 0]), zIntent: new Float32Array([v]), zReal: new Float32Array([0]), klIntent: 0, klReal: 0 });
    memory.add(record(1));
    memory.add(record(2));
    memory.add(record(3));
    expect(memory.records().map((r) => r.zIntent[0])).toEqual([2, 3]);
    expect(memory.nearestIntent([2.9])).toBe(1);
    expect(() => memory.add({ ...record(1), zReal: new Float32Array(3) })).toThrow(/zIntent \+ zReal/);
  });

  it("memory and prototype reuse replace only z_intent; shuffles keep the other part", () => {
    const actor = new FactoredActor(actorConfigFor(standard, { replicas: 2 }), createRng(3));
    const memory = new EpisodeMemory(64);
    const spec = EquivalentWorld.sampleSpecs(createRng(4), 16);
    const starts = standard.starts(spec).start;
    actor.sample(new Float32Array([...starts, ...starts]), 16, createRng(5), { memory });
    const memoryIntents = new Set(memory.ofReplica(0).map((r) => Array.from(r.zIntent).join(",")));
    const reuse = new MemoryReuseActor(actor, 1, memory, { sourceReplica: 0 });
    const native = actor.sample(starts, 16, createRng(6), { replica: 1 });
    const reused = reuse.sample(starts, 16, createRng(6));
    expect(Array.from(reused.zReal)).toEqual(Array.from(native.zReal));
    for (let i = 0; i < 16; i++) expect(memoryIntents.has(Array.from(reused.zIntent.subarray(3 * i, 3 * i + 3)).join(","))).toBe(true);
    const prototypes = new PrototypeReuseActor(actor, 1, memory, createRng(7), { sourceReplica: 0, prototypes: 4 });
    const proto = prototypes.sample(starts, 16, createRng(6));
    expect(Array.from(proto.zReal)).toEqual(Array.from(native.zReal));
    expect(new Set(Array.from({ length: 16 }, (_, i) => Array.from(proto.zIntent.subarray(3 * i, 3 * i + 3)).join(","))).size).toBeLessThanOrEqual(4);
    const si = shuffleIntents(actor, native, createRng(8));
    expect(Array.from(si.zReal)).toEqual(Array.from(native.zReal));
    expect(Array.from(si.zIntent)).not.toEqual(Array.from(native.zIntent));
    expect([...si.zIntent].sort()).toEqual([...native.zIntent].sort());
    const sr = shuffleReals(actor, native, createRng(8));
    expect(Array.from(sr.zIntent)).toEqual(Array.from(native.zIntent));
    expect([...sr.zReal].sort()).toEqual([...native.zReal].sort());
    actor.dispose();
  });
});

describe("transfer", () => {
  it("the oracle reproduces A's episodes in B; functor training and evaluation are deterministic and leak-free", () => {
    const run = () => {
      const actor = new FactoredActor(actorConfigFor(standard, { replicas: 2 }), createRng(9));
      const before = tf.memory().numTensors;
      trainFactoredActor(actor, [standard, mirrored], { steps: 5, batchEpisodes: 16, rng: createRng(10) });
      const spec = EquivalentWorld.sampleSpecs(createRng(11), 16);
      const data = buildPairedDataset(actor, { replica: 0, world: standard }, { replica: 1, world: mirrored }, spec, createRng(12));
      const trainer = new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(13), { pairs: 2 });
      trainer.train(3, 1);
      const result = evaluateTransfer(actor, data, trainer.functor, createRng(14));
      const own = runWithLatents(actor, 0, standard, spec, data.source.z);
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
      return { result, own, curve: trainer.curve, theta: Array.from(trainer.functor.parameters()) };
    };
    const a = run();
    for (let i = 0; i < 16; i++) {
      expect(a.result.oracle.returns[i]).toBeCloseTo(a.own.rollout.returns[i] ?? Number.NaN, 4);
      expect(a.result.oracle.signatureDistance[i]).toBeCloseTo(0, 3);
    }
    expect(a.curve).toHaveLength(4);
    for (const point of a.curve) expect(Number.isFinite(point.loss)).toBe(true);
    const b = run();
    expect(b.theta).toEqual(a.theta);
    expect(Array.from(b.result.transported.returns)).toEqual(Array.from(a.result.transported.returns));
  });

  it("maps z_real too with functorMaps.real, and the teacher bootstrap and anchor pull F(z_A) towards B's native intents", () => {
    const actor = new FactoredActor(actorConfigFor(standard, { replicas: 2, functorMaps: { intent: true, real: true } }), createRng(40));
    trainFactoredActor(actor, [standard, mirrored], { steps: 3, batchEpisodes: 16, rng: createRng(41) });
    const spec = EquivalentWorld.sampleSpecs(createRng(42), 16);
    const data = buildPairedDataset(actor, { replica: 0, world: standard }, { replica: 1, world: mirrored }, spec, createRng(43));
    expect(() => new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(44))).toThrow(/realFunctor must be given exactly when/);
    expect(() => new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(44), { realFunctor: LinearIntentFunctor.identity(2) })).toThrow(/realFunctor dim 2 != the actor's realDim 3/);
    const trainer = new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(44), { pairs: 4, noiseStd: 0.1, learningRate: 0.1, realFunctor: LinearIntentFunctor.identity(3) });
    const teacherBefore = trainer.teacherLoss(trainer.functor, trainer.realFunctor);
    const realBefore = Array.from(trainer.realFunctor?.parameters() ?? []);
    trainer.bootstrapTeacher(30);
    expect(trainer.teacherLoss(trainer.functor, trainer.realFunctor)).toBeLessThan(teacherBefore);
    expect(Array.from(trainer.realFunctor?.parameters() ?? [])).not.toEqual(realBefore);
    trainer.train(2, 1);
    // The transported condition acts with F_real(z_real_A): it differs from acting with B's native z_real.
    const mapped = evaluateTransfer(actor, data, trainer.functor, createRng(45), trainer.realFunctor === undefined ? {} : { realFunctor: trainer.realFunctor });
    const native = evaluateTransfer(actor, data, trainer.functor, createRng(45));
    expect(Array.from(mapped.transported.returns)).not.toEqual(Array.from(native.transported.returns));
    expect(Array.from(mapped.native.returns)).toEqual(Array.from(native.native.returns));
    // Without functorMaps.real a z_real functor is refused; a negative anchor weight is refused by name.
    const plain = new FactoredActor(actorConfigFor(standard, { replicas: 2 }), createRng(46));
    const plainData = buildPairedDataset(plain, { replica: 0, world: standard }, { replica: 1, world: mirrored }, spec, createRng(47));
    expect(() => new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(48), { realFunctor: LinearIntentFunctor.identity(3) })).toThrow(/functorMaps.real/);
    expect(() => new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(48), { teacherWeight: -1 })).toThrow(/teacherWeight must be finite and >= 0, got -1/);
    expect(() => new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(48), { stepSchedule: "cosine" as "constant" })).toThrow(/stepSchedule must be one of linearDecay, constant, got cosine/);
    // The linear decay scales generation g of a call by (G − g)/G: the first step is the same as with a
    // constant α, the later ones are not.
    const after = (stepSchedule: "linearDecay" | "constant", generations: number): number[] => {
      const trainer = new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(49), { pairs: 2, stepSchedule });
      trainer.train(generations, generations);
      return Array.from(trainer.functor.parameters());
    };
    expect(after("linearDecay", 1)).toEqual(after("constant", 1));
    expect(after("linearDecay", 3)).not.toEqual(after("constant", 3));
    // The anchor adds w·teacher loss to the cone-matching loss of the same functor.
    const anchored = new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(48), { teacherWeight: 2 });
    const pure = new IntentFunctorTrainer(plain, plainData, LinearIntentFunctor.identity(3), createRng(48));
    const f = anchored.functor;
    expect(anchored.losses([f])[0]).toBeCloseTo((pure.losses([f])[0] ?? 0) + 2 * anchored.teacherLoss(f), 6);
    actor.dispose();
    plain.dispose();
  });

  it("scales the cone term by B's native distance and estimates the smoothed objective ES descends on common directions", () => {
    const actor = new FactoredActor(actorConfigFor(standard, { replicas: 2 }), createRng(50));
    trainFactoredActor(actor, [standard, mirrored], { steps: 3, batchEpisodes: 16, rng: createRng(51) });
    const spec = EquivalentWorld.sampleSpecs(createRng(52), 16);
    const data = buildPairedDataset(actor, { replica: 0, world: standard }, { replica: 1, world: mirrored }, spec, createRng(53));
    const before = tf.memory().numTensors;
    const pure = new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(54));
    const scaled = new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(54), { coneScale: "native" });
    expect(() => new IntentFunctorTrainer(actor, data, LinearIntentFunctor.identity(3), createRng(54), { coneScale: "start" as "none" })).toThrow(/coneScale must be one of none, native, got start/);
    expect(pure.coneDivisor).toBe(1);
    // The divisor is the cone-matching distance of B's native intents; the scaled loss divides only the cone term.
    const f = scaled.functor;
    const nativeDistance = evaluateTransfer(actor, data, f, createRng(56)).native.signatureDistance;
    expect(scaled.coneDivisor).toBeCloseTo(nativeDistance.reduce((sum, d) => sum + d * d, 0) / nativeDistance.length, 5);
    expect(scaled.losses([f])[0] ?? 0).toBeCloseTo(((pure.losses([f])[0] ?? 0) - penalties(pure, f)) / scaled.coneDivisor + penalties(pure, f), 5);
    // Smoothed objective: the mean loss over ±σε; the same directions for every functor (a functor twice
    // gets the same estimate twice), deterministic per Rng, and different from the loss at the centre.
    const [a, b] = scaled.smoothedLosses([f, f], 3, createRng(55));
    expect(a).toBe(b);
    expect(scaled.smoothedLosses([f], 3, createRng(55))[0]).toBe(a);
    expect(a).not.toBe(scaled.losses([f])[0]);
    expect(() => scaled.smoothedLosses([f], 0, createRng(55))).toThrow(/pairs must be an integer >= 1, got 0/);
    expect(tf.memory().numTensors).toBe(before);
    actor.dispose();
  });
});

/** The norm and Jacobian penalties the trainer adds for `f` (its default weights). */
function penalties(trainer: IntentFunctorTrainer, f: IntentFunctor): number {
  return trainer.options.normPenalty * f.normPenalty(trainer.data.source.zIntent) + trainer.options.jacobianPenalty * f.jacobianPenalty(trainer.data.source.zIntent);
}
