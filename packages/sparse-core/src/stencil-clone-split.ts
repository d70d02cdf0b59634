/**
 * Clone-and-halve of a stencil unit and its re-merge (seed 002 L1560 "clone-and-halve for overloaded units: as
 * before, but preserve local stencil geometry; downstream 0.5 scalers stay in place", L1314-1324;
 * SEED-INVENTORY §3.9, §3.13; ADR 0332).
 *
 * Split unit `u` of a {@link StencilNet}:
 * 1. duplicate it: a new unit (a clone in the geometry, {@link StencilGeometry.clones}) at `u`'s position and
 *    map with `u`'s Hot cells at the same offsets and the same values (a tied unit's clone is tied to the same
 *    centre with the same residuals; the stencil layer has no bias, the readout's bias is per output and stays);
 * 2. share the downstream weights: `u`'s readout row becomes `share·row`, the clone's `(1 − share)·row`, so the
 *    output is unchanged at t = 0 for any activation (`share·A(z) + (1 − share)·A(z) = A(z)`);
 * 3. optional asymmetry: antithetic incoming noise, `+n` on `u`'s own values and `−n` on the clone's (second
 *    order in the output), so the twins can diverge and grow different rings and arms;
 * 4. re-merge: add the clone's readout row back to its source's and drop the clone and its cells (their tokens
 *    return to the layer's budget).
 *
 * Adam's moments carry over: the clone's cells and readout row start from its source's, the rest keep theirs.
 */
import type { Rng } from "@tam/tensor-backend";

import type { StencilNet } from "./stencil-net.js";
import { StencilGeometry } from "./stencil-geometry.js";

/** Default downstream share of the original (halving, seed L1560 "0.5 scalers"). */
export const STENCIL_CLONE_SHARE = 0.5;

/** What to split and how. */
export interface StencilCloneSpec {
  /** The unit to split (a grid unit or a clone). */
  readonly unit: number;
  /** The original's share of the downstream weights, in (0, 1) (default {@link STENCIL_CLONE_SHARE}). */
  readonly share?: number;
  /** Antithetic noise `±n`, `n ~ N(0, std²)` per Hot cell of the unit (default none: exact preservation). */
  readonly asymmetry?: { readonly incomingNoiseStd: number; readonly rng: Rng };
}

/** What a split did (needed to re-merge). */
export interface StencilCloneRecord {
  /** The unit that was cloned. */
  readonly unit: number;
  /** The clone's index (the old unit count). */
  readonly cloneUnit: number;
  /** The original's downstream share. */
  readonly share: number;
  /** Hot cells the clone added (`C_struct` after − before). */
  readonly addedCells: number;
}

/** The split net and its record. */
export interface StencilCloneResult {
  readonly net: StencilNet;
  readonly record: StencilCloneRecord;
}

/**
 * Split a stencil unit: a new net one unit wider (the input net is left as it was).
 *
 * @example
 * ```ts
 * const { net: wider, record } = cloneStencilUnit(net, { unit: 5 });
 * wider.forward(x);                             // equals net.forward(x) to float32 rounding
 * const back = remergeStencilUnit(wider, record);   // net's function again
 * ```
 * @throws Error naming the field when the unit is out of range or has no Hot cell, the share is outside (0, 1),
 *   the noise std is negative, or the clone's cells would exceed the layer's `budget.structCap`.
 */
