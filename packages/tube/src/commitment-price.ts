/**
 * `CommitmentPrice`: the homeostatic controller of λ, the price of failure in
 * `L = L_μ + α·log_vol + λ·fail_soft`. λ lives outside autodiff and is updated once per training step
 * from per-episode outcomes (continuous soft fail, never a boolean; 000 §1). Variants (DESIGN.md C-9 /
 * C-11, ADR 0203):
 * - `faithful`: the seed's §7 update as implemented, `Δλ = η·mean_i[fail_i·(1 + max(0, −h_i)) − 0.2·(1 − fail_i)]`
 *   with the normalised hardness `h = res/(σ̄ + 1e-6)` ≥ 0, so the surprise term never acts (D-7) and the
 *   fixed point is `E[fail] = 0.2/1.2 = 1/6`, an implicit global target (C-11).
 * - `signed`: the same update with hardness signed against per-rule running baselines (z-score of the
 *   residual), so failures in episodes easier than their rule usually is raise λ more.
 * - `dual`: dual ascent `λ ← clip(λ + η·g, 0, λ_max)` on `g = E[fail · surprise]` (000 §5), where the
 *   surprise of a failure at step t is `1 − dev_t / (k·ā_rule)`: positive when the deviation that broke the
 *   tube was within k typical deviations of its rule (preventable), negative beyond (unpreventable).
 *   Fixed point: failures are, on average, exactly at the preventable boundary.
 * - `bindTarget` (optional flag, C-9): replaces the variant by `Δλ = η·(mean fail − (1 − bindTarget))`.
 *
 * Source: `000_e13b841348682d63.txt` §1 L41–70, §5 L189–215, §7 L253–275; SEED-INVENTORY.md §5.5, C-9,
 * C-11, D-7, D-15.
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";
import { BASELINE_RATE, BIND_WIDTH_K, ETA_DUAL, ETA_LAMBDA, LAMBDA_INIT, LAMBDA_MAX, SUCCESS_WEIGHT } from "./constants.js";
import { HARDNESS_ESTIMATORS, normalisedHardness, residualHardness, RuleBaselines, type HardnessEstimator } from "./hardness.js";

/** The λ update variants. */
export const COMMITMENT_PRICE_VARIANTS = ["faithful", "signed", "dual"] as const;
/** A λ update variant. */
export type CommitmentPriceVariant = (typeof COMMITMENT_PRICE_VARIANTS)[number];
/** The default variant, chosen on the `tube-homeostasis` evidence (ADR 0204). */
export const DEFAULT_COMMITMENT_PRICE_VARIANT: CommitmentPriceVariant = "faithful";

/** Each variant's default hardness estimator (ADR 0203). */
export const DEFAULT_HARDNESS: Readonly<Record<CommitmentPriceVariant, HardnessEstimator>> = {
  faithful: "normalised",
  signed: "per-rule",
  dual: "per-rule",
};

/** Validates {@link CommitmentPriceOptions}; defaults come from the seed (000 §7). */
export const commitmentPriceOptionsSchema = z
  .object({
    variant: z.enum(COMMITMENT_PRICE_VARIANTS).default(DEFAULT_COMMITMENT_PRICE_VARIANT),
    etaLambda: z.number().finite().positive().optional(),
    lambdaInit: z.number().finite().min(0).default(LAMBDA_INIT),
    lambdaMax: z.number().finite().positive().default(LAMBDA_MAX),
    successWeight: z.number().finite().min(0).default(SUCCESS_WEIGHT),
    hardness: z.enum(HARDNESS_ESTIMATORS).optional(),
    ruleCount: z.number().int().min(1).default(1),
    baselineRate: z.number().gt(0).max(1).default(BASELINE_RATE),
    k: z.number().finite().positive().default(BIND_WIDTH_K),
    bindTarget: z.number().gt(0).lt(1).optional(),
  })
  .strict()
  .refine((o) => o.lambdaInit <= o.lambdaMax, { message: "lambdaInit must be <= lambdaMax", path: ["lambdaInit"] });

