import { createRng, initBackend, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import { GrowingStateFunction } from "../src/agent/growing-state-function.ts";
import { modulatorGains } from "../src/agent/modulator-gains.ts";

beforeAll(async () => {
  await initBackend();
});

describe("GrowingStateFunction", () => {
  it("starts as the identity on the node's own state, with a silent branch", () => {
    const before = tf.memory().numTensors;
    const f = new GrowingStateFunction({ inputDim: 2, outputDim: 1, hidden: 4, hiddenDensity: 0.5 }, createRng(3));
    const x = tf.tensor2d([[0.3, -1], [2, 5]]);
    const y = f.forward(x);
    expect(Array.from(y.dataSync())).toEqual([0.3, 2].map((v) => Math.fround(v)));
    expect(f.branch.layers[1]?.nnz).toBe(0);
    expect(f.branchCells()).toBe(Math.round(0.5 * 3 * 4));
    const target = tf.tensor2d([[1], [1]]);
    const batch = f.residualBatch(x, target);
    expect(batch.x.shape).toEqual([2, 3]);
    expect(Array.from(batch.y.dataSync())).toEqual([0.7, -1].map((v) => Math.fround(v)));
    tf.dispose([x, y, target, batch.x, batch.y]);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects bad sizes naming them", () => {
    expect(() => new GrowingStateFunction({ inputDim: 1, outputDim: 2, hidden: 4, hiddenDensity: 1 }, createRng(1))).toThrow(/outputDim \(2\) must be <= inputDim \(1\)/);
    expect(() => new GrowingStateFunction({ inputDim: 2, outputDim: 1, hidden: 4, hiddenDensity: 0 }, createRng(1))).toThrow(/hiddenDensity must be in \(0, 1\], got 0/);
  });
});

describe("modulatorGains", () => {
  it("maps NE, 5HT and DA to learning steps, width and growth drive", () => {
    expect(modulatorGains({ NE: 0.05, "5HT": 0.05, DA: 0.05 })).toEqual({ learningSteps: 1, widthGain: 0.775, growthDrive: 0.05 });
    expect(modulatorGains({ NE: 0.95, "5HT": 0.95, DA: 0.95 })).toEqual({ learningSteps: 3, widthGain: 1.225, growthDrive: 0.95 });
    expect(() => modulatorGains({ NE: 0.5, DA: 0.5 })).toThrow(/modulator 5HT must be a finite number, got undefined/);
  });
});
