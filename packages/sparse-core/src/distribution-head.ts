/**
 * The Distribution Head (seed 002 L1185-1227, L1296-1302, L1356; SEED-INVENTORY §3.11, C-2, C-7; ADR 0323):
 * an optional head that turns a node's deterministic point prediction into a distribution, Cold by default.
 *
 * - Cold: the point head itself. Continuous: `N(point, σ0²)`; discrete: `q·onehot(point) + (1 − q)/K`. The
 *   one scalar `θ0` (`log σ0` or `logit q`) is the point head's spread, not a token; `pointPrediction`
 *   returns the point tensor itself (no extra compute).
 * - Hot cells are tokens (seed L1193-1194): Gaussian-mixture components or categorical buckets. Each cell is
 *   local to the state region it was nominated in (an anchor `a` in state space, fixed at commit):
 *   - component k: gate logit `ℓ_k = c + e^κ·(w·(h − a) − ‖h − a‖² / (2r²))` with a learned sharpness κ,
 *     mean `point + m + u·(h − a)`, `log σ = s`; the base component's logit is `−Σ_k e^{b_k}·σ(ℓ_k)`, so
 *     where a cell's gate is on it can take the base's share over (takeover b; ADR 0324); far from `a` its
 *     weight vanishes, the base logit returns to 0 and the head is the point head;
 *   - bucket b: a logit path `exp(−‖h − a‖² / (2r²)) · (c + w·(h − a))` added to bucket b; zero far from `a`.
 * - Memoryless sampling (C-2): i.i.d. draws from the seeded Rng, or the deterministic mean / argmax.
 * - Late-sample (L1301 i): training minimises the NLL in expectation; nothing samples inside training.
 *
 * The head is a {@link GrowthObject} over `[1, cells]` so budgets, counters and heat states read like every
 * other object's; its own planner ({@link DistributionHeadPlanner}) nominates, probes and commits cells.
 */
