/**
 * Identity initialisers for square and non-square kernels (SEED-INVENTORY TB-9a, D-8; seed 002 L36,
 * L1133, L1570; §15.2 item 2).
 *
 * Definition used (§15.2 item 2): the non-square identity `[rows, cols]` has `gain` at `(i, i)` for
 * `i < min(rows, cols)` and zeros elsewhere, like Keras' `Identity` initializer on a 2-D kernel
 * (TF.js' `tf.initializers.identity` throws on non-square shapes). The block-diagonal identity repeats
 * that block along the diagonal, one block per channel, so each channel's state maps to itself.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor2D } from "@tensorflow/tfjs";

/** Options of the identity initialisers. */
export interface IdentityInitOptions {
  /** The diagonal value (default 1). */
  readonly gain?: number;
}

/**
 * A float32 `[rows, cols]` identity: `gain` on the main diagonal, zeros elsewhere.
 *
 * @example
 * ```ts
 * identityInit(2, 3).print();   // [[1, 0, 0], [0, 1, 0]]
 * ```
 * @throws Error naming the argument when a size is not a positive integer or gain is not finite.
 */
export function identityInit(rows: number, cols: number = rows, options: IdentityInitOptions = {}): Tensor2D {
  const gain = options.gain ?? 1;
  checkSize("identityInit", "rows", rows);
  checkSize("identityInit", "cols", cols);
  checkGain("identityInit", gain);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i += 1) data[i * cols + i] = gain;
  return tf.tensor2d(data, [rows, cols], "float32");
}

/**
 * A block-diagonal identity: `blocks` copies of `identityInit(blockRows, blockCols)` on the diagonal,
 * shape `[blocks * blockRows, blocks * blockCols]` (multi-channel state, TB-9a).
 *
 * @example
 * ```ts
 * blockIdentityInit(2, 2, 1).print();   // [[1,0],[0,0],[0,1],[0,0]]
 * ```
 */
export function blockIdentityInit(
  blocks: number,
  blockRows: number,
  blockCols: number = blockRows,
  options: IdentityInitOptions = {},
): Tensor2D {
  const gain = options.gain ?? 1;
  checkSize("blockIdentityInit", "blocks", blocks);
  checkSize("blockIdentityInit", "blockRows", blockRows);
  checkSize("blockIdentityInit", "blockCols", blockCols);
  checkGain("blockIdentityInit", gain);
  const rows = blocks * blockRows;
  const cols = blocks * blockCols;
  const data = new Float32Array(rows * cols);
  for (let b = 0; b < blocks; b += 1) {
    for (let i = 0; i < Math.min(blockRows, blockCols); i += 1) {
      data[(b * blockRows + i) * cols + b * blockCols + i] = gain;
    }
  }
  return tf.tensor2d(data, [rows, cols], "float32");
}

function checkSize(op: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`Error in ${op}: ${name} must be a positive integer, got ${value}.`);
  }
}

function checkGain(op: string, gain: number): void {
  if (!Number.isFinite(gain)) throw new Error(`Error in ${op}: gain must be finite, got ${gain}.`);
}
