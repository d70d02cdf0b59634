/**
 * The fused tube step: the forward pass of a {@link TubeModel}, the {@link tubeLoss} of every replica,
 * the per-episode statistics and the closed-form gradients of the loss with respect to both weight
 * tensors, computed in one pass over plain typed arrays (float64 weights and arithmetic; float32 inputs and
 * statistics).
 *
 * Why: the tube is tiny (B = 32 episodes, 2 × 32 hidden units, T·D = 16), so a tfjs step is ~340 kernel
 * launches whose per-op overhead dominates (~12 ms per step on wasm, ~35 µs per op); the same step here
 * is one loop nest (ADR 0206). The tfjs model and loss stay the reference: tests check that this kernel
 * reproduces their loss, statistics and autodiff gradients, and the gradient against finite differences.
 *
 * The loss, per replica (B episodes, T steps, D dimensions; e = τ − μ, m = k·σ − |e|):
 * `mean e² + α·mean log σ + λ·mean_b (1 − mean_t Π_d sigmoid(γ·m)) + A·mean softplus(log σ_min − log σ_raw)
 * + C·(log V − log V_prev)² + w_h·mean_b NLL_stop`, exactly as `tubeLoss`.
 *
 * Source: `000_e13b841348682d63.txt` L16–18, L84–153, L238–251 (loss), L121–138 (σ floor); ADR 0202, 0206.
 */
import { gemmAccumulate, gemmTransAAccumulate, gemmTransBAccumulate } from "./host-gemm.js";
import { EPISODE_STATS, EPISODE_STAT_INDEX } from "./episode-stats.js";
import type { ResolvedTubeLossOptions } from "./tube-loss.js";
import type { TubeMasks } from "./tube-masks.js";

/** Shape of the model a {@link FusedTubeKernel} evaluates. */
export interface FusedTubeShape {
  /** Independent tubes R. */
  readonly replicas: number;
  /** Hidden units per trunk H (the hidden layer has 2H units). */
  readonly hiddenUnits: number;
  /** Horizon T. */
  readonly horizonSteps: number;
  /** State dimension D. */
  readonly stateDim: number;
  /** σ floor σ_min. */
  readonly sigmaFloor: number;
}

/** One call of {@link FusedTubeKernel.run}. */
export interface FusedTubeRun {
  /** First-layer weights `[R, inRows, 2H]` row-major (as `TubeModel.w1`). */
  readonly w1: Float64Array;
  /** Head weights `[R, 2H + 1, outCols]` row-major (as `TubeModel.w2`). */
  readonly w2: Float64Array;
  /** Inputs `[B, inRows]`: observation, latent, then a 1 for the bias. */
  readonly x: Float32Array;
  /** Added to μ, `[B, T·D]` (zeros when the model has no anchor). */
  readonly anchor: Float32Array;
  /** Realised trajectories `[B, T·D]`. */
  readonly traj: Float32Array;
  /** Episodes B. */
  readonly batch: number;
  /** λ per replica. */
  readonly lambdas: readonly number[];
  /** Previous log-vol per replica (option C; without it the change penalty is off for this call). */
  readonly previousLogVol?: readonly number[];
  /** Output: per-episode statistics `[R, B, EPISODE_STATS.length]`. */
  readonly stats: Float32Array;
  /** Output (overwritten) when given: ∂loss/∂w1, same layout as `w1`. */
  readonly grad1?: Float64Array;
  /** Output (overwritten) when given: ∂loss/∂w2, same layout as `w2`. */
  readonly grad2?: Float64Array;
}

const S = EPISODE_STATS.length;
const COL = EPISODE_STAT_INDEX;

/** sigmoid(x). */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** softplus(x), stable for large |x|. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Closed-form forward, loss, statistics and gradients of a tube model with its tube loss, on host
 * arrays; scratch buffers are reused between calls (grown to the largest batch seen).
 *
 * @example
 * ```ts
 * const kernel = new FusedTubeKernel(shape, tubeMasks(model.config), resolveTubeLossOptions("mine"));
 * const losses = kernel.run({ w1, w2, x, anchor, traj, batch: B, lambdas: [1.6], stats, grad1, grad2 });
 * ```
 */