export function cloneStencilUnit(net: StencilNet, spec: StencilCloneSpec): StencilCloneResult {
  const layer = net.stencil;
  const g = layer.geometry;
  const [units, S] = layer.shape;
  const { unit } = spec;
  const share = spec.share ?? STENCIL_CLONE_SHARE;
  const where = "Error in cloneStencilUnit";
  if (!Number.isSafeInteger(unit) || unit < 0 || unit >= units) throw new Error(`${where}: unit must be an integer in [0, ${units}), got ${unit}.`);
  if (!(share > 0 && share < 1)) throw new Error(`${where}: share must be in (0, 1), got ${share}.`);
  const std = spec.asymmetry?.incomingNoiseStd ?? 0;
  if (!(Number.isFinite(std) && std >= 0)) throw new Error(`${where}: asymmetry.incomingNoiseStd must be finite and >= 0, got ${std}.`);
  const s = layer.state();
  const mine = Array.from(s.keys.keys()).filter((i) => Math.floor((s.keys[i] as number) / S) === unit);
  if (mine.length === 0) throw new Error(`${where}: unit ${unit} has no Hot cell to clone.`);
  if (s.keys.length + mine.length > layer.budget.structCap) {
    throw new Error(`${where}: the clone's ${mine.length} cells would bring C_struct to ${s.keys.length + mine.length}, over budget.structCap ${layer.budget.structCap}.`);
  }
  const clone = units;
  const own = Float32Array.from(s.own);
  const cloneOwn = Float32Array.from(mine, (i) => own[i] as number);
  if (std > 0 && spec.asymmetry !== undefined) {
    const rng = spec.asymmetry.rng;
    mine.forEach((i, j) => {
      const n = rng.normal(0, std);
      own[i] = (own[i] as number) + n;
      cloneOwn[j] = (cloneOwn[j] as number) - n;
    });
  }
  // The clone is the last unit, so its keys come after every existing key: sorted order holds.
  const keys = Int32Array.from([...s.keys, ...mine.map((i) => clone * S + ((s.keys[i] as number) % S))]);
  const state = { keys, own: Float32Array.from([...own, ...cloneOwn]), tieOf: Int32Array.from([...s.tieOf, s.tieOf[unit] as number]), centres: s.centres };
  const outputs = net.readout.shape[1] as number;
  const readout = new Float32Array((units + 1) * outputs);
  readout.set(net.readout.dataSync());
  for (let c = 0; c < outputs; c += 1) {
    const w = readout[unit * outputs + c] as number;
    readout[unit * outputs + c] = share * w;
    readout[clone * outputs + c] = (1 - share) * w;
  }
  const geometry = new StencilGeometry({ ...g.options, clones: [...g.clones, g.gridUnitOf(unit)] });
  const wider = net.reshaped(geometry, { state, readout }, { cellOf: (key) => (key >= clone * S ? unit * S + (key % S) : key), unitOf: (u) => (u === clone ? unit : u) });
  return { net: wider, record: { unit, cloneUnit: clone, share, addedCells: mine.length } };
}

/**
 * Re-merge a split: the clone's readout row is added to its source's and the clone and its cells are dropped;
 * the source keeps its own (trained) stencil. Units after the clone move down by one. Returns a new net; the
 * input net is left as it was. Right after {@link cloneStencilUnit} without asymmetry this is the original
 * net's function (bit for bit with share ½: halves add back exactly).
 *
 * @throws Error naming the field when `record.cloneUnit` is not a clone of the net or `record.unit` is out of range.
 */
export function remergeStencilUnit(net: StencilNet, record: StencilCloneRecord): StencilNet {
  const layer = net.stencil;
  const g = layer.geometry;
  const [units, S] = layer.shape;
  const { unit, cloneUnit: clone } = record;
  const where = "Error in remergeStencilUnit";
  if (!Number.isSafeInteger(clone) || clone < g.gridUnits || clone >= units) throw new Error(`${where}: cloneUnit must be a clone in [${g.gridUnits}, ${units}), got ${clone}.`);
  if (!Number.isSafeInteger(unit) || unit < 0 || unit >= units || unit === clone) throw new Error(`${where}: unit must be an integer in [0, ${units}) other than the clone, got ${unit}.`);
  const s = layer.state();
  const keys: number[] = [];
  const own: number[] = [];
  s.keys.forEach((key, i) => {
    const u = Math.floor(key / S);
    if (u === clone) return;
    keys.push(u > clone ? key - S : key);
    own.push(s.own[i] as number);
  });
  const outputs = net.readout.shape[1] as number;
  const old = net.readout.dataSync();
  const readout = new Float32Array((units - 1) * outputs);
  for (let u = 0, to = 0; u < units; u += 1) {
    if (u === clone) continue;
    readout.set(old.subarray(u * outputs, (u + 1) * outputs), to * outputs);
    to += 1;
  }
  const target = unit > clone ? unit - 1 : unit;
  for (let c = 0; c < outputs; c += 1) readout[target * outputs + c] = (readout[target * outputs + c] as number) + (old[clone * outputs + c] as number);
  const tieOf = Int32Array.from(Array.from(s.tieOf).filter((_, u) => u !== clone));
  const clones = g.clones.filter((_, i) => g.gridUnits + i !== clone);
  const geometry = new StencilGeometry({ ...g.options, clones });
  const back = (u: number): number => (u >= clone ? u + 1 : u);
  return net.reshaped(geometry, { state: { keys: Int32Array.from(keys), own: Float32Array.from(own), tieOf, centres: s.centres }, readout }, { cellOf: (key) => back(Math.floor(key / S)) * S + (key % S), unitOf: back });
}
