/**
 * TransientFactory: short-lived capacity spawned on novelty, recalled from a prototype cache (seed 002
 * L831-873, L966, L975; SEED-INVENTORY §4.7, §15.4 items 6-7; issue 8 item 5; ADR 0408).
 *
 * The factory follows a stream of observations with a trained graph whose base parameters stay frozen. Each
 * step it predicts the newest row from the H rows before it, with and without the transients, and feeds every
 * observed module's {@link NoveltyTracker} (gradient energy of the module's base parameters, residual, v_eff,
 * γ, routing entropy, ...). A module whose largest z-score reaches `spawnZ` gets a transient
 * ({@link TransientTerm}, an affine correction that is the identity at zero) keyed by the signature of its
 * z-vector. With `reuse`, a cached prototype under a matching signature **warm-starts** the transient from the
 * parameters that worked when the condition was seen before; otherwise it starts at zero. Active transients
 * train online (normalised gradient descent, only their own parameters) on the stream samples seen since they spawned.
 *
 * Each step a transient's relative gain `(e_without − e_with) / e_without` on its node (EMA) decides its fate:
 * after `materialiseAfter` helping steps it **materialises** (persistent structure, no longer managed here);
 * once older than `minAge` and not helping for `patience` steps it **consolidates**: if it ever helped, the
 * parameters of its best moment are stored in the cache under its spawn signature, then its values are set to
 * zero (the identity, never deleted; the term is reused by the module's next transient). A module does not
 * spawn for `cooldown` steps after a consolidation, and at most `maxActive` transients are active at once
 * (the proliferation cap).
 */