import { AdamWithMoments, parseConfig, tf, type Rank, type Rng, type Scalar, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";

import type { GrowthObject, ObjectBudget, ObjectCounters } from "./growth-object.js";
import type { HeatCounts, HeatState } from "./heat-state.js";
import { categoricalNll, gaussianMixtureCdf, gaussianMixtureMean, gaussianMixtureNll } from "./mixture-density.js";
import { carryByKey } from "./warm-cells.js";

/** The two head kinds of seed L1193-1194. */
export const DISTRIBUTION_HEAD_KINDS = ["gaussian-mixture", "categorical"] as const;

/** One of {@link DISTRIBUTION_HEAD_KINDS}. */
export type DistributionHeadKind = (typeof DISTRIBUTION_HEAD_KINDS)[number];

/** Default Adam step size of a head's NLL training (ADR 0323). */
export const DISTRIBUTION_HEAD_LEARNING_RATE = 0.02;
/** Default spread of a Cold continuous head: `σ0 = 1` (ADR 0323). */
export const DISTRIBUTION_HEAD_INITIAL_SIGMA = 1;
/** Default reliability of a Cold discrete head: `q = 0.9` (ADR 0323). */
export const DISTRIBUTION_HEAD_INITIAL_CONFIDENCE = 0.9;

/** A head's inputs: the node state `[B, d]` and the point head's prediction (`[B, 1]`, or one-hot `[B, K]`). */
export interface DistributionInputs {
  readonly state: Tensor2D;
  readonly point: Tensor2D;
}

/** Inputs plus the observed outcome (`[B, 1]`, or one-hot `[B, K]`). */
export interface DistributionBatch extends DistributionInputs {
  readonly target: Tensor2D;
}

/** A Warm cell under probe: its key, its anchor and its parameters (a tensor the probe owns). */
export interface DistributionCandidate {
  readonly key: number;
  readonly anchor: Float32Array;
  readonly params: Tensor1D;
}

/** Probe-time inputs of the head's likelihood. */
export interface DistributionForwardOptions {
  /** A Warm cell added on top of the Hot ones (shadow: the Hot parameters are only read). */
  readonly candidate?: DistributionCandidate;
  /** Leave this Hot cell out (LOO ΔNLL). */
  readonly exclude?: number;
}

/** A head's distribution for a batch, on the host. */
export type HostDistribution =
  | { readonly kind: "gaussian-mixture"; readonly batch: number; readonly components: number; readonly weights: Float32Array; readonly means: Float32Array; readonly sigmas: Float32Array }
  | { readonly kind: "categorical"; readonly batch: number; readonly buckets: number; readonly probabilities: Float32Array };

/** Options of {@link DistributionHead}. */
export interface DistributionHeadOptions {
  readonly id: string;
  readonly depth?: number;
  readonly kind: DistributionHeadKind;
  /** d: width of the node state the head is conditioned on. */
  readonly stateDim: number;
  /** Cells: maximum mixture components, or the K buckets of a discrete output. */
  readonly cells: number;
  /** Hard caps on Hot cells (default: every cell). */
  readonly budget?: Partial<ObjectBudget>;
  readonly learningRate?: number;
  /** Cold continuous head's initial σ0. */
  readonly initialSigma?: number;
  /** Cold discrete head's initial reliability q. */
  readonly initialConfidence?: number;
}

const optionsSchema = z
  .object({
    id: z.string().min(1),
    depth: z.number().int().min(0).default(0),
    kind: z.enum(DISTRIBUTION_HEAD_KINDS),
    stateDim: z.number().int().min(1),
    cells: z.number().int().min(1),
    budget: z.object({ structCap: z.number().int().min(0).optional(), activeCap: z.number().int().min(0).optional() }).strict().optional(),
    learningRate: z.number().positive().finite().default(DISTRIBUTION_HEAD_LEARNING_RATE),
    initialSigma: z.number().positive().finite().default(DISTRIBUTION_HEAD_INITIAL_SIGMA),
    initialConfidence: z.number().gt(0).lt(1).default(DISTRIBUTION_HEAD_INITIAL_CONFIDENCE),
  })
  .strict();

/**
 * Parameters per cell: `[c, log r, s, m, κ, b, w(d), u(d)]` for a mixture component (κ: gate sharpness, b:
 * takeover of the base component; ADR 0324), `[c, log r, w(d)]` for a bucket.
 */
export function distributionCellParams(kind: DistributionHeadKind, stateDim: number): number {
  return kind === "gaussian-mixture" ? 6 + 2 * stateDim : 2 + stateDim;
}

/**
 * A Distribution Head over a point head.
 *
 * @example
 * ```ts
 * const head = new DistributionHead({ id: "dh0", kind: "gaussian-mixture", stateDim: 1, cells: 4 });
 * head.trainStep({ state, point, target }).dispose();        // Cold: fits σ0 only
 * const mean = head.pointPrediction({ state, point });         // === point while nothing is Hot
 * const draws = head.sample({ state, point }, rng);            // i.i.d. draws, one per row
 * ```
 */
export class DistributionHead implements GrowthObject {
  readonly id: string;
  readonly depth: number;
  readonly kind: DistributionHeadKind;
  readonly stateDim: number;
  readonly shape: readonly [number, number];
  readonly budget: ObjectBudget;
  /** Parameters per cell ({@link distributionCellParams}). */
  readonly cellParams: number;
  private rate: number;
  private keys = new Int32Array(0);
  private anchors = new Float32Array(0);
  private params: Variable;
  private readonly base: Variable;
  private optimizer: AdamWithMoments;
  private readonly warm = new Set<number>();
  private fastPathCalls = 0;

  /** @throws Error naming the field when an option is invalid. */
  constructor(options: DistributionHeadOptions) {
    const d = parseConfig(optionsSchema, options, "DistributionHead", "option");
    if (d.kind === "categorical" && d.cells < 2) throw new Error(`Error in DistributionHead "${d.id}": cells must be >= 2 buckets for a categorical head, got ${d.cells}.`);
    const structCap = d.budget?.structCap ?? d.cells;
    this.id = d.id;
    this.depth = d.depth;
    this.kind = d.kind;
    this.stateDim = d.stateDim;
    this.shape = [1, d.cells];
    this.budget = { structCap, activeCap: d.budget?.activeCap ?? structCap };
    this.cellParams = distributionCellParams(d.kind, d.stateDim);
    this.rate = d.learningRate;
    const theta0 = d.kind === "gaussian-mixture" ? Math.log(d.initialSigma) : Math.log(d.initialConfidence / (1 - d.initialConfidence));
    this.base = tf.tidy(() => tf.variable(tf.tensor1d([theta0]), true));
    this.params = tf.tidy(() => tf.variable(tf.zeros([0, this.cellParams]), true));
    this.optimizer = new AdamWithMoments({ base: this.base }, { learningRate: this.rate });
  }

  /** Adam step size of {@link DistributionHead.trainStep} (a schedule may lower it, e.g. for a final fine-tuning phase). */
  get learningRate(): number {
    return this.rate;
  }

  /** @throws Error naming `learningRate` when it is not finite and > 0. */
  set learningRate(value: number) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`Error in DistributionHead "${this.id}": learningRate must be finite and > 0, got ${value}.`);
    this.rate = value;
    this.optimizer.learningRate = value;
  }

  /** Hot cells. */
  get nnz(): number {
    return this.keys.length;
  }

  /** `θ0`: `log σ0` (continuous) or `logit q` (discrete) of the Cold head. */
  baseParameter(): number {
    return this.base.dataSync()[0] as number;
  }

  /** Hot parameters row-major `[nnz, cellParams]` (a host copy). */
  hotParams(): Float32Array {
    return Float32Array.from(this.params.dataSync());
  }

  /** The anchor (state-space centre) of a Hot cell. @throws Error naming the key when it is not Hot. */
  anchorOf(key: number): Float32Array {
    const at = this.indexOf(key);
    return this.anchors.slice(at * this.stateDim, (at + 1) * this.stateDim);
  }

  /** Calls of {@link DistributionHead.pointPrediction}, and how many returned the point itself (Cold). */
  get callCounts(): { readonly fastPath: number } {
    return { fastPath: this.fastPathCalls };
  }

  /** Mean NLL over a batch (a scalar the caller disposes; differentiable to the candidate's parameters). */
  nll(batch: DistributionBatch, options: DistributionForwardOptions = {}): Scalar {
    return tf.tidy(() => tf.mean<Scalar>(this.perSampleNll(batch, options)));
  }

  /** Per-sample NLL `[B]`. @throws Error naming the input whose shape is wrong. */
  perSampleNll(batch: DistributionBatch, options: DistributionForwardOptions = {}): Tensor1D {
    this.checkInputs(batch, "perSampleNll");
    if (batch.target.shape[0] !== batch.point.shape[0] || batch.target.shape[1] !== batch.point.shape[1]) {
      throw new Error(`Error in DistributionHead "${this.id}".perSampleNll: target must be [${batch.point.shape.join(",")}] like point, got [${batch.target.shape.join(",")}].`);
    }
    return tf.tidy(() => {
      const t = this.terms(batch, options);
      return t.means === undefined || t.logSigmas === undefined ? categoricalNll(t.logits, batch.target) : gaussianMixtureNll(t.logits, t.means, t.logSigmas, batch.target);
    });
  }

  /** One Adam step on `θ0` and every Hot parameter, minimising the mean NLL; returns the NLL before it. */
  trainStep(batch: DistributionBatch): Scalar {
    return this.optimizer.minimize(() => this.nll(batch));
  }

  /**
   * The deterministic selection (seed L1300): the mixture mean `[B, 1]`, or the one-hot argmax `[B, K]`.
   * While nothing is Hot it returns `inputs.point` itself (the point head, no compute).
   */
  pointPrediction(inputs: DistributionInputs): Tensor2D {
    this.checkInputs(inputs, "pointPrediction");
    if (this.keys.length === 0) {
      this.fastPathCalls += 1;
      return inputs.point;
    }
    return tf.tidy(() => {
      const t = this.terms(inputs, {});
      if (t.means !== undefined) return gaussianMixtureMean(t.logits, t.means);
      return tf.oneHot(tf.argMax(t.logits, 1), this.shape[1]).toFloat() as Tensor2D;
    });
  }

  /** The head's distribution per row, on the host (reads the device once). */
  hostDistribution(inputs: DistributionInputs, options: DistributionForwardOptions = {}): HostDistribution {
    this.checkInputs(inputs, "hostDistribution");
    const batch = inputs.state.shape[0];
    const t = this.terms(inputs, options);
    try {
      if (t.means === undefined || t.logSigmas === undefined) {
        const p = tf.tidy(() => tf.softmax(t.logits));
        const probabilities = Float32Array.from(p.dataSync());
        p.dispose();
        return { kind: "categorical", batch, buckets: this.shape[1], probabilities };
      }
      const [w, s] = tf.tidy(() => [tf.softmax(t.logits), tf.exp(t.logSigmas as Tensor2D)]);
      const out: HostDistribution = { kind: "gaussian-mixture", batch, components: t.logits.shape[1], weights: Float32Array.from(w.dataSync()), means: Float32Array.from(t.means.dataSync()), sigmas: Float32Array.from(s.dataSync()) };
      tf.dispose([w, s]);
      return out;
    } finally {
      tf.dispose([t.logits, t.means, t.logSigmas].filter((x): x is Tensor2D => x !== undefined && x !== inputs.point));
    }
  }

  /**
   * Memoryless sampling (C-2): one i.i.d. draw per row from the seeded `rng` (a value for a mixture, a bucket
   * index for a categorical). Same rng state, same draws.
   */
  sample(inputs: DistributionInputs, rng: Rng): Float32Array {
    const dist = this.hostDistribution(inputs);
    const out = new Float32Array(dist.batch);
    const width = dist.kind === "categorical" ? dist.buckets : dist.components;
    const weights = dist.kind === "categorical" ? dist.probabilities : dist.weights;
    for (let i = 0; i < dist.batch; i += 1) {
      const u = rng.uniform();
      let pick = width - 1;
      let acc = 0;
      for (let k = 0; k < width; k += 1) {
        acc += weights[i * width + k] as number;
        if (u < acc) {
          pick = k;
          break;
        }
      }
      const noise = dist.kind === "categorical" ? 0 : rng.normal();
      out[i] = dist.kind === "categorical" ? pick : (dist.means[i * width + pick] as number) + (dist.sigmas[i * width + pick] as number) * noise;
    }
    return out;
  }

  /**
   * PIT values `z_i = F(y_i | h_i)` of a continuous head (seed L1215), on the host.
   *
   * @throws Error naming the head when it is categorical.
   */
  pit(batch: DistributionBatch): Float32Array {
    if (this.kind !== "gaussian-mixture") throw new Error(`Error in DistributionHead "${this.id}".pit: PIT needs a continuous head; a categorical head uses the frequency check.`);
    const dist = this.hostDistribution(batch);
    if (dist.kind !== "gaussian-mixture") throw new Error(`Error in DistributionHead "${this.id}".pit: expected a mixture.`);
    const y = batch.target.dataSync();
    const m = dist.components;
    return Float32Array.from({ length: dist.batch }, (_, i) =>
      gaussianMixtureCdf(dist.weights.subarray(i * m, (i + 1) * m), dist.means.subarray(i * m, (i + 1) * m), dist.sigmas.subarray(i * m, (i + 1) * m), y[i] as number),
    );
  }

  /**
   * Make a Cold cell Hot with its anchor and parameters (the probe's warm start, seed L1202).
   *
   * @throws Error naming the cell when it is out of range or Hot, or the sizes are wrong.
   */
  commitCell(key: number, anchor: Float32Array, params: Float32Array): void {
    if (!Number.isSafeInteger(key) || key < 0 || key >= this.shape[1]) throw new Error(`Error in DistributionHead "${this.id}".commitCell: key ${key} is outside [0, ${this.shape[1]}).`);
    if (this.keys.includes(key)) throw new Error(`Error in DistributionHead "${this.id}".commitCell: cell ${key} is already Hot.`);
    if (anchor.length !== this.stateDim) throw new Error(`Error in DistributionHead "${this.id}".commitCell: anchor must have ${this.stateDim} entries, got ${anchor.length}.`);
    if (params.length !== this.cellParams) throw new Error(`Error in DistributionHead "${this.id}".commitCell: params must have ${this.cellParams} entries, got ${params.length}.`);
    if (![...anchor, ...params].every(Number.isFinite)) throw new Error(`Error in DistributionHead "${this.id}".commitCell: anchor and params must be finite.`);
    const rows = this.rows();
    rows.set(key, { anchor: Float32Array.from(anchor), params: Float32Array.from(params) });
    this.rebuild(rows);
  }

  /** Make a Hot cell Cold (pruning). @throws Error naming the cell when it is not Hot. */
  removeCell(key: number): void {
    this.indexOf(key);
    const rows = this.rows();
    rows.delete(key);
    this.rebuild(rows);
  }

  hotKeys(): Int32Array {
    return Int32Array.from(this.keys);
  }

  /** One value per Hot cell: the L2 norm of its parameters (a cell is lit while any parameter is non-zero). */
  hotValues(): Float32Array {
    const p = this.params.dataSync();
    const n = this.cellParams;
    return Float32Array.from(this.keys, (_, i) => Math.hypot(...Array.from(p.subarray(i * n, (i + 1) * n))));
  }

  counters(epsilon: number): ObjectCounters {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in DistributionHead "${this.id}".counters: epsilon must be finite and >= 0, got ${epsilon}.`);
    const cActive = Array.from(this.hotValues()).filter((v) => v > epsilon).length;
    return { cStruct: this.keys.length, cActive, computeCells: this.keys.length };
  }

  heatOf(row: number, col: number): HeatState {
    if (row !== 0) throw new Error(`Error in DistributionHead "${this.id}".heatOf: row must be 0, got ${row}.`);
    if (this.keys.includes(col)) return "hot";
    return this.warm.has(col) ? "warm" : "cold";
  }

  heatCounts(): HeatCounts {
    return { hot: this.keys.length, warm: this.warm.size, cold: this.shape[1] - this.keys.length - this.warm.size };
  }

  markWarm(keys: Int32Array): void {
    for (const key of keys) if (!this.keys.includes(key)) this.warm.add(key);
  }

  clearWarm(): void {
    this.warm.clear();
  }

  /** Free every tensor. */
  dispose(): void {
    this.optimizer.dispose();
    this.params.dispose();
    this.base.dispose();
  }

  /** Logits, and for a mixture the means and log-σs, `[B, M]` (base component/buckets first). */
  private terms(inputs: DistributionInputs, options: DistributionForwardOptions): { logits: Tensor2D; means?: Tensor2D; logSigmas?: Tensor2D } {
    const { candidate, exclude } = options;
    if (candidate !== undefined) this.checkCandidate(candidate);
    const keep = exclude === undefined ? undefined : this.indexOf(exclude);
    return tf.tidy(() => {
      const { state, point } = inputs;
      const rows = this.keys.length;
      const order = Array.from({ length: rows }, (_, i) => i).filter((i) => i !== keep);
      let params: Tensor2D | undefined = order.length === rows ? (rows > 0 ? (this.params as Tensor2D) : undefined) : order.length > 0 ? tf.gather(this.params as Tensor2D, order) : undefined;
      const anchors: number[] = order.flatMap((i) => Array.from(this.anchors.subarray(i * this.stateDim, (i + 1) * this.stateDim)));
      const cellKeys = order.map((i) => this.keys[i] as number);
      if (candidate !== undefined) {
        const row = tf.reshape<Rank.R2>(candidate.params, [1, this.cellParams]);
        params = params === undefined ? row : tf.concat([params, row], 0);
        anchors.push(...candidate.anchor);
        cellKeys.push(candidate.key);
      }
      const n = cellKeys.length;
      const batch = state.shape[0];
      if (this.kind === "gaussian-mixture") {
        const baseLogSigma = tf.mul(tf.ones([batch, 1]), tf.reshape(this.base, [1, 1]));
        if (params === undefined || n === 0) return { logits: tf.zeros<Rank.R2>([batch, 1]), means: point, logSigmas: baseLogSigma as Tensor2D };
        const local = this.localTerms(state, params, anchors, n);
        const column = (j: number): Tensor1D => tf.reshape(tf.slice(params, [0, j], [n, 1]), [n]);
        const logR = column(1);
        const rho = tf.div(local.squared, tf.mul(2, tf.exp(tf.mul(2, logR))));
        // Gate ℓ = c + e^κ·(w·(h − a) − ‖h − a‖²/(2r²)); the base component's logit −Σ e^b·σ(ℓ) (ADR 0324).
        const logits = tf.add(column(0), tf.mul(tf.exp(column(4)), tf.sub(local.tilt, rho)));
        const baseLogit = tf.neg(tf.sum(tf.mul(tf.exp(column(5)), tf.sigmoid(logits)), 1, true));
        const means = tf.add(tf.add(point, column(3)), local.lift);
        const logSigmas = tf.mul(tf.ones([batch, n]), column(2));
        return {
          logits: tf.concat([baseLogit as Tensor2D, logits as Tensor2D], 1),
          means: tf.concat([point, means as Tensor2D], 1),
          logSigmas: tf.concat([baseLogSigma as Tensor2D, logSigmas as Tensor2D], 1),
        };
      }
      const k = this.shape[1];
      const q = tf.sigmoid(tf.reshape(this.base, [1, 1]));
      const baseLogits = tf.log<Tensor2D>(tf.add(tf.mul(q, point), tf.div(tf.sub(1, q), k)));
      if (params === undefined || n === 0) return { logits: baseLogits };
      const local = this.localTerms(state, params, anchors, n);
      const column = (j: number): Tensor1D => tf.reshape(tf.slice(params, [0, j], [n, 1]), [n]);
      const kernel = tf.exp(tf.neg(tf.div(local.squared, tf.mul(2, tf.exp(tf.mul(2, column(1)))))));
      const delta = tf.mul<Tensor2D>(kernel, tf.add(column(0), local.tilt));
      const select = new Float32Array(n * k);
      cellKeys.forEach((key, j) => {
        select[j * k + key] = 1;
      });
      return { logits: tf.add<Tensor2D>(baseLogits, tf.matMul(delta, tf.tensor2d(select, [n, k]))) };
    });
  }

  /** `‖h − a_j‖²`, `w_j·(h − a_j)` and (mixtures) `u_j·(h − a_j)`, each `[B, n]`. */
  private localTerms(state: Tensor2D, params: Tensor2D, anchors: readonly number[], n: number): { squared: Tensor2D; tilt: Tensor2D; lift: Tensor2D } {
    const d = this.stateDim;
    const diff = tf.sub(tf.expandDims(state, 1), tf.expandDims(tf.tensor2d(Float32Array.from(anchors), [n, d]), 0));
    const wAt = this.kind === "gaussian-mixture" ? 6 : 2;
    const w = tf.slice(params, [0, wAt], [n, d]);
    const squared = tf.sum<Tensor2D>(tf.square(diff), 2);
    const tilt = tf.sum<Tensor2D>(tf.mul(diff, tf.expandDims(w, 0)), 2);
    const lift = this.kind === "gaussian-mixture" ? tf.sum<Tensor2D>(tf.mul(diff, tf.expandDims(tf.slice(params, [0, 6 + d], [n, d]), 0)), 2) : tilt;
    return { squared, tilt, lift };
  }

  private checkInputs(inputs: DistributionInputs, where: string): void {
    const { state, point } = inputs;
    const width = this.kind === "gaussian-mixture" ? 1 : this.shape[1];
    if (state.rank !== 2 || state.shape[1] !== this.stateDim) throw new Error(`Error in DistributionHead "${this.id}".${where}: state must be [B, ${this.stateDim}], got [${state.shape.join(",")}].`);
    if (point.rank !== 2 || point.shape[0] !== state.shape[0] || point.shape[1] !== width) {
      throw new Error(`Error in DistributionHead "${this.id}".${where}: point must be [${state.shape[0]}, ${width}], got [${point.shape.join(",")}].`);
    }
  }

  private checkCandidate(candidate: DistributionCandidate): void {
    const { key, anchor, params } = candidate;
    if (!Number.isSafeInteger(key) || key < 0 || key >= this.shape[1] || this.keys.includes(key)) throw new Error(`Error in DistributionHead "${this.id}": candidate key ${key} must be a Cold cell in [0, ${this.shape[1]}).`);
    if (anchor.length !== this.stateDim) throw new Error(`Error in DistributionHead "${this.id}": candidate anchor must have ${this.stateDim} entries, got ${anchor.length}.`);
    if (params.rank !== 1 || params.shape[0] !== this.cellParams) throw new Error(`Error in DistributionHead "${this.id}": candidate params must be [${this.cellParams}], got [${params.shape.join(",")}].`);
  }

  private indexOf(key: number): number {
    const at = this.keys.indexOf(key);
    if (at < 0) throw new Error(`Error in DistributionHead "${this.id}": cell ${key} is not Hot.`);
    return at;
  }

  private rows(): Map<number, { anchor: Float32Array; params: Float32Array }> {
    const p = this.params.dataSync();
    const n = this.cellParams;
    const d = this.stateDim;
    return new Map(Array.from(this.keys, (key, i) => [key, { anchor: this.anchors.slice(i * d, (i + 1) * d), params: Float32Array.from(p.subarray(i * n, (i + 1) * n)) }]));
  }

  /** Replace the Hot set (sorted by key) and rebuild the optimizer, carrying moments of surviving cells. */
  private rebuild(rows: ReadonlyMap<number, { anchor: Float32Array; params: Float32Array }>): void {
    const n = this.cellParams;
    const oldKeys = this.keys;
    const moments = this.keys.length > 0 ? { m: Float32Array.from(this.optimizer.firstMoment("hot").dataSync()), v: Float32Array.from(this.optimizer.secondMoment("hot").dataSync()) } : undefined;
    const baseMoments = { m: Float32Array.from(this.optimizer.firstMoment("base").dataSync()), v: Float32Array.from(this.optimizer.secondMoment("base").dataSync()) };
    const steps = this.optimizer.stepCount;
    const keys = [...rows.keys()].sort((a, b) => a - b);
    this.keys = Int32Array.from(keys);
    this.anchors = Float32Array.from(keys.flatMap((key) => Array.from(rows.get(key)?.anchor ?? [])));
    const flat = Float32Array.from(keys.flatMap((key) => Array.from(rows.get(key)?.params ?? [])));
    this.params.dispose();
    this.params = tf.tidy(() => tf.variable(tf.tensor2d(flat, [keys.length, n]), true));
    this.optimizer.dispose();
    this.optimizer = new AdamWithMoments(keys.length > 0 ? { base: this.base, hot: this.params } : { base: this.base }, { learningRate: this.rate });
    this.optimizer.setStepCount(steps);
    const state = this.optimizer.stateVariables();
    const m = moments === undefined ? new Float32Array(flat.length) : carryByKey(oldKeys, moments.m, this.keys, n);
    const v = moments === undefined ? new Float32Array(flat.length) : carryByKey(oldKeys, moments.v, this.keys, n);
    tf.tidy(() => {
      state["m/base"]?.assign(tf.tensor1d(baseMoments.m));
      state["v/base"]?.assign(tf.tensor1d(baseMoments.v));
      if (keys.length > 0) {
        state["m/hot"]?.assign(tf.tensor2d(m, [keys.length, n]));
        state["v/hot"]?.assign(tf.tensor2d(v, [keys.length, n]));
      }
    });
    for (const key of keys) this.warm.delete(key);
  }
}
