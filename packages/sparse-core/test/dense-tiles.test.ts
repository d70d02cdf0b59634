// Dense-compute / sparse-semantics tiles (issue 7 item 6, ADR 0331): the gather lists are exact, the tile
// path computes the sparse path's function and W_vals gradient on any mix of sparse, dense and tile blocks,
// its gradient matches finite differences, cells outside the mask stay exactly zero, the crossover policy
// drives three paths with hysteresis and cooldown, and the device cost model measures the tile path.
import { createRng, randomNormal, tf, type Rank, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import {
  CrossoverPolicy,
  LinearCostModel,
  SparseMaskedLinear,
  denseTileCells,
  denseTileGroup,
  disposeDenseTileGroup,
  measureDeviceCosts,
  packDenseTile,
  tiledMatMul,
  type ComputePath,
  type CostModel,
  type CostQuery,
  type SwitchEvent,
} from "../src/index.js";
import { TEST_BACKENDS, maxAbsDiff, useBackend } from "./helpers/backends.js";

const [IN, OUT, BLOCK_ROWS] = [13, 7, 4] as const;

/** Sorted unique random keys of an `IN x OUT` layer. */
function randomKeys(seed: number, fraction: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from(rng.choice(IN * OUT, Math.max(1, Math.round(fraction * IN * OUT)))).sort();
}

/** A 13x7 layer in row blocks of 4 with a random Hot set. */
function randomLayer(seed: number, fraction: number): SparseMaskedLinear {
  const keys = randomKeys(seed, fraction);
  const rng = createRng(seed + 7);
  return new SparseMaskedLinear({ id: "L", inFeatures: IN, outFeatures: OUT, base: { kind: "zero" }, crossoverBlockRows: BLOCK_ROWS, initial: { keys, values: Float32Array.from(keys, () => rng.normal()) } });
}

/** Output, ∂(Σ y·r)/∂W_vals and ∂(Σ y·r)/∂x of a layer on its current paths. */
function outputAndGradients(layer: SparseMaskedLinear, x: Tensor2D, r: Tensor2D): { y: Float32Array; gv: Float32Array; gx: Float32Array } {
  return tf.tidy(() => {
    const y = layer.forward(x);
    const [gv, gx] = tf.grads((v, input) => tf.sum(tf.mul(layer.forward(input as Tensor2D, { hotValues: v as Tensor1D }), r)))([layer.values, x]);
    return { y: Float32Array.from(y.dataSync()), gv: Float32Array.from(gv?.dataSync() ?? []), gx: Float32Array.from(gx?.dataSync() ?? []) };
  });
}

describe("packDenseTile", () => {
  it("gather lists are exact: every Hot cell of a layer is in exactly one block tile, at its own row and column (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 1, max: IN }), (seed, fraction, blockRows) => {
        const keys = randomKeys(seed, fraction);
        const seen = new Map<number, number>();
        let tileCells = 0;
        for (let r0 = 0; r0 < IN; r0 += blockRows) {
          const r1 = Math.min(IN, r0 + blockRows);
          const start = keys.findIndex((k) => k >= r0 * OUT);
          const from = start === -1 ? keys.length : start;
          const endAt = keys.findIndex((k) => k >= r1 * OUT);
          const to = endAt === -1 ? keys.length : endAt;
          const tile = packDenseTile(keys, OUT, from, to);
          expect(tile.count).toBe(to - from);
          // Sorted unique gather lists inside the block; each listed row and column holds a Hot cell.
          for (const [list, lo, hi] of [
            [tile.rowIdx, r0, r1],
            [tile.colIdx, 0, OUT],
          ] as const) {
            list.forEach((v, i) => {
              expect(v).toBeGreaterThanOrEqual(lo);
              expect(v).toBeLessThan(hi);
              if (i > 0) expect(v).toBeGreaterThan(list[i - 1] as number);
            });
          }
          const usedRows = new Set<number>();
          const usedCols = new Set<number>();
          for (let i = 0; i < tile.count; i += 1) {
            const tr = tile.cellIdx[2 * i] as number;
            const tc = tile.cellIdx[2 * i + 1] as number;
            usedRows.add(tr);
            usedCols.add(tc);
            const key = (tile.rowIdx[tr] as number) * OUT + (tile.colIdx[tc] as number);
            expect(key).toBe(keys[from + i]);
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
          expect(usedRows.size).toBe(tile.rowIdx.length);
          expect(usedCols.size).toBe(tile.colIdx.length);
          // Distinct tile positions per cell.
          expect(new Set(Array.from({ length: tile.count }, (_, i) => `${tile.cellIdx[2 * i]},${tile.cellIdx[2 * i + 1]}`)).size).toBe(tile.count);
          tileCells += denseTileCells(tile);
        }
        expect(seen.size).toBe(keys.length);
        for (const count of seen.values()) expect(count).toBe(1);
        expect(tileCells).toBeGreaterThanOrEqual(keys.length);
      }),
      { numRuns: 60 },
    );
  });

  it("rejects bad input, naming the field and the value", () => {
    const keys = Int32Array.from([1, 5, 9]);
    expect(() => packDenseTile(keys, 0, 0, 3)).toThrow(/outFeatures must be a positive integer, got 0/);
    expect(() => packDenseTile(keys, 4, 2, 5)).toThrow(/\[start, end\) must be a range within \[0, 3\], got \[2, 5\)/);
    expect(() => packDenseTile(Int32Array.from([5, 1]), 4, 0, 2)).toThrow(/keys must be sorted and unique; key 1 is 1 after 5/);
    expect(() => denseTileGroup([packDenseTile(keys, 4, 0, 3), packDenseTile(keys, 4, 1, 2)], 3, 4)).toThrow(/rowIdx must be unique rows in \[0, 3\), got \[0, 1, 2, 1\]/);
    expect(() => denseTileGroup([packDenseTile(keys, 2, 0, 3)], 5, 1)).toThrow(/colIdx must be in \[0, 1\), got \[1\]/);
    expect(packDenseTile(keys, 4, 1, 1)).toEqual({ start: 1, count: 0, rowIdx: new Int32Array(0), colIdx: new Int32Array(0), cellIdx: new Int32Array(0) });
  });
});

