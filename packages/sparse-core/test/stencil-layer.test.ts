// Perceptron-local stencils (seed 002 L1515-1530, L1819-1832): geometry, exact identity pass-through, the
// sparse path against the dense reference forward and backward (and finite differences), soft-tying that
// preserves the function with centre + residual, the tied accounting, leaks and bad input.
import { createRng, tf, type Rank, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { StencilGeometry, StencilLayer, StencilNet, type Batch } from "../src/index.js";
import { bitEqual, maxAbsDiff, useBackend } from "./helpers/backends.js";

/** A net on a random grid with random Hot stencils (every unit keeps its centre). */
function randomNet(seed: number, options: { maps?: number; stride?: number } = {}): StencilNet {
  const rng = createRng(seed);
  const height = rng.int(3, 7);
  const width = rng.int(3, 7);
  const net = new StencilNet({
    layer: { geometry: { height, width, radius: rng.int(1, 3), stride: options.stride ?? rng.int(1, 3), maps: options.maps ?? rng.int(1, 3) }, seed: { kind: "identity" }, maxCentres: 3 },
    outputs: 3,
    activation: "tanh",
    loss: "mse",
    rng: rng.fork("readout"),
  });
  const g = net.stencil.geometry;
  const extra: number[] = [];
  for (let key = 0; key < g.units * g.offsets; key += 1) if (key % g.offsets !== 0 && g.inGrid(key) && rng.bernoulli(0.4)) extra.push(key);
  net.commitCells(net.stencil.id, Int32Array.from(extra), Float32Array.from(extra, () => rng.normal(0, 0.5)));
  return net;
}

function randomBatch(net: StencilNet, seed: number, rows = 5): Batch {
  const rng = createRng(seed);
  return tf.tidy(() => ({
    x: tf.randomNormal<Rank.R2>([rows, net.stencil.geometry.inFeatures], 0, 1, "float32", rng.nextSeed()),
    y: tf.randomNormal<Rank.R2>([rows, 3], 0, 1, "float32", rng.nextSeed()),
  }));
}

function read(t: tf.Tensor): Float32Array {
  const out = Float32Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe("StencilGeometry", () => {
  it("orders offsets by ring, maps cells to pixels with zero padding, and lists rings and rays", () => {
    const g = new StencilGeometry({ height: 5, width: 6, radius: 2, stride: 2, maps: 2 });
    expect(g.offsets).toBe(25);
    expect(g.positionsY).toBe(3);
    expect(g.positionsX).toBe(3);
    expect(g.units).toBe(18);
    expect(g.offset(0)).toEqual([0, 0]);
    expect(Array.from({ length: 25 }, (_, o) => g.ringOf(o))).toEqual([0, ...new Array<number>(8).fill(1), ...new Array<number>(16).fill(2)]);
    // Unit 0 sits at (0, 0): its up-left neighbour is padding; unit 9 is the same position in map 1.
    expect(g.positionOf(0)).toEqual([0, 0]);
    expect(g.pixelOf(0, g.offsetIndex(-1, -1))).toBe(-1);
    expect(g.pixelOf(0, g.offsetIndex(1, 1))).toBe(7);
    expect(g.mapOf(9)).toBe(1);
    expect(g.positionOf(9)).toEqual([0, 0]);
    expect(g.ringKeys(4, 1)).toHaveLength(8); // unit 4 at (2, 2): ring 1 fully inside
    expect(g.ringKeys(0, 1)).toHaveLength(3); // corner: 3 of 8 inside
    expect(g.rayKeys(4, [0, 1]).map((k) => g.offset(k % 25))).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(g.unitDistance(0, 4)).toBe(1);
  });

  it("rejects bad sizes by field", () => {
    expect(() => new StencilGeometry({ height: 0, width: 3, radius: 1 })).toThrow(/height must be an integer >= 1, got 0/);
    expect(() => new StencilGeometry({ height: 3, width: 3, radius: -1 })).toThrow(/radius/);
    expect(() => new StencilGeometry({ height: 3, width: 3, radius: 1, stride: 0 })).toThrow(/stride/);
    expect(() => new StencilGeometry({ height: 3, width: 3, radius: 1, start: 3 })).toThrow(/start 3 is outside/);
  });
});

describe.each(["cpu", "wasm"] as const)("StencilLayer on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("identity-seeded stencils are an exact pass-through (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (height, width, radius, rows, seed) => {
        const layer = new StencilLayer({ geometry: { height, width, radius } });
        const x = tf.randomNormal<Rank.R2>([rows, height * width], 0, 3, "float32", seed);
        const y = layer.forward(x);
        const exact = bitEqual(read(tf.clone(x)), read(y));
        x.dispose();
        layer.dispose();
        return exact;
      }),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a Laplacian seed is -4s at the centre and +s on the 4-neighbours: zero on a constant image inside the grid", () => {
    const layer = new StencilLayer({ geometry: { height: 5, width: 6, radius: 2 }, seed: { kind: "laplacian", scale: 0.25 } });
    const g = layer.geometry;
    const image = tf.fill<Rank.R2>([2, 30], 3);
    const y = read(layer.forward(image));
    image.dispose();
    for (let u = 0; u < g.units; u += 1) {
      const [py, px] = g.positionOf(u);
      const inside = py > 0 && py < 4 && px > 0 && px < 5;
      const neighbours = [py > 0, py < 4, px > 0, px < 5].filter(Boolean).length;
      expect(y[u]).toBeCloseTo(inside ? 0 : 3 * 0.25 * (neighbours - 4), 6);
    }
    expect(layer.nnz).toBe(g.units + Array.from({ length: g.units }, (_, u) => [g.offsetIndex(-1, 0), g.offsetIndex(0, -1), g.offsetIndex(0, 1), g.offsetIndex(1, 0)].filter((o) => g.pixelOf(u, o) >= 0).length).reduce((a, b) => a + b, 0));
    layer.dispose();
  });

  it("the sparse path equals the dense reference forward and backward (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const net = randomNet(seed);
        const layer = net.stencil;
        const batch = randomBatch(net, seed + 1);
        const [units, offsets] = layer.shape;
        const sparse = read(layer.forward(batch.x));
        const matrix = tf.tensor2d(layer.stencilMatrix(), [units, offsets]);
        const dense = read(layer.denseProduct(batch.x, matrix));
        // Backward: ∂L/∂W_eff of the Hot cells against the dense reference's gradient read at those cells.
        const hot = net.hotGradient(batch, layer.id);
        const denseGrad = read(
          tf.tidy(() => {
            const upstream = tf.randomNormal<Rank.R2>([5, units], 0, 1, "float32", 7);
            const sparseGrad = tf.grad((v) => tf.sum(tf.mul(layer.forward(batch.x, { hotValues: v as Tensor1D }), upstream)))(layer.effectiveValues());
            const refGrad = tf.grad((m) => tf.sum(tf.mul(layer.denseProduct(batch.x, m as Tensor2D), upstream)))(matrix);
            return tf.sub(sparseGrad, tf.gather(tf.reshape(refGrad, [-1]), tf.tensor1d(layer.hotKeys(), "int32")));
          }),
        );
        const toggle = net.toggleMaskGradient(batch, layer.id);
        const ok = maxAbsDiff(sparse, dense) < 1e-5 && Math.max(...Array.from(denseGrad, Math.abs), 0) < 1e-4 && maxAbsDiff(hot, Array.from(layer.hotKeys(), (k) => toggle[k] as number)) < 1e-4;
        matrix.dispose();
        tf.dispose([batch.x, batch.y]);
        net.dispose();
        return ok;
      }),
      { numRuns: 12 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gradients of the Hot values match central finite differences", () => {
    const net = randomNet(42, { maps: 1, stride: 1 });
    const batch = randomBatch(net, 43);
    const grad = net.hotGradient(batch, net.stencil.id);
    const values = net.stencil.hotValues();
    const h = 1e-2;
    for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
      const plus = Float32Array.from(values);
      const minus = Float32Array.from(values);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const fd = (net.lossWithValues(batch, plus) - net.lossWithValues(batch, minus)) / (2 * h);
      expect(Math.abs(fd - (grad[i] as number))).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
    tf.dispose([batch.x, batch.y]);
    net.dispose();
  });

  it("tying preserves the function (centre + residual = the untied weights), untying too (property)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 4 }), (seed, groupSize) => {
        const net = randomNet(seed);
        const batch = randomBatch(net, seed + 2);
        const layer = net.stencil;
        const units = layer.shape[0];
        const group = Array.from({ length: Math.min(groupSize, units) }, (_, i) => (i * 7 + seed) % units).filter((u, i, a) => a.indexOf(u) === i);
        const weights = layer.stencilMatrix();
        const y0 = read(net.forward(batch.x));
        const k = net.tie(group);
        const state = layer.state();
        const S = layer.shape[1];
        // Every tied cell: own is the residual w − c, and c + r gives back w (float32 rounding).
        const residualOk = Array.from(state.keys).every((key, i) => {
          const u = Math.floor(key / S);
          if (!group.includes(u)) return state.own[i] === weights[key];
          const c = state.centres[k * S + (key % S)] as number;
          return Math.abs(c + (state.own[i] as number) - (weights[key] as number)) <= 1e-6 * Math.max(1, Math.abs(weights[key] as number));
        });
        const y1 = read(net.forward(batch.x));
        for (const u of group) net.untie(u);
        const y2 = read(net.forward(batch.x));
        const scale = Math.max(1, ...Array.from(y0, Math.abs));
        const ok = residualOk && maxAbsDiff(y0, y1) <= 1e-5 * scale && maxAbsDiff(y0, y2) <= 1e-5 * scale && layer.liveCentres().length === 0;
        tf.dispose([batch.x, batch.y]);
        net.dispose();
        return ok;
      }),
      { numRuns: 15 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("the centres' gradient sums the tied members' cell gradients, and the own values' gradient is theirs (property, finite differences)", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const net = randomNet(seed);
        const layer = net.stencil;
        const [units, S] = layer.shape;
        if (units < 3) {
          net.dispose();
          return true;
        }
        const k = net.tie([0, 2]);
        const batch = randomBatch(net, seed + 3);
        const cell = net.hotGradient(batch, layer.id);
        const { grads, value } = tf.variableGrads(() => net.loss(batch), [layer.centres, layer.own]);
        value.dispose();
        const centreGrad = read(grads[layer.centres.name] as tf.Tensor);
        const ownGrad = read(grads[layer.own.name] as tf.Tensor);
        const expected = new Float32Array(layer.maxCentres * S);
        layer.hotKeys().forEach((key, i) => {
          if (layer.tieOf(Math.floor(key / S)) === k) expected[k * S + (key % S)] = (expected[k * S + (key % S)] as number) + (cell[i] as number);
        });
        // Central difference on the busiest centre entry.
        const o = Array.from({ length: S }, (_, j) => j).reduce((best, j) => (Math.abs(expected[k * S + j] as number) > Math.abs(expected[k * S + best] as number) ? j : best), 0);
        const centres = Float32Array.from(layer.centres.dataSync());
        const h = 1e-2;
        const lossAt = (delta: number): number => {
          const shifted = Float32Array.from(centres);
          shifted[k * S + o] = (shifted[k * S + o] as number) + delta;
          tf.tidy(() => layer.centres.assign(tf.tensor1d(shifted)));
          return net.lossValue(batch);
        };
        const fd = (lossAt(h) - lossAt(-h)) / (2 * h);
        lossAt(0);
        const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
        const ok = maxAbsDiff(centreGrad, expected) <= 1e-4 * scale && maxAbsDiff(ownGrad, cell) <= 1e-5 * Math.max(1e-3, ...Array.from(cell, Math.abs)) && Math.abs(fd - (expected[k * S + o] as number)) <= 2e-2 * scale;
        tf.dispose([batch.x, batch.y]);
        net.dispose();
        return ok;
      }),
      { numRuns: 10 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("counts a tied group as one centre plus residual nnz", () => {
    // 3x3 grid, radius 1, stride 1: units 0 and 1 hold the same 3-cell stencil; tying them makes residuals 0.
    const net = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 }, seed: { kind: "empty" } }, outputs: 2, rng: createRng(1), residualLambda: 0 });
    const g = net.stencil.geometry;
    const S = g.offsets;
    const o = [0, g.offsetIndex(0, 1), g.offsetIndex(1, 0)];
    const keys = [...o.map((x) => 0 * S + x), ...o.map((x) => 1 * S + x)].filter((k) => g.inGrid(k)).sort((a, b) => a - b);
    net.commitCells(net.stencil.id, Int32Array.from(keys), Float32Array.from(keys, (k) => [0.5, -0.25, 0.75][o.indexOf(k % S)] as number));
    expect(net.stencil.counters(1e-4)).toEqual({ cStruct: keys.length, cActive: keys.length, computeCells: keys.length });
    net.tie([0, 1]);
    // One centre over the union of the two masks (offsets present in either unit), residuals all zero.
    const support = new Set(keys.map((k) => k % S)).size;
    expect(net.stencil.counters(1e-4)).toEqual({ cStruct: keys.length, cActive: support, computeCells: keys.length });
    expect(net.stencil.members(0)).toEqual([0, 1]);
    // A residual on one cell adds exactly one lit entry.
    const own = net.stencil.state().own;
    own[0] = 0.1;
    net.setOwnValues(own);
    expect(net.stencil.counters(1e-4).cActive).toBe(support + 1);
    net.dispose();
  });

  it("trains without leaking, the λ_res soft-threshold shrinks tied residuals, and edits carry on", () => {
    const before = tf.memory().numTensors;
    const net = randomNet(5, { maps: 1, stride: 1 });
    const batch = randomBatch(net, 6);
    net.trainStep(batch).dispose();
    net.tie([0, 1, 2]);
    for (let i = 0; i < 3; i += 1) net.trainStep(batch).dispose();
    net.untie(1);
    const g = net.stencil.geometry;
    const cold = Array.from({ length: g.units * g.offsets }, (_, k) => k).find((k) => g.inGrid(k) && net.stencil.heatOf(Math.floor(k / g.offsets), k % g.offsets) === "cold");
    if (cold !== undefined) net.commitCells(net.stencil.id, Int32Array.of(cold), Float32Array.of(0.3));
    net.trainStep(batch).dispose();
    tf.dispose([batch.x, batch.y]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // With λ_res large, one step zeroes every tied residual exactly.
    const strong = new StencilNet({ layer: { geometry: { height: 4, width: 4, radius: 1 } }, outputs: 3, loss: "mse", rng: createRng(2), residualLambda: 1000 });
    const sg = strong.stencil.geometry;
    strong.commitCells(strong.stencil.id, Int32Array.of(sg.offsetIndex(0, 1), sg.offsets + sg.offsetIndex(1, 0)), Float32Array.of(0.4, -0.2));
    strong.tie([0, 1]);
    const strongBatch = randomBatchFor(strong);
    strong.trainStep(strongBatch).dispose();
    tf.dispose([strongBatch.x, strongBatch.y]);
    const s = strong.stencil.state();
    const S = strong.stencil.shape[1];
    expect(Array.from(s.keys).filter((k, i) => Math.floor(k / S) <= 1 && s.own[i] !== 0)).toEqual([]);
    strong.dispose();
  });

  it("rejects bad input by name", () => {
    const net = new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 } }, outputs: 2, rng: createRng(1) });
    const S = net.stencil.shape[1];
    expect(() => net.stencil.forward(tf.zeros([2, 8]))).toThrow(/x must be float32 \[B, 9\]/);
    expect(() => net.commitCells(net.stencil.id, Int32Array.of(0), Float32Array.of(1))).toThrow(/already Hot/);
    expect(() => net.commitCells(net.stencil.id, Int32Array.of(net.stencil.geometry.offsetIndex(-1, -1)), Float32Array.of(1))).toThrow(/not an in-grid stencil cell/);
    expect(() => net.removeCells(net.stencil.id, Int32Array.of(1))).toThrow(/is not Hot/);
    expect(() => net.tie([9])).toThrow(/unit must be an integer in \[0, 9\)/);
    net.tie([0, 1]);
    expect(() => net.tie([1])).toThrow(/already tied/);
    expect(() => net.untie(2)).toThrow(/not tied/);
    expect(() => net.toggleMaskGradient({ x: tf.zeros([1, 9]), y: tf.zeros([1, 2]) }, "other")).toThrow(/no object "other"/);
    expect(() => new StencilNet({ layer: { geometry: { height: 3, width: 3, radius: 1 } }, outputs: 0, rng: createRng(1) })).toThrow(/outputs/);
    expect(() => new StencilLayer({ geometry: { height: 3, width: 3, radius: 1 }, budget: { structCap: 2 } })).toThrow(/over budget.structCap 2/);
    expect(() => new StencilLayer({ geometry: { height: 3, width: 3, radius: 0 }, seed: { kind: "laplacian" } })).toThrow(/radius >= 1/);
    expect(S).toBe(9);
    net.dispose();
  });
});

function randomBatchFor(net: StencilNet): Batch {
  return tf.tidy(() => ({ x: tf.randomNormal<Rank.R2>([4, net.stencil.geometry.inFeatures], 0, 1, "float32", 3), y: tf.randomNormal<Rank.R2>([4, 3], 0, 1, "float32", 4) }));
}
