/**
 * Dynamic sparse training baselines for the `sparse-growth` scenario, from their papers: RigL (Evci et
 * al. 2020: drop by magnitude, regrow by gradient magnitude, cosine-decayed update fraction, no updates
 * after T_end) and SET (Mocanu et al. 2018: drop by magnitude, regrow at random, fixed fraction). Both
 * keep the nnz budget fixed; regrown cells start at 0.
 */
import type { Rng } from "@tam/tensor-backend";
import type { Batch, SparseMaskedStack } from "@tam/sparse-core";

/** RigL's initial drop fraction α (Evci et al. 2020, §4: α = 0.3). */
export const RIGL_DROP_FRACTION = 0.3;
/** RigL stops updating the topology at this fraction of training (Evci et al. 2020: T_end = 0.75 T). */
export const RIGL_END_FRACTION = 0.75;
/** SET's removal fraction ζ (Mocanu et al. 2018: ζ = 0.3). */
export const SET_DROP_FRACTION = 0.3;

/** The fraction of a layer's Hot cells RigL (cosine-decayed) or SET (constant) replaces at `step`. */
export function dstUpdateFraction(method: "rigl" | "set", step: number, endUpdates: number): number {
  return method === "rigl" ? (RIGL_DROP_FRACTION / 2) * (1 + Math.cos((Math.PI * step) / endUpdates)) : SET_DROP_FRACTION;
}

/** A random sparse set of `nnz` cells with He-style values scaled by density (RigL/SET initial topology). */
export function randomSparseInitial(rng: Rng, inF: number, outF: number, nnz: number): { keys: Int32Array; values: Float32Array } {
  const cells = inF * outF;
  const keys = Int32Array.from(rng.choice(cells, Math.min(nnz, cells))).sort();
  const std = Math.sqrt(2 / Math.max(1, inF * (keys.length / cells)));
  return { keys, values: Float32Array.from(keys, () => rng.normal(0, std)) };
}

/** RigL / SET topology update of one layer (drop by |w|, regrow by |grad| or at random; new weights 0). */
export function dstTopologyUpdate(net: SparseMaskedStack, layerId: string, fraction: number, regrow: "gradient" | "random", batch: Batch, rng: Rng): void {
  const layer = net.layer(layerId);
  const keys = layer.hotKeys();
  const values = layer.hotValues();
  const k = Math.floor(fraction * keys.length);
  if (k === 0) return;
  const order = Array.from(keys.keys()).sort((a, b) => Math.abs(values[a] as number) - Math.abs(values[b] as number) || (keys[a] as number) - (keys[b] as number));
  const drop = Int32Array.from(order.slice(0, k), (i) => keys[i] as number).sort();
  const hot = new Set(keys);
  let grow: number[];
  if (regrow === "gradient") {
    const g = net.toggleMaskGradient(batch, layerId);
    grow = Array.from(g.keys())
      .filter((c) => !hot.has(c))
      .sort((a, b) => Math.abs(g[b] as number) - Math.abs(g[a] as number) || a - b)
      .slice(0, k);
  } else {
    const cells = layer.shape[0] * layer.shape[1];
    const chosen = new Set<number>();
    while (chosen.size < k) {
      const c = rng.int(0, cells);
      if (!hot.has(c)) chosen.add(c);
    }
    grow = [...chosen];
  }
  net.removeCells(layerId, drop);
  net.commitCells(layerId, Int32Array.from(grow).sort(), new Float32Array(grow.length));
}