describe.each(TEST_BACKENDS)("tile path on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("any mix of sparse, dense and tile blocks gives the sparse path's output and gradients (property), leaking nothing", () => {
    const paths: readonly ComputePath[] = ["sparse", "dense", "tile"];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 0.03, max: 0.9, noNaN: true }),
        (seed, choice, fraction) => {
          const layer = randomLayer(seed, fraction);
          const rng = createRng(seed + 1);
          const x = randomNormal(rng, [5, IN]) as Tensor2D;
          const r = randomNormal(rng, [5, OUT]) as Tensor2D;
          const sparse = outputAndGradients(layer, x, r);
          choice.forEach((c, b) => layer.setBlockPath(b, paths[c] as ComputePath));
          outputAndGradients(layer, x, r); // builds the cached block plan (tiles)
          const before = tf.memory().numTensors;
          const mixed = outputAndGradients(layer, x, r);
          expect(tf.memory().numTensors).toBe(before);
          expect(maxAbsDiff(sparse.y, mixed.y)).toBeLessThan(1e-5);
          expect(maxAbsDiff(sparse.gv, mixed.gv)).toBeLessThan(1e-5);
          expect(maxAbsDiff(sparse.gx, mixed.gx)).toBeLessThan(1e-5);
          // computeCells follows each block's path: h·out dense, the tile's R·C on the tile path, nnz sparse.
          const expected = layer.blocks.reduce((s, b) => s + (b.path === "dense" ? b.shape[0] * OUT : b.path === "tile" ? b.tileCells : b.nnz), 0);
          expect(layer.counters(0).computeCells).toBe(expected);
          expect(layer.blocks.every((b) => b.counters(0).computeCells === layer.blockComputeCells(b.index))).toBe(true);
          tf.dispose([x, r]);
          layer.dispose();
          expect(tf.memory().numTensors).toBeLessThan(before);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("the whole layer on the tile path equals the sparse path; a structural edit rebuilds the tiles", () => {
    const layer = randomLayer(11, 0.2);
    const x = randomNormal(createRng(12), [4, IN]) as Tensor2D;
    const r = tf.ones<Rank.R2>([4, OUT]);
    expect(layer.setPath("tile")).toBe(true);
    expect(layer.path).toBe("tile");
    outputAndGradients(layer, x, r);
    layer.setStructure(Int32Array.from([0, 20, 22, 64, 90]), Float32Array.from([1, -2, 3, 0.5, 4]));
    const tiled = outputAndGradients(layer, x, r);
    layer.setPath("sparse");
    const sparse = outputAndGradients(layer, x, r);
    expect(maxAbsDiff(sparse.y, tiled.y)).toBeLessThan(1e-5);
    expect(maxAbsDiff(sparse.gv, tiled.gv)).toBeLessThan(1e-5);
    expect(() => layer.setPath("diagonal" as ComputePath)).toThrow(/path must be "sparse", "dense" or "tile", got diagonal/);
    tf.dispose([x, r]);
    layer.dispose();
  });

  it("cells outside the mask stay exactly zero: the tiled product of the identity is W with exact zeros off the mask", () => {
    const keys = randomKeys(5, 0.3);
    const values = Float32Array.from(keys, (_, i) => (i % 3) - 1.5);
    // Two tiles (rows 0-5 and 6-12) sharing output columns: their outputs are summed by the one scatter.
    const split = keys.findIndex((k) => k >= 6 * OUT);
    const tensors = denseTileGroup([packDenseTile(keys, OUT, 0, split), packDenseTile(keys, OUT, split, keys.length)], IN, OUT);
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tiledMatMul(tf.eye(IN), tf.tensor1d(values), tensors).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    const expected = new Float32Array(IN * OUT);
    keys.forEach((k, i) => (expected[k] = values[i] as number));
    expect(Array.from(w)).toEqual(Array.from(expected));
    disposeDenseTileGroup(tensors);
  });

  it("the W_vals gradient of the tiled product matches central finite differences", () => {
    const keys = randomKeys(21, 0.25);
    const rng = createRng(22);
    const values = Float32Array.from(keys, () => rng.normal());
    const tensors = denseTileGroup([packDenseTile(keys, OUT, 0, keys.length)], IN, OUT);
    const x = randomNormal(rng, [3, IN]) as Tensor2D;
    const r = randomNormal(rng, [3, OUT]) as Tensor2D;
    // A non-linear loss so the gradient depends on the values: Σ r·tanh(x·W).
    const loss = (v: tf.Tensor): tf.Scalar => tf.sum(tf.mul(r, tf.tanh(tiledMatMul(x, v as Tensor1D, tensors))));
    const analytic = tf.tidy(() => tf.grad(loss)(tf.tensor1d(values)).dataSync());
    const h = 1e-2;
    for (let i = 0; i < keys.length; i += 1) {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const v = Float32Array.from(values);
          v[i] = (v[i] as number) + delta;
          return loss(tf.tensor1d(v)).dataSync()[0] as number;
        });
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(numeric - (analytic[i] as number))).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
    }
    tf.dispose([x, r]);
    disposeDenseTileGroup(tensors);
  });
});

