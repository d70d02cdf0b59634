/**
 * The connectivity masks of a {@link TubeModel}: which inputs each trunk reads (the observation, its slice
 * of the latent z, the bias row) and which trunk each output column reads (μ columns the μ trunk; σ and
 * stop columns the cone trunk; the bias row feeds every column). Shared by the tfjs model and the fused
 * host kernel so both compute the same function.
 *
 * Source: `001_4e7658869d462183.txt` §C L52–65 (head wiring); ADR 0202.
 */

/** A half-open slice `[start, end)` of the latent z. */
export interface LatentSlice {
  readonly start: number;
  readonly end: number;
}

/** What {@link tubeMasks} needs to know about a model. */
export interface TubeMaskShape {
  readonly obsDim: number;
  readonly latentDim: number;
  readonly hiddenUnits: number;
  readonly horizonSteps: number;
  readonly stateDim: number;
  readonly muLatent: LatentSlice;
  readonly coneLatent: LatentSlice;
}

/** The two masks, row-major: `mask1` `[obsDim + latentDim + 1, 2H]`, `mask2` `[2H + 1, 2·T·D + T]`. */
export interface TubeMasks {
  readonly mask1: Float32Array;
  readonly mask2: Float32Array;
  /** Rows of the first layer (`obsDim + latentDim + 1`, last = bias). */
  readonly inRows: number;
  /** Columns of the head layer (`2·T·D + T`). */
  readonly outCols: number;
}

/** Build the masks of a tube model with shape `c` (entries are 0 or 1). */
export function tubeMasks(c: TubeMaskShape): TubeMasks {
  const H = c.hiddenUnits;
  const inRows = c.obsDim + c.latentDim + 1;
  const TD = c.horizonSteps * c.stateDim;
  const outCols = 2 * TD + c.horizonSteps;
  const mask1 = new Float32Array(inRows * 2 * H);
  const reads = (row: number, slice: LatentSlice): boolean =>
    row < c.obsDim || row === inRows - 1 || (row - c.obsDim >= slice.start && row - c.obsDim < slice.end);
  for (let row = 0; row < inRows; row++) {
    for (let col = 0; col < 2 * H; col++) mask1[row * 2 * H + col] = reads(row, col < H ? c.muLatent : c.coneLatent) ? 1 : 0;
  }
  const mask2 = new Float32Array((2 * H + 1) * outCols);
  for (let row = 0; row <= 2 * H; row++) {
    for (let col = 0; col < outCols; col++) {
      const trunkIsMu = row < H;
      const colIsMu = col < TD;
      mask2[row * outCols + col] = row === 2 * H || trunkIsMu === colIsMu ? 1 : 0;
    }
  }
  return { mask1, mask2, inRows, outCols };
}