/** Each variant's default step size η (ADR 0203): the dual drive is smaller, so its step is larger. */
export const DEFAULT_ETA: Readonly<Record<CommitmentPriceVariant, number>> = {
  faithful: ETA_LAMBDA,
  signed: ETA_LAMBDA,
  dual: ETA_DUAL,
};

/** Options of {@link CommitmentPrice}; every field has a default. */
export type CommitmentPriceOptions = z.input<typeof commitmentPriceOptionsSchema>;

/**
 * One training step's per-episode outcomes, columnar (all arrays of the same length B).
 * `failDeviation` and `deviation` are needed by the `dual` variant only.
 */
export interface PriceObservation {
  /** Soft fail per episode, in [0, 1]. */
  readonly fail: ArrayLike<number>;
  /** Mean |τ − μ| over T and D per episode. */
  readonly residual: ArrayLike<number>;
  /** Mean σ over T and D per episode. */
  readonly sigmaMean: ArrayLike<number>;
  /** Rule (or condition) index per episode, in [0, ruleCount). */
  readonly rule: ArrayLike<number>;
  /** `mean_t f_t·dev_t`, f_t = 1 − Π_d p[t,d] the soft fail at step t, dev_t = max_d |e[t,d]|. */
  readonly failDeviation?: ArrayLike<number>;
  /** `mean_t dev_t`. */
  readonly deviation?: ArrayLike<number>;
}

/** What one update did. */
export interface PriceUpdate {
  /** λ after the update. */
  readonly lambda: number;
  /** The applied change (after clipping). */
  readonly delta: number;
  /** The drive before the step size: mean per-episode delta / η (faithful, signed), g (dual), fail gap (target). */
  readonly drive: number;
  /** Mean hardness of the batch (the estimator in use; NaN for `dual`). */
  readonly hardness: number;
  /** Mean surprise `max(0, −h)` (faithful, signed) or mean per-episode surprise-weighted fail (dual). */
  readonly surprise: number;
  /** Mean soft fail of the batch. */
  readonly fail: number;
}

/**
 * The commitment price λ.
 *
 * @example
 * ```ts
 * const price = new CommitmentPrice({ variant: "signed", ruleCount: 4 });
 * // each training step, after the forward pass:
 * const { lambda } = price.update({ fail, residual, sigmaMean, rule });
 * ```
 */
export class CommitmentPrice {
  /** The validated options (defaults filled; `hardness` resolved from the variant). */
  readonly options: Readonly<Omit<z.output<typeof commitmentPriceOptionsSchema>, "hardness" | "etaLambda">> & {
    readonly hardness: HardnessEstimator;
    readonly etaLambda: number;
  };
  private current: number;
  private readonly residualBaselines: RuleBaselines;
  private readonly deviationBaselines: RuleBaselines;

  constructor(options: CommitmentPriceOptions = {}) {
    const parsed = parseConfig(commitmentPriceOptionsSchema, options, "CommitmentPrice", "option");
    this.options = {
      ...parsed,
      hardness: parsed.hardness ?? DEFAULT_HARDNESS[parsed.variant],
      etaLambda: parsed.etaLambda ?? DEFAULT_ETA[parsed.variant],
    };
    this.current = parsed.lambdaInit;
    this.residualBaselines = new RuleBaselines(parsed.ruleCount, parsed.baselineRate);
    this.deviationBaselines = new RuleBaselines(parsed.ruleCount, parsed.baselineRate);
  }

  /** The current λ. */
  get lambda(): number {
    return this.current;
  }

  /** Running residual statistics per rule (read-only use; they feed the `per-rule` hardness). */
  get baselines(): RuleBaselines {
    return this.residualBaselines;
  }

  /** Hardness of one episode under the configured estimator, against the current baselines. */
  hardnessOf(residual: number, sigmaMean: number, rule: number): number {
    switch (this.options.hardness) {
      case "residual":
        return residualHardness(residual);
      case "normalised":
        return normalisedHardness(residual, sigmaMean);
      case "per-rule":
        return this.residualBaselines.zScore(rule, residual);
    }
  }