/** A cost model whose cheapest path is `state.best` (tile costs only for targets reporting `tileCells`). */
function switchableCost(state: { best: ComputePath; tieTile?: boolean }): CostModel {
  const cost = (path: ComputePath): number => (state.best === path ? 1 : 2);
  return {
    sparseSeconds: () => cost("sparse"),
    denseSeconds: () => cost("dense"),
    tileSeconds: (q: CostQuery) => (q.tileCells === undefined ? undefined : state.tieTile === true ? 1.01 : cost("tile")),
  };
}

describe("crossover policy with three paths", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("switches a block to the tile path after confirmChecks agreeing checks, then cools down; events carry tile seconds and tile counters", () => {
    const layer = randomLayer(31, 0.3);
    const state: { best: ComputePath; tieTile?: boolean } = { best: "tile" };
    const events: SwitchEvent[] = [];
    const policy = new CrossoverPolicy(switchableCost(state), { confirmChecks: 2, cooldownChecks: 2 }, { onEvent: (e) => events.push(e) });
    const block = layer.blocks[1];
    if (block === undefined) throw new Error("no block 1");
    expect(policy.check(block, 8).switched).toBe(false);
    const second = policy.check(block, 8);
    expect(second.switched).toBe(true);
    expect(second.preferred).toBe("tile");
    expect(second.tileSeconds).toBe(1);
    expect(block.path).toBe("tile");
    expect(layer.path).toBe("mixed");
    expect(events).toHaveLength(1);
    expect(events[0]?.to).toBe("tile");
    expect(events[0]?.tileSeconds).toBe(1);
    expect(events[0]?.countersAfter.computeCells).toBe(block.tileCells);
    expect(events[0]?.countersBefore.computeCells).toBe(block.nnz);
    // Cooldown: dense is now cheapest, but two checks pass without a switch, then two agreeing checks switch.
    state.best = "dense";
    expect([policy.check(block, 8), policy.check(block, 8)].map((c) => c.switched)).toEqual([false, false]);
    expect(policy.check(block, 8).switched).toBe(false);
    expect(policy.check(block, 8).switched).toBe(true);
    expect(block.path).toBe("dense");
    layer.dispose();
  });

  it("alternating preferences never switch (hysteresis), a tie keeps the tile path, and without tile costs the tile path is never chosen", () => {
    const layer = randomLayer(41, 0.3);
    const state: { best: ComputePath; tieTile?: boolean } = { best: "tile" };
    const policy = new CrossoverPolicy(switchableCost(state), { confirmChecks: 3, cooldownChecks: 0 });
    for (let i = 0; i < 12; i += 1) {
      state.best = i % 2 === 0 ? "tile" : "dense";
      expect(policy.check(layer, 4).switched).toBe(false);
    }
    state.best = "tile";
    for (let i = 0; i < 3; i += 1) policy.check(layer, 4);
    expect(layer.path).toBe("tile");
    // Within tieMargin of the cheaper other path: stay on tile.
    state.best = "sparse";
    state.tieTile = true;
    for (let i = 0; i < 6; i += 1) expect(policy.check(layer, 4).preferred).toBe("tile");
    expect(layer.path).toBe("tile");
    // A model without tile costs: only sparse and dense are ever preferred.
    const twoPath = new CrossoverPolicy({ sparseSeconds: () => 2, denseSeconds: () => 1 }, { confirmChecks: 1 });
    const check = twoPath.check(layer, 4);
    expect(check.tileSeconds).toBeUndefined();
    expect(check.preferred).toBe("dense");
    expect(layer.path).toBe("dense");
    layer.dispose();
  });
});

