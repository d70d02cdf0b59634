/**
 * The optimizer of a stack's growth objects and the structural edits that keep it consistent: Adam over
 * every object's Hot values, whose moments follow their cells when cells are committed or removed
 * (new cells start at zero). Shared by {@link SparseMaskedStack} and the spline-activated stack.
 */
import { AdamWithMoments, tf, type Scalar, type Variable } from "@tam/tensor-backend";
import { binarySearch, carryByKey } from "./warm-cells.js";

/** A growth object whose Hot values are trained (a masked layer, a spline activation). */
export interface HotSetObject {
  readonly id: string;
  readonly nnz: number;
  /** The trainable Hot values, aligned with {@link HotSetObject.hotKeys}. */
  readonly values: Variable;
  hotKeys(): Int32Array;
  hotValues(): Float32Array;
  /** Replace the Hot set (sorted unique keys); validates before it replaces anything. */
  setStructure(keys: Int32Array, values: Float32Array): void;
}

/** Options of {@link HotSetTrainer}. */
export interface HotSetTrainerOptions {
  readonly learningRate: number;
  /** Prox-L1 post-step strength (C-1: never a loss term); off when undefined. */
  readonly proxL1Lambda: number | undefined;
}

/** Adam over the Hot values of a fixed list of objects, rebuilt (moments carried by cell) on every edit. */
export class HotSetTrainer {
  private optimizer: AdamWithMoments | undefined;

  /** `owner` names the stack in errors, e.g. `SparseMaskedStack`. */
  constructor(
    private readonly owner: string,
    private readonly objects: readonly HotSetObject[],
    private readonly options: HotSetTrainerOptions,
  ) {
    this.rebuild(new Map());
  }

  /** One Adam step on `loss` (no update while nothing is Hot); returns the loss before it. */
  minimize(loss: () => Scalar): Scalar {
    return this.optimizer === undefined ? loss() : this.optimizer.minimize(loss);
  }

  /** Adam's second moment `v` of an object's Hot values (zeros before the first step), aligned with its keys. */
  secondMoment(object: HotSetObject): Float32Array {
    if (object.nnz === 0 || this.optimizer === undefined || !this.optimizer.names.includes(object.id)) return new Float32Array(object.nnz);
    return Float32Array.from(this.optimizer.secondMoment(object.id).dataSync());
  }

  /**
   * Make Cold cells Hot with the given values (the warm start `W_R ← Δ_R`, seed L1651).
   *
   * @throws Error naming the object and key when a key is already Hot, or the lengths differ.
   */
  commitCells(object: HotSetObject, keys: Int32Array, values: Float32Array): void {
    if (keys.length !== values.length) throw new Error(`Error in ${this.owner}.commitCells: ${keys.length} keys but ${values.length} values.`);
    const cells = hotCells(object);
    for (const key of keys) if (cells.has(key)) throw new Error(`Error in ${this.owner}.commitCells: cell ${key} of "${object.id}" is already Hot.`);
    keys.forEach((key, i) => cells.set(key, values[i] as number));
    this.edit(object, cells);
  }

  /** Move Hot cells to Cold (pruning `Hot → Cold`, seed L1662). @throws Error naming a key that is not Hot. */
  removeCells(object: HotSetObject, keys: Int32Array): void {
    const cells = hotCells(object);
    for (const key of new Set(keys)) if (!cells.delete(key)) throw new Error(`Error in ${this.owner}.removeCells: cell ${key} of "${object.id}" is not Hot.`);
    this.edit(object, cells);
  }

  /** Set Hot cells to 0 in place, keeping them Hot (the `C_active` prune of seed L1662). */
  zeroCells(object: HotSetObject, keys: Int32Array): void {
    const hot = object.hotKeys();
    const values = object.hotValues();
    for (const key of keys) {
      const at = binarySearch(hot, key);
      if (at < 0) throw new Error(`Error in ${this.owner}.zeroCells: cell ${key} of "${object.id}" is not Hot.`);
      values[at] = 0;
    }
    tf.tidy(() => object.values.assign(tf.tensor1d(values)));
  }

  /** Free the optimizer's state (the objects belong to the stack). */
  dispose(): void {
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }

  private edit(object: HotSetObject, cells: ReadonlyMap<number, number>): void {
    const keys = Int32Array.from([...cells.keys()].sort((a, b) => a - b));
    const values = Float32Array.from(keys, (key) => cells.get(key) as number);
    const saved = this.saveMoments();
    object.setStructure(keys, values);
    this.rebuild(saved);
  }

  /** Host copies of every trained object's moments, keyed by cell. */
  private saveMoments(): Map<string, { keys: Int32Array; m: Float32Array; v: Float32Array }> {
    const saved = new Map<string, { keys: Int32Array; m: Float32Array; v: Float32Array }>();
    if (this.optimizer === undefined) return saved;
    for (const name of this.optimizer.names) {
      saved.set(name, {
        keys: this.object(name).hotKeys(),
        m: Float32Array.from(this.optimizer.firstMoment(name).dataSync()),
        v: Float32Array.from(this.optimizer.secondMoment(name).dataSync()),
      });
    }
    return saved;
  }

  /** A new optimizer over the objects with Hot cells, carrying the step count and the moments of surviving cells. */
  private rebuild(saved: ReadonlyMap<string, { keys: Int32Array; m: Float32Array; v: Float32Array }>): void {
    const stepCount = this.optimizer?.stepCount ?? 0;
    this.optimizer?.dispose();
    this.optimizer = undefined;
    const params: Record<string, Variable> = {};
    for (const object of this.objects) if (object.nnz > 0) params[object.id] = object.values;
    if (Object.keys(params).length === 0) return;
    const { learningRate, proxL1Lambda } = this.options;
    this.optimizer = new AdamWithMoments(params, { learningRate, ...(proxL1Lambda === undefined ? {} : { proxL1: { lambda: proxL1Lambda } }) });
    this.optimizer.setStepCount(stepCount);
    const state = this.optimizer.stateVariables();
    for (const name of Object.keys(params)) {
      const before = saved.get(name);
      if (before === undefined) continue;
      const keys = this.object(name).hotKeys();
      tf.tidy(() => {
        state[`m/${name}`]?.assign(tf.tensor1d(carryByKey(before.keys, before.m, keys)));
        state[`v/${name}`]?.assign(tf.tensor1d(carryByKey(before.keys, before.v, keys)));
      });
    }
  }

  private object(id: string): HotSetObject {
    const found = this.objects.find((object) => object.id === id);
    if (found === undefined) throw new Error(`Error in ${this.owner}: no object "${id}".`);
    return found;
  }
}

/** An object's Hot cells as key → value. */
function hotCells(object: HotSetObject): Map<number, number> {
  const values = object.hotValues();
  return new Map(Array.from(object.hotKeys(), (key, i) => [key, values[i] as number]));
}