import { parseConfig, tf, type Scalar, type Tensor, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";

import { barrierGamma, effectiveVelocity } from "./barrier.js";
import { moduleComplexityValue } from "./complexity.js";
import {
  TRANSIENT_COOLDOWN,
  TRANSIENT_GAIN_EMA,
  TRANSIENT_LEARNING_RATE,
  TRANSIENT_MATERIALISE_AFTER,
  TRANSIENT_MIN_AGE,
  TRANSIENT_MIN_GAIN,
  TRANSIENT_PATIENCE,
  TRANSIENT_REPLAY,
  TRANSIENT_RIDGE,
  TRANSIENT_SPAWN_Z,
} from "./constants.js";
import type { Graph, NodePrediction } from "./graph.js";
import type { CandidateTerm, GraphModule } from "./graph-module.js";
import type { Node } from "./node.js";
import { ridgeLeastSquares } from "./least-squares.js";
import { NOVELTY_NAMES, NoveltyTracker, signatureOf } from "./novelty-signal.js";
import { PrototypeCache } from "./prototype-cache.js";
import type { ObservedBinding } from "./trajectory.js";
import { TransientTerm } from "./transient-term.js";

const optionsSchema = z
  .object({
    spawnZ: z.number().positive().default(TRANSIENT_SPAWN_Z),
    spawnOn: z.array(z.enum(NOVELTY_NAMES)).min(1).default(["gradEnergy", "residual"]),
    learningRate: z.number().positive().finite().default(TRANSIENT_LEARNING_RATE),
    replay: z.number().int().min(1).default(TRANSIENT_REPLAY),
    trainSteps: z.number().int().min(0).default(1),
    minAge: z.number().int().min(1).default(TRANSIENT_MIN_AGE),
    patience: z.number().int().min(1).default(TRANSIENT_PATIENCE),
    cooldown: z.number().int().min(0).default(TRANSIENT_COOLDOWN),
    minGain: z.number().gt(0).lt(1).default(TRANSIENT_MIN_GAIN),
    materialiseAfter: z.number().int().min(1).default(TRANSIENT_MATERIALISE_AFTER),
    maxActive: z.number().int().min(1).optional(),
    reuse: z.boolean().default(true),
  })
  .strict();

/** Options of {@link TransientFactory} (defaults: ADR 0408). */
export interface TransientFactoryOptions {
  /** Observation columns held by each observed node (the modules that may get transients). */
  readonly observed: readonly ObservedBinding[];
  /** The prototype cache (default: a new one); pass one to share it. */
  readonly cache?: PrototypeCache;
  /** Recall cached prototypes at spawn (default true; false = every transient starts at zero). */
  readonly reuse?: boolean;
  /** Novelty components whose z-score can spawn a transient (default the error signals: gradEnergy, residual). */
  readonly spawnOn?: readonly (typeof NOVELTY_NAMES)[number][];
  /** z-score at which a component in `spawnOn` spawns a transient (default 6). */
  readonly spawnZ?: number;
  /** Normalised gradient-descent step size of transient parameters (default 0.1). */
  readonly learningRate?: number;
  /** Samples a transient trains on, newest first (default 32). */
  readonly replay?: number;
  /** Gradient steps per stream step (default 1). */
  readonly trainSteps?: number;
  /** Steps before a transient may be consolidated (default 8). */
  readonly minAge?: number;
  /** Consecutive non-helping steps that consolidate (default 2). */
  readonly patience?: number;
  /** Steps without spawning on a module after it consolidated (default 8). */
  readonly cooldown?: number;
  /** Relative gain at which a transient helps (default 0.2). */
  readonly minGain?: number;
  /** Helping steps that materialise (default 100). */
  readonly materialiseAfter?: number;
  /** Proliferation cap: most transients active at once (default: one per observed module). */
  readonly maxActive?: number;
}

/** Lifecycle of a transient. */
export type TransientStatus = "active" | "consolidated" | "materialised";

/** A transient (one per spawn; the term is shared by a module's successive transients). */
export interface TransientRecord {
  readonly id: string;
  readonly module: GraphModule;
  readonly term: TransientTerm;
  /** The novelty signature it was spawned under (its cache key). */
  readonly signature: { readonly code: Int8Array; readonly key: string };
  /** Stream step at which it spawned. */
  readonly spawnedAt: number;
  /** Warm-started from a cached prototype. */
  readonly recalled: boolean;
  status: TransientStatus;
  /** Steps since it spawned. */
  age: number;
  /** Steps on which it helped. */
  helpingSteps: number;
  /** EMA of its relative gain. */
  gain: number;
}

/** What one stream step did. */
export interface TransientStepReport {
  /** Mean squared error over observed columns, with the transients. */
  readonly error: number;
  /** The same without any transient (the frozen base graph). */
  readonly baseError: number;
  /** Squared error with transients per observed module id (mean over its columns). */
  readonly moduleErrors: ReadonlyMap<string, number>;
  readonly spawned: readonly TransientRecord[];
  readonly consolidated: readonly TransientRecord[];
  readonly materialised: readonly TransientRecord[];
}

interface Sample {
  /** Per binding: `[H·d]` memory rows (oldest first). */
  readonly memory: readonly Float32Array[];
  /** Per binding: `[d]` target row. */
  readonly target: readonly Float32Array[];
  /** Per binding: `[d]` base candidate (what a transient term receives). */
  readonly base: readonly Float32Array[];
  /** Per binding: `[d]` what a transient should add, `(y − next_without) / p`. */
  readonly residual: readonly Float32Array[];
}

interface Live {
  readonly record: TransientRecord;
  readonly binding: number;
  readonly samples: Sample[];
  streak: number;
}

/**
 * The factory.
 *
 * @example
 * ```ts
 * const factory = new TransientFactory(graph, { observed });      // graph trained on calm data
 * for (let t = H; t < data.steps; t += 1) factory.step(data.values.subarray((t - H) * dim, (t + 1) * dim));
 * factory.records;                                                 // spawned / consolidated / materialised
 * ```
 */
export class TransientFactory {
  readonly graph: Graph;
  readonly cache: PrototypeCache;
  private readonly options: z.infer<typeof optionsSchema> & { readonly maxActive: number };
  private readonly bindings: readonly { readonly node: Node; readonly module: GraphModule; readonly columns: readonly number[]; readonly tracker: NoveltyTracker }[];
  private readonly history: number;
  private readonly dim: number;
  private readonly live = new Map<GraphModule, Live>();
  private readonly terms = new Map<GraphModule, TransientTerm[]>();
  private readonly quietUntil = new Map<GraphModule, number>();
  private readonly all: TransientRecord[] = [];
  private readonly owned = new Set<TransientTerm>();
  private readonly materialisedTerms = new Set<TransientTerm>();
  private readonly spawnOn: readonly number[];
  private steps = 0;

  /** @throws Error naming the field when an option is invalid or a binding does not fit the graph. */
  constructor(graph: Graph, options: TransientFactoryOptions) {
    const { observed, cache, ...rest } = options;
    const parsed = parseConfig(optionsSchema, rest, "TransientFactory", "option");
    if (observed.length === 0) throw new Error("Error in TransientFactory: observed must bind at least one node.");
    this.graph = graph;
    this.cache = cache ?? new PrototypeCache();
    this.options = { ...parsed, maxActive: parsed.maxActive ?? observed.length };
    this.spawnOn = parsed.spawnOn.map((c) => NOVELTY_NAMES.indexOf(c));
    const nodes = graph.nodes();
    this.history = nodes[0]?.historyLength ?? 0;
    for (const n of nodes) if (n.historyLength !== this.history) throw new Error(`Error in TransientFactory: every node needs the same historyLength (node "${n.id}" has ${n.historyLength}, expected ${this.history}).`);
    this.dim = 1 + Math.max(...observed.flatMap((b) => b.columns));
    this.bindings = observed.map((b) => {
      const node = graph.node(b.node);
      if (b.columns.length !== node.stateDim) throw new Error(`Error in TransientFactory: observed node "${b.node}" has stateDim ${node.stateDim} but ${b.columns.length} columns.`);
      for (const c of b.columns) if (!Number.isSafeInteger(c) || c < 0) throw new Error(`Error in TransientFactory: observed node "${b.node}" names column ${c}.`);
      return { node, module: graph.moduleOf(node), columns: b.columns, tracker: new NoveltyTracker() };
    });
  }

  /** Every transient spawned so far (consolidated ones stay, C-5). */
  get records(): readonly TransientRecord[] {
    return [...this.all];
  }

  /** Transients active now. */
  get activeCount(): number {
    return this.live.size;
  }

  /** Stream steps taken. */
  get stepCount(): number {
    return this.steps;
  }

  /** The novelty tracker of an observed module. @throws Error naming the id when it is not observed. */
  tracker(moduleId: string): NoveltyTracker {
    const b = this.bindings.find((x) => x.module.id === moduleId);
    if (b === undefined) throw new Error(`Error in TransientFactory.tracker: module "${moduleId}" is not observed.`);
    return b.tracker;
  }

  /**
   * One stream step on `H + 1` observation rows (row-major, at least as many columns as the bindings name):
   * predict the last row from the first H, update novelty, the transients' lifecycle and their parameters.
   *
   * @throws Error naming the size when the rows do not fit.
   */
  step(rows: ArrayLike<number>): TransientStepReport {
    const h = this.history;
    if (rows.length % (h + 1) !== 0 || rows.length / (h + 1) < this.dim) throw new Error(`Error in TransientFactory.step: need H + 1 = ${h + 1} rows of at least ${this.dim} columns, got ${rows.length} values.`);
    const width = rows.length / (h + 1);
    const memory = this.bindings.map((b) => Float32Array.from({ length: h * b.columns.length }, (_, i) => rows[Math.floor(i / b.columns.length) * width + (b.columns[i % b.columns.length] as number)] as number));
    const target = this.bindings.map((b) => Float32Array.from(b.columns, (c) => rows[h * width + c] as number));
    this.steps += 1;
    const observed = this.observe(memory, target);
    const sample = observed.sample;
    const consolidated: TransientRecord[] = [];
    const materialised: TransientRecord[] = [];
    for (const [module, live] of [...this.live]) {
      const i = live.binding;
      const r = live.record;
      r.age += 1;
      live.samples.push(sample);
      if (live.samples.length > this.options.replay) live.samples.splice(1, 1);
      const withIt = observed.withErr[i] as number;
      const without = observed.withoutErr[i] as number;
      const rel = without > 0 ? (without - withIt) / without : 0;
      r.gain += TRANSIENT_GAIN_EMA * (rel - r.gain);
      if (r.gain >= this.options.minGain) {
        r.helpingSteps += 1;
        live.streak = 0;
      } else {
        live.streak += 1;
      }
      if (r.helpingSteps >= this.options.materialiseAfter) {
        r.status = "materialised";
        this.materialisedTerms.add(r.term);
        this.retire(module);
        materialised.push(r);
      } else if (r.age >= (r.recalled ? 1 : this.options.minAge) && live.streak >= this.options.patience) {
        if (r.helpingSteps >= this.options.minAge) this.cache.store(r.signature, [this.prototypeOf(live)]);
        r.term.setValues(new Float32Array(r.term.size));
        r.status = "consolidated";
        this.retire(module);
        this.quietUntil.set(module, this.steps + this.options.cooldown);
        consolidated.push(r);
      }
    }
    const spawned = this.spawn(observed.z, sample);
    for (let k = 0; k < this.options.trainSteps && this.live.size > 0; k += 1) this.train();
    const moduleErrors = new Map(this.bindings.map((b, i) => [b.module.id, observed.withErr[i] as number]));
    const columns = this.bindings.reduce((s, b) => s + b.columns.length, 0);
    const total = (errs: readonly number[]): number => errs.reduce((s, e, i) => s + e * (this.bindings[i] as { columns: readonly number[] }).columns.length, 0) / columns;
    return { error: total(observed.withErr), baseError: total(observed.withoutErr), moduleErrors, spawned, consolidated, materialised };
  }

  /** Stop managing the active transients (their terms belong to the graph and keep their values). */
  dispose(): void {
    this.live.clear();
  }

  /**
   * Predictions with and without transients, base-gradient norms and message norms; feeds the trackers and
   * completes the sample with each node's base candidate and the residual a transient should add.
   */
  private observe(memory: readonly Float32Array[], target: readonly Float32Array[]): { sample: Sample; withErr: number[]; withoutErr: number[]; z: Float64Array[] } {
    const keepInBase = (t: CandidateTerm): boolean => !(t instanceof TransientTerm) || !this.owned.has(t) || this.materialisedTerms.has(t);
    const n = this.bindings.length;
    const dims = this.bindings.map((b) => b.columns.length);
    const out = tf.tidy(() => {
      const memories = this.memories([{ memory, target, base: [], residual: [] }]);
      const targets = this.bindings.map((_, i) => tf.tensor2d(target[i] as Float32Array, [1, dims[i] as number]));
      const sqErr = (preds: ReadonlyMap<Node, { readonly next: Tensor2D }>): Tensor[] => this.bindings.map((b, i) => tf.mean(tf.squaredDifference((preds.get(b.node) as { next: Tensor2D }).next, targets[i] as Tensor2D)));
      const baseVars = this.bindings.flatMap((b) => [...(b.node.stateFunction?.trainableVariables() ?? [])]);
      let withErr: Tensor[] = [];
      let kept: Map<Node, NodePrediction> | undefined;
      const gradNorms: Tensor[] = [];
      const full = (): Scalar => {
        const preds = this.graph.predict(memories, { mode: "expected" });
        withErr = sqErr(preds).map((e) => tf.keep(e));
        // Without active transients the prediction is the base prediction (consolidated ones are exactly zero).
        if (this.live.size === 0) kept = new Map(this.bindings.map((b) => [b.node, keepPrediction(preds.get(b.node) as NodePrediction)]));
        return tf.addN(withErr) as Scalar;
      };
      if (baseVars.length > 0) {
        const { value, grads } = tf.variableGrads(full, baseVars);
        value.dispose();
        for (const b of this.bindings) {
          const own = (b.node.stateFunction?.trainableVariables() ?? []).map((v) => grads[v.name]).filter((g): g is Tensor => g !== undefined);
          gradNorms.push(own.length === 0 ? tf.scalar(0) : tf.sqrt(tf.addN(own.map((g) => tf.sum(tf.square(g))))));
        }
      } else {
        full();
        for (const _ of this.bindings) gradNorms.push(tf.scalar(0));
      }
      const without = kept ?? this.graph.predict(memories, { mode: "expected", termFilter: keepInBase });
      const withoutErr = sqErr(without);
      // The residual a transient must add to the base candidate: (y − next_without) / p (the update gate mixes).
      const bases = this.bindings.map((b) => {
        const pred = without.get(b.node) as { readonly candidate: Tensor2D | undefined };
        return tf.reshape(pred.candidate ?? tf.slice(memories.get(b.node) as Tensor3D, [this.history - 1, 0, 0], [1, 1, b.node.stateDim]), [-1]);
      });
      const residuals = this.bindings.map((b, i) => tf.reshape(tf.div(tf.sub(targets[i] as Tensor2D, (without.get(b.node) as { next: Tensor2D }).next), tf.maximum(b.node.updateFrequency, 1e-6)), [-1]));
      const flat = [...withErr, ...withoutErr, ...gradNorms].map((t) => tf.reshape(t, [1]));
      const edgeValues = this.bindings.flatMap((b) => b.module.edges.map((e) => e.values));
      const data = tf.concat([...flat, ...bases, ...residuals, ...edgeValues]).dataSync();
      // Tensors kept out of the gradient scope are not tracked by this scope: free them here.
      tf.dispose([...withErr, ...[...(kept?.values() ?? [])].flatMap((p) => (p.candidate === undefined ? [p.next] : [p.candidate, p.next]))]);
      return data;
    });
    const withErr = Array.from(out.subarray(0, n));
    const withoutErr = Array.from(out.subarray(n, 2 * n));
    let cursor = 3 * n;
    const take = (): Float32Array[] =>
      dims.map((d) => {
        const row = Float32Array.from(out.subarray(cursor, cursor + d));
        cursor += d;
        return row;
      });
    const base = take();
    const residual = take();
    const z = this.bindings.map((b, i) => {
      // Routing entropy from the incoming message magnitudes, ‖Σ_h w_h · memory_source[h]‖ (host arithmetic).
      const norms = b.module.edges.map((e) => {
        const values = out.subarray(cursor, cursor + e.slots.length);
        cursor += e.slots.length;
        const src = this.bindings.findIndex((x) => x.node === e.source);
        if (src < 0) return 0;
        const mem = memory[src] as Float32Array;
        const d = e.source.stateDim;
        let sq = 0;
        for (let c = 0; c < d; c += 1) {
          let m = 0;
          e.slots.forEach((slot, k) => {
            m += (values[k] as number) * (mem[slot * d + c] as number);
          });
          sq += m * m;
        }
        return Math.sqrt(sq);
      });
      const limit = b.module.tokenLimit;
      const complexity = Number.isFinite(limit) ? moduleComplexityValue(b.module) : 0;
      b.tracker.observe({
        gradNorm: out[2 * n + i] as number,
        residual: Math.sqrt(withErr[i] as number),
        vEff: Number.isFinite(limit) ? effectiveVelocity(complexity, limit) : 0,
        gamma: Number.isFinite(limit) ? barrierGamma(complexity, limit) : 1,
        messageNorms: norms,
      });
      return b.tracker.zScores();
    });
    return { sample: { memory, target, base, residual }, withErr, withoutErr, z };
  }

  /**
   * The prototype a consolidating transient leaves: the ridge least-squares fit of `Δ = [base, 1]·W` to the
   * residuals of the samples on which it was judged helpful (its life minus the non-helping tail), so the
   * cache keeps what the condition needs over its whole course, onset included (ADR 0408).
   */
  private prototypeOf(live: Live): Float32Array {
    const d = live.record.term.dim;
    const samples = live.samples.slice(0, Math.max(1, live.samples.length - live.streak));
    const a = new Float64Array(samples.length * (d + 1));
    const y = new Float64Array(samples.length * d);
    samples.forEach((s, r) => {
      const base = s.base[live.binding] as Float32Array;
      const res = s.residual[live.binding] as Float32Array;
      for (let c = 0; c < d; c += 1) {
        a[r * (d + 1) + c] = base[c] as number;
        y[r * d + c] = res[c] as number;
      }
      a[r * (d + 1) + d] = 1;
    });
    return Float32Array.from(ridgeLeastSquares(a, samples.length, d + 1, y, d, TRANSIENT_RIDGE));
  }

  /** Spawn transients on novel modules (largest z first) under the cap. */
  private spawn(zs: readonly Float64Array[], sample: Sample): TransientRecord[] {
    const candidates = this.bindings
      .map((b, i) => ({ b, i, peak: Math.max(...this.spawnOn.map((c) => (zs[i] as Float64Array)[c] as number)) }))
      .filter(({ b, peak }) => peak >= this.options.spawnZ && !this.live.has(b.module) && this.steps >= (this.quietUntil.get(b.module) ?? 0))
      .sort((a, b) => b.peak - a.peak || a.i - b.i);
    const spawned: TransientRecord[] = [];
    for (const { b, i } of candidates) {
      if (this.live.size >= this.options.maxActive) break;
      const signature = signatureOf(zs[i] as Float64Array);
      const term = this.freeTerm(b.module);
      const prototype = this.options.reuse ? this.cache.lookup(signature) : undefined;
      const params = prototype?.params[0];
      const recalled = params !== undefined && params.length === term.size;
      term.setValues(recalled ? params : new Float32Array(term.size));
      const record: TransientRecord = { id: `${term.id}#${this.all.length}`, module: b.module, term, signature, spawnedAt: this.steps, recalled, status: "active", age: 0, helpingSteps: 0, gain: 0 };
      this.live.set(b.module, { record, binding: i, samples: [sample], streak: 0 });
      this.all.push(record);
      spawned.push(record);
    }
    return spawned;
  }

  /** A consolidated (zero) transient term of the module to reuse, else a new one grafted on it. */
  private freeTerm(module: GraphModule): TransientTerm {
    const own = this.terms.get(module) ?? [];
    const free = own.find((t) => !this.materialisedTerms.has(t) && ![...this.live.values()].some((l) => l.record.term === t));
    if (free !== undefined) return free;
    const term = new TransientTerm(`${module.id}~t${own.length}`, module.node.stateDim);
    module.addTerm(term);
    this.owned.add(term);
    this.terms.set(module, [...own, term]);
    return term;
  }

  /** One normalised gradient step of every active transient on its own samples (its node's squared error). */
  private train(): void {
    const lives = [...this.live.values()];
    const batch: Sample[] = [];
    const owner: number[] = [];
    lives.forEach((l, k) => {
      for (const s of l.samples) {
        batch.push(s);
        owner.push(k);
      }
    });
    const vars = lives.map((l) => l.record.term.trainableVariables()[0] as Variable);
    tf.tidy(() => {
      const memories = this.memories(batch);
      const loss = (): Scalar => {
        const preds = this.graph.predict(memories, { mode: "expected" });
        const terms = lives.map((l, k) => {
          const b = this.bindings[l.binding] as (typeof this.bindings)[number];
          const d = b.columns.length;
          const rows = owner.flatMap((o, j) => (o === k ? [j] : []));
          const idx = tf.tensor1d(Int32Array.from(rows), "int32");
          const next = tf.gather((preds.get(b.node) as { next: Tensor2D }).next, idx);
          const target = tf.tensor2d(Float32Array.from(rows.flatMap((j) => Array.from((batch[j] as Sample).target[l.binding] as Float32Array))), [rows.length, d]);
          return tf.mean(tf.squaredDifference(next, target));
        });
        return tf.addN(terms) as Scalar;
      };
      const { value, grads } = tf.variableGrads(loss, vars);
      value.dispose();
      // Normalised gradient descent (as NLMS): the step is divided by the mean squared norm of the term's inputs
      // [base, 1] over its samples, so the rate does not depend on the scale of the state.
      lives.forEach((l, k) => {
        const v = vars[k] as Variable;
        const g = grads[v.name];
        if (g === undefined) return;
        const power = l.samples.reduce((s, x) => s + 1 + (x.base[l.binding] as Float32Array).reduce((q, b) => q + b * b, 0), 0) / l.samples.length;
        v.assign(tf.sub(v, tf.mul(g, this.options.learningRate / power)));
      });
    });
  }

  /** `[H, B, d]` memories of the observed nodes for a batch (others read zeros). */
  private memories(batch: readonly Sample[]): Map<Node, Tensor3D> {
    const h = this.history;
    const out = new Map<Node, Tensor3D>();
    this.bindings.forEach((b, i) => {
      const d = b.columns.length;
      const mem = new Float32Array(h * batch.length * d);
      batch.forEach((s, j) => {
        const src = s.memory[i] as Float32Array;
        for (let r = 0; r < h; r += 1) for (let c = 0; c < d; c += 1) mem[(r * batch.length + j) * d + c] = src[r * d + c] as number;
      });
      out.set(b.node, tf.tensor3d(mem, [h, batch.length, d]));
    });
    for (const node of this.graph.nodes()) if (!out.has(node)) out.set(node, tf.zeros([h, batch.length, node.stateDim]));
    return out;
  }

  private retire(module: GraphModule): void {
    this.live.delete(module);
  }
}

/** Keep a prediction's tensors past the gradient scope. */
function keepPrediction(p: NodePrediction): NodePrediction {
  return { candidate: p.candidate === undefined ? undefined : tf.keep(p.candidate), next: tf.keep(p.next) };
}