export class FusedTubeKernel {
  private readonly H2: number;
  private readonly T: number;
  private readonly D: number;
  private readonly TD: number;
  private readonly inRows: number;
  private readonly outCols: number;
  private readonly logFloor: number;
  private readonly w1m: Float64Array;
  private xd = new Float64Array(0);
  private h = new Float64Array(0);
  private dh = new Float64Array(0);
  private out = new Float64Array(0);
  private dOut = new Float64Array(0);
  /** Per element of one episode: σ, e, 1 − sigmoid(γ·m). */
  private readonly sig: Float64Array;
  private readonly err: Float64Array;
  private readonly outsideSoft: Float64Array;
  /** Per step of one episode: soft inside probability, hard inside. */
  private readonly insideSoft: Float64Array;
  private readonly insideHard: Uint8Array;

  constructor(
    readonly shape: FusedTubeShape,
    readonly masks: TubeMasks,
    readonly loss: ResolvedTubeLossOptions,
  ) {
    this.H2 = 2 * shape.hiddenUnits;
    this.T = shape.horizonSteps;
    this.D = shape.stateDim;
    this.TD = this.T * this.D;
    this.inRows = masks.inRows;
    this.outCols = masks.outCols;
    if (masks.outCols !== 2 * this.TD + this.T || masks.mask1.length !== this.inRows * this.H2 || masks.mask2.length !== (this.H2 + 1) * this.outCols) {
      throw new Error(`Error in FusedTubeKernel: masks do not fit hiddenUnits ${shape.hiddenUnits}, horizonSteps ${this.T}, stateDim ${this.D}.`);
    }
    for (let row = 0; row <= this.H2; row++) {
      for (let col = 0; col < this.outCols; col++) {
        const connected = row === this.H2 || row < shape.hiddenUnits === col < this.TD;
        if ((masks.mask2[row * this.outCols + col] === 1) !== connected) {
          throw new Error(`Error in FusedTubeKernel: mask2 must connect μ columns to the μ trunk and σ/stop columns to the cone trunk (row ${row}, column ${col}).`);
        }
      }
    }
    if (!(Number.isFinite(shape.sigmaFloor) && shape.sigmaFloor > 0)) throw new Error(`Error in FusedTubeKernel: sigmaFloor must be finite and > 0, got ${shape.sigmaFloor}.`);
    this.logFloor = Math.log(shape.sigmaFloor);
    this.w1m = new Float64Array(this.inRows * this.H2);
    this.sig = new Float64Array(this.TD);
    this.err = new Float64Array(this.TD);
    this.outsideSoft = new Float64Array(this.TD);
    this.insideSoft = new Float64Array(this.T);
    this.insideHard = new Uint8Array(this.T);
  }