describe("tile costs of the device cost model", () => {
  const zero = { fixedSeconds: 0, perEntrySeconds: 0, perPathSeconds: 0, perMacSeconds: 0 };

  it("predicts tile seconds from its own coefficients, only for queries with tileCells, and checks tileCells", () => {
    const tile = { fixedSeconds: 1e-4, perEntrySeconds: 1e-9, perPathSeconds: 2e-9, perMacSeconds: 3e-10 };
    const model = new LinearCostModel({ backend: "test", workload: "train", sparse: zero, dense: zero, tile });
    const q = { batch: 8, inFeatures: 16, outFeatures: 10, paths: 20 };
    expect(model.tileSeconds(q)).toBeUndefined();
    expect(model.tileSeconds({ ...q, tileCells: 40 })).toBeCloseTo(1e-4 + 1e-9 * 8 * 26 + 2e-9 * 20 + 3e-10 * 8 * 40, 15);
    expect(new LinearCostModel({ backend: "test", workload: "train", sparse: zero, dense: zero }).tileSeconds({ ...q, tileCells: 40 })).toBeUndefined();
    expect(() => model.tileSeconds({ ...q, tileCells: 19 })).toThrow(/tileCells must be an integer in \[paths, 160\], got 19/);
    expect(() => new LinearCostModel({ backend: "x", workload: "train", sparse: zero, dense: zero, tile: { ...tile, perMacSeconds: -1 } })).toThrow(/tile.perMacSeconds must be a finite number >= 0, got -1/);
  });

  it.each(TEST_BACKENDS)("the micro-benchmark times the tile path on quarter and uniform masks on %s, leaking nothing", async (backend) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const model = measureDeviceCosts({ shapes: [[4, 12, 16], [16, 24, 20]], densities: [0.05, 0.4], repeats: 2, warmup: 1, workload: "forward" });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.tileSamples).toHaveLength(4);
    const [quarter, uniform] = model.tileSamples;
    expect(quarter?.tileCells).toBeLessThanOrEqual(3 * 4);
    expect(quarter?.tileCells).toBeGreaterThanOrEqual(quarter?.paths ?? Infinity);
    expect(uniform?.tileCells).toBeGreaterThan(quarter?.tileCells ?? Infinity);
    for (const s of model.tileSamples) {
      expect(s.tileSeconds).toBeGreaterThan(0);
      expect(s.timedCalls).toBe(2);
    }
    expect(model.tile).toBeDefined();
    for (const v of Object.values(model.tile ?? {})) expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(model.tileSeconds({ batch: 8, inFeatures: 16, outFeatures: 16, paths: 20, tileCells: 40 })).toBeGreaterThan(0);
  });
});