  /** Apply one step's update from a batch of episode outcomes; returns what it did. */
  update(observation: PriceObservation): PriceUpdate {
    const count = this.check(observation);
    const { variant, etaLambda, successWeight, lambdaMax, bindTarget, k } = this.options;
    let fail = 0;
    let hardness = 0;
    let surprise = 0;
    let drive = 0;
    for (let i = 0; i < count; i++) fail += observation.fail[i] ?? 0;
    fail /= count;
    if (bindTarget !== undefined) {
      drive = fail - (1 - bindTarget);
    } else if (variant === "dual") {
      // g = E[fail · surprise], surprise at step t = 1 − dev_t / (k·ā_rule): summed per episode as
      // fail_i − failDeviation_i / (k·ā_rule), with ā the rule's running mean deviation.
      const failDeviation = observation.failDeviation as ArrayLike<number>;
      for (let i = 0; i < count; i++) {
        const rule = observation.rule[i] ?? 0;
        const typical = this.deviationBaselines.count(rule) === 0 ? (observation.deviation?.[i] ?? 0) : this.deviationBaselines.mean(rule);
        const scale = k * Math.max(typical, Number.EPSILON);
        const weighted = (observation.fail[i] ?? 0) - (failDeviation[i] ?? 0) / scale;
        surprise += weighted;
      }
      drive = surprise / count;
      surprise = drive;
      hardness = Number.NaN;
    } else {
      for (let i = 0; i < count; i++) {
        const f = observation.fail[i] ?? 0;
        const h = this.hardnessOf(observation.residual[i] ?? 0, observation.sigmaMean[i] ?? 0, observation.rule[i] ?? 0);
        const surpriseFail = Math.max(0, -h);
        hardness += h;
        surprise += surpriseFail;
        drive += f * (1 + surpriseFail) - successWeight * (1 - f);
      }
      drive /= count;
      hardness /= count;
      surprise /= count;
    }
    for (let i = 0; i < count; i++) {
      const rule = observation.rule[i] ?? 0;
      this.residualBaselines.observe(rule, observation.residual[i] ?? 0);
      if (observation.deviation !== undefined) this.deviationBaselines.observe(rule, observation.deviation[i] ?? 0);
    }
    const before = this.current;
    this.current = Math.min(lambdaMax, Math.max(0, before + etaLambda * drive));
    return { lambda: this.current, delta: this.current - before, drive, hardness, surprise, fail };
  }

  private check(observation: PriceObservation): number {
    const count = observation.fail.length;
    if (count === 0) throw new Error("Error in CommitmentPrice.update: fail is empty; give at least one episode.");
    const columns: [string, ArrayLike<number> | undefined][] = [
      ["residual", observation.residual],
      ["sigmaMean", observation.sigmaMean],
      ["rule", observation.rule],
      ["failDeviation", observation.failDeviation],
      ["deviation", observation.deviation],
    ];
    for (const [name, column] of columns) {
      if (column !== undefined && column.length !== count) {
        throw new Error(`Error in CommitmentPrice.update: ${name} has ${column.length} entries, fail has ${count}.`);
      }
    }
    if (this.options.variant === "dual" && this.options.bindTarget === undefined && (observation.failDeviation === undefined || observation.deviation === undefined)) {
      throw new Error("Error in CommitmentPrice.update: the dual variant needs failDeviation and deviation.");
    }
    for (let i = 0; i < count; i++) {
      const f = observation.fail[i] ?? Number.NaN;
      if (!(f >= 0 && f <= 1)) throw new Error(`Error in CommitmentPrice.update: fail[${i}] must be in [0, 1], got ${f}.`);
      const rule = observation.rule[i] ?? Number.NaN;
      if (!(Number.isInteger(rule) && rule >= 0 && rule < this.options.ruleCount)) {
        throw new Error(`Error in CommitmentPrice.update: rule[${i}] must be an integer in [0, ${this.options.ruleCount}), got ${rule}.`);
      }
      const residual = observation.residual[i] ?? Number.NaN;
      if (!(Number.isFinite(residual) && residual >= 0)) throw new Error(`Error in CommitmentPrice.update: residual[${i}] must be finite and >= 0, got ${residual}.`);
    }
    return count;
  }
}