  /**
   * Evaluate every replica on a batch: writes `stats` (and the gradients when `grad1`/`grad2` are given)
   * and returns the loss of each replica. Throws on arrays of the wrong length.
   */
  run(args: FusedTubeRun): Float64Array {
    const { replicas: R } = this.shape;
    const { H2, T, D, TD, inRows, outCols, logFloor } = this;
    const B = args.batch;
    const { k, gamma, alphaVol, volumeBarrierWeight: barrierWeight, volumeChangeWeight: changeWeight, horizonWeight } = this.loss;
    this.check(args);
    if (this.out.length < B * outCols) {
      this.xd = new Float64Array(B * inRows);
      this.h = new Float64Array(B * H2);
      this.dh = new Float64Array(B * H2);
      this.out = new Float64Array(B * outCols);
      this.dOut = new Float64Array(B * outCols);
    }
    const { out, dOut, sig, err, outsideSoft, insideSoft, insideHard } = this;
    const { x, w1, w2, anchor, traj, stats, grad1, grad2 } = args;
    const wantGrad = grad1 !== undefined && grad2 !== undefined;
    const losses = new Float64Array(R);
    const perElement = 1 / (B * TD);
    const xd = this.xd;
    for (let i = 0; i < B * inRows; i++) xd[i] = x[i] ?? 0;
    for (let r = 0; r < R; r++) {
      const lambda = args.lambdas[r] ?? 0;
      const o1 = r * inRows * H2;
      const o2 = r * (H2 + 1) * outCols;
      this.forward(B, o1, o2, w1, w2);
      // Loss and statistics; the volume change term needs the batch log-vol before the gradients.
      let sumSq = 0;
      let sumLogSigma = 0;
      let sumFail = 0;
      let sumBarrier = 0;
      let sumNll = 0;
      for (let b = 0; b < B; b++) {
        const ob = b * outCols;
        let episodeLogSigma = 0;
        for (let q = 0; q < TD; q++) {
          const raw = out[ob + TD + q] ?? 0;
          episodeLogSigma += raw >= logFloor ? raw : logFloor;
        }
        sumLogSigma += episodeLogSigma;
      }
      const logVol = sumLogSigma * perElement;
      const useChange = changeWeight > 0 && args.previousLogVol !== undefined;
      const previous = args.previousLogVol?.[r] ?? 0;
      const changeGrad = useChange ? 2 * changeWeight * (logVol - previous) : 0;
      const failScale = lambda / (B * T);
      for (let b = 0; b < B; b++) {
        const ob = b * outCols;
        const sb = (r * B + b) * S;
        let sumAbs = 0;
        let sumSigma = 0;
        let episodeLogSigma = 0;
        let insideSoftSum = 0;
        let hardSum = 0;
        let failDeviation = 0;
        let deviation = 0;
        for (let t = 0; t < T; t++) {
          let inside = 1;
          let hard = 1;
          let maxAbs = 0;
          for (let d = 0; d < D; d++) {
            const q = t * D + d;
            const raw = out[ob + TD + q] ?? 0;
            const logSigma = raw >= logFloor ? raw : logFloor;
            const sigma = Math.exp(logSigma);
            const e = (traj[b * TD + q] ?? 0) - ((out[ob + q] ?? 0) + (anchor[b * TD + q] ?? 0));
            const absE = Math.abs(e);
            // p = sigmoid(γ·m) and 1 − p from one exponential (exact in both tails).
            const s = gamma * (k * sigma - absE);
            const u = Math.exp(-Math.abs(s));
            const p = s >= 0 ? 1 / (1 + u) : u / (1 + u);
            sig[q] = sigma;
            err[q] = e;
            outsideSoft[q] = s >= 0 ? u / (1 + u) : 1 / (1 + u);
            inside *= p;
            if (!(absE < k * sigma)) hard = 0;
            if (absE > maxAbs) maxAbs = absE;
            sumSq += e * e;
            sumAbs += absE;
            sumSigma += sigma;
            episodeLogSigma += logSigma;
            if (barrierWeight > 0) sumBarrier += softplus(logFloor - raw);
          }
          insideSoft[t] = inside;
          insideHard[t] = hard;
          insideSoftSum += inside;
          hardSum += hard;
          failDeviation += (1 - inside) * maxAbs;
          deviation += maxAbs;
        }
        // Stop head: survival likelihood of the first exit from the hard tube, and E[T].
        let outsideSoFar = 0;
        let survival = 1;
        let expectedHorizon = 0;
        let nll = 0;
        for (let t = 0; t < T; t++) {
          const stop = out[ob + 2 * TD + t] ?? 0;
          const outside = 1 - (insideHard[t] ?? 0);
          outsideSoFar += outside;
          const alive = outsideSoFar === 0 ? 1 : 0;
          const exit = outsideSoFar === 1 && outside === 1 ? 1 : 0;
          // hazard h = sigmoid(stop), 1 − h, log h and log(1 − h) from one exponential and one log1p.
          const u = Math.exp(-Math.abs(stop));
          const log1pU = Math.log1p(u);
          const hazard = stop >= 0 ? 1 / (1 + u) : u / (1 + u);
          const stay = stop >= 0 ? u / (1 + u) : 1 / (1 + u);
          const logHazard = stop >= 0 ? -log1pU : stop - log1pU;
          const logStay = stop >= 0 ? -stop - log1pU : -log1pU;
          survival *= stay;
          expectedHorizon += survival;
          nll -= alive * logStay + exit * logHazard;
          if (wantGrad) dOut[ob + 2 * TD + t] = (horizonWeight / B) * (alive * hazard - exit * stay);
        }
        const failSoft = 1 - insideSoftSum / T;
        sumFail += failSoft;
        sumNll += nll;
        stats[sb + COL.failSoft] = failSoft;
        stats[sb + COL.residual] = sumAbs / TD;
        stats[sb + COL.sigmaMean] = sumSigma / TD;
        stats[sb + COL.logVol] = episodeLogSigma / TD;
        stats[sb + COL.bindHard] = hardSum / T;
        stats[sb + COL.failDeviation] = failDeviation / T;
        stats[sb + COL.deviation] = deviation / T;
        stats[sb + COL.expectedHorizon] = expectedHorizon;
        if (!wantGrad) continue;
        for (let t = 0; t < T; t++) {
          const insideT = insideSoft[t] ?? 0;
          for (let d = 0; d < D; d++) {
            const q = t * D + d;
            const e = err[q] ?? 0;
            const sigma = sig[q] ?? 0;
            // ∂(λ·fail)/∂(γ·m) = −λ/(B·T) · inside_t · sigmoid(−γ·m)
            const dScaled = -failScale * insideT * (outsideSoft[q] ?? 0) * gamma;
            dOut[ob + q] = -2 * e * perElement + dScaled * (e > 0 ? 1 : -1);
            const raw = out[ob + TD + q] ?? 0;
            const dLogSigma = (alphaVol + changeGrad) * perElement + dScaled * k * sigma;
            let dRaw = raw >= logFloor ? dLogSigma : 0;
            if (barrierWeight > 0) dRaw -= barrierWeight * perElement * sigmoid(logFloor - raw);
            dOut[ob + TD + q] = dRaw;
          }
        }
      }
      let loss = sumSq * perElement + alphaVol * logVol + lambda * (sumFail / B) + horizonWeight * (sumNll / B);
      if (barrierWeight > 0) loss += barrierWeight * sumBarrier * perElement;
      if (useChange) loss += changeWeight * (logVol - previous) ** 2;
      losses[r] = loss;
      if (wantGrad) this.backward(B, o1, o2, w2, grad1, grad2);
    }
    return losses;
  }

  /**
   * Forward pass of one replica (offsets o1, o2) into `h` and `out`: h = tanh(x·W1) (W1 masked); the head
   * wires μ columns to the μ trunk (units [0, H)), σ and stop columns to the cone trunk ([H, 2H)), and
   * the bias row to all.
   */
  private forward(B: number, o1: number, o2: number, w1: Float64Array, w2: Float64Array): void {
    const { H2, TD, inRows, outCols, xd, h, out, w1m } = this;
    const H = this.shape.hiddenUnits;
    const { mask1 } = this.masks;
    for (let i = 0; i < w1m.length; i++) w1m[i] = (w1[o1 + i] ?? 0) * (mask1[i] ?? 0);
    h.fill(0, 0, B * H2);
    gemmAccumulate(B, H2, inRows, { data: xd, offset: 0, stride: inRows }, { data: w1m, offset: 0, stride: H2 }, { data: h, offset: 0, stride: H2 });
    // tanh(a) = 1 − 2/(1 + e^{2a}): one exponential, exact at both saturations.
    for (let i = 0; i < B * H2; i++) h[i] = 1 - 2 / (1 + Math.exp(2 * (h[i] ?? 0)));
    const biasRow = o2 + H2 * outCols;
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < outCols; c++) out[b * outCols + c] = w2[biasRow + c] ?? 0;
    }
    gemmAccumulate(B, TD, H, { data: h, offset: 0, stride: H2 }, { data: w2, offset: o2, stride: outCols }, { data: out, offset: 0, stride: outCols });
    gemmAccumulate(B, outCols - TD, H, { data: h, offset: H, stride: H2 }, { data: w2, offset: o2 + H * outCols + TD, stride: outCols }, { data: out, offset: TD, stride: outCols });
  }

  /**
   * Gradients of one replica (offsets o1, o2) from `dOut`: ∂W2 = [h,1]ᵀ·dOut on the connected blocks,
   * ∂W1 = xᵀ·((dOut·W2ᵀ) ⊙ (1 − h²)) masked; entries outside the masks get 0.
   */
  private backward(B: number, o1: number, o2: number, w2: Float64Array, grad1: Float64Array, grad2: Float64Array): void {
    const { H2, TD, inRows, outCols, xd, h, dOut, dh } = this;
    const H = this.shape.hiddenUnits;
    const { mask1 } = this.masks;
    const n1 = inRows * H2;
    const n2 = (H2 + 1) * outCols;
    grad2.fill(0, o2, o2 + n2);
    const cone = H * outCols + TD;
    gemmTransAAccumulate(B, TD, H, { data: h, offset: 0, stride: H2 }, { data: dOut, offset: 0, stride: outCols }, { data: grad2, offset: o2, stride: outCols });
    gemmTransAAccumulate(B, outCols - TD, H, { data: h, offset: H, stride: H2 }, { data: dOut, offset: TD, stride: outCols }, { data: grad2, offset: o2 + cone, stride: outCols });
    const biasRow = o2 + H2 * outCols;
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < outCols; c++) grad2[biasRow + c] = (grad2[biasRow + c] ?? 0) + (dOut[b * outCols + c] ?? 0);
    }
    dh.fill(0, 0, B * H2);
    gemmTransBAccumulate(B, TD, H, { data: dOut, offset: 0, stride: outCols }, { data: w2, offset: o2, stride: outCols }, { data: dh, offset: 0, stride: H2 });
    gemmTransBAccumulate(B, outCols - TD, H, { data: dOut, offset: TD, stride: outCols }, { data: w2, offset: o2 + cone, stride: outCols }, { data: dh, offset: H, stride: H2 });
    for (let i = 0; i < B * H2; i++) {
      const hi = h[i] ?? 0;
      dh[i] = (dh[i] ?? 0) * (1 - hi * hi);
    }
    grad1.fill(0, o1, o1 + n1);
    gemmTransAAccumulate(B, H2, inRows, { data: xd, offset: 0, stride: inRows }, { data: dh, offset: 0, stride: H2 }, { data: grad1, offset: o1, stride: H2 });
    for (let i = 0; i < n1; i++) grad1[o1 + i] = (grad1[o1 + i] ?? 0) * (mask1[i] ?? 0);
  }

  private check(args: FusedTubeRun): void {
    const { replicas: R } = this.shape;
    const B = args.batch;
    if (!(Number.isInteger(B) && B >= 1)) throw new Error(`Error in FusedTubeKernel.run: batch must be an integer >= 1, got ${B}.`);
    const expect: [string, number | undefined, number][] = [
      ["w1", args.w1.length, R * this.inRows * this.H2],
      ["w2", args.w2.length, R * (this.H2 + 1) * this.outCols],
      ["x", args.x.length, B * this.inRows],
      ["anchor", args.anchor.length, B * this.TD],
      ["traj", args.traj.length, B * this.TD],
      ["lambdas", args.lambdas.length, R],
      ["stats", args.stats.length, R * B * S],
      ["grad1", args.grad1?.length, R * this.inRows * this.H2],
      ["grad2", args.grad2?.length, R * (this.H2 + 1) * this.outCols],
    ];
    for (const [name, actual, wanted] of expect) {
      if (actual !== undefined && actual !== wanted) throw new Error(`Error in FusedTubeKernel.run: ${name} must have ${wanted} values, got ${actual}.`);
    }
    if ((args.grad1 === undefined) !== (args.grad2 === undefined)) throw new Error("Error in FusedTubeKernel.run: give both grad1 and grad2, or neither.");
    if (args.previousLogVol !== undefined && args.previousLogVol.length !== R) {
      throw new Error(`Error in FusedTubeKernel.run: previousLogVol must have ${R} values, got ${args.previousLogVol.length}.`);
    }
  }
}
