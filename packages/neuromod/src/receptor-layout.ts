/**
 * The receptor simulator's topology (SEED-INVENTORY.md §11 E8, §15.8.1; seed
 * `004_b9e7278aec0f8932.txt` L3–11, L21–34): areas, receptor types, neurotransmitters, emitters, the
 * receptor → NT mapping that `SatNT[n,a]` inside `Eff_local(r,a)` needs, emitter projections, the
 * receptor network's cross-talk and the allosteric NT → receptor coupling. ADR 0501.
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor1D, Tensor2D } from "@tam/tensor-backend";

/** A receptor type: its name, the NT it binds, and its sign in the receptor network. */
export interface ReceptorType {
  readonly name: string;
  /** Index into `ReceptorLayout.neurotransmitters`. */
  readonly nt: number;
}

/** An emitter (a nucleus that releases one or more NTs into areas). */
export interface Emitter {
  readonly name: string;
  /** Indices of the NTs it releases. */
  readonly releases: readonly number[];
  /** Projection weight into each area (length = areas), ≥ 0. */
  readonly projection: readonly number[];
}

/** The simulator topology. Matrices are row-major plain arrays; see {@link layoutTensors}. */
export interface ReceptorLayout {
  readonly areas: readonly string[];
  readonly neurotransmitters: readonly string[];
  readonly receptors: readonly ReceptorType[];
  readonly emitters: readonly Emitter[];
  /** Receptor network cross-talk `C[r', r]` (R × R): receptor r' bound activity feeding receptor r. */
  readonly crossTalk: readonly (readonly number[])[];
  /** Allosteric coupling `A[n, r]` (N × R): how modulator n scales receptor r. */
  readonly allosteric: readonly (readonly number[])[];
}

/**
 * The default layout: 4 areas (PFC, ACC, HPC, STR), NE / 5HT / DA, six receptors (α1, β1 for NE;
 * 5HT1A, 5HT2A; D1, D2) and three emitters (LC → NE, raphe → 5HT, VTA → DA). ADR 0501.
 *
 * @example
 * ```ts
 * const layout = defaultReceptorLayout();
 * layout.receptors.map((r) => layout.neurotransmitters[r.nt]); // ["NE","NE","5HT","5HT","DA","DA"]
 * ```
 */
export function defaultReceptorLayout(): ReceptorLayout {
  return {
    areas: ["PFC", "ACC", "HPC", "STR"],
    neurotransmitters: ["NE", "5HT", "DA"],
    receptors: [
      { name: "alpha1", nt: 0 },
      { name: "beta1", nt: 0 },
      { name: "5HT1A", nt: 1 },
      { name: "5HT2A", nt: 1 },
      { name: "D1", nt: 2 },
      { name: "D2", nt: 2 },
    ],
    emitters: [
      { name: "LC", releases: [0], projection: [1, 1, 0.9, 0.7] },
      { name: "raphe", releases: [1], projection: [0.9, 0.9, 1, 0.8] },
      { name: "VTA", releases: [2], projection: [0.8, 0.7, 0.4, 1] },
    ],
    // Same-NT receptors share a little of each other's drive; the inhibitory pairs (5HT1A, D2) subtract.
    crossTalk: [
      [1, 0.1, 0, 0, 0, 0],
      [0.1, 1, 0, 0, 0, 0],
      [0, 0, 1, -0.2, 0, 0],
      [0, 0, -0.2, 1, 0, 0],
      [0, 0, 0, 0, 1, -0.2],
      [0, 0, 0, 0, -0.2, 1],
    ],
    // NE sharpens NE and DA receptors, 5HT damps 5HT2A and DA receptors, DA sharpens D1.
    allosteric: [
      [0.6, 0.6, 0, 0, 0.3, 0.3],
      [0, 0, 0.4, -0.4, -0.2, -0.2],
      [0, 0, 0, 0, 0.6, 0.2],
    ],
  };
}

/** Sizes of a layout. */
export interface LayoutSizes {
  readonly areas: number;
  readonly receptors: number;
  readonly neurotransmitters: number;
  readonly emitters: number;
}

/** Sizes of a layout (A, R, N, E). */
export function layoutSizes(layout: ReceptorLayout): LayoutSizes {
  return {
    areas: layout.areas.length,
    receptors: layout.receptors.length,
    neurotransmitters: layout.neurotransmitters.length,
    emitters: layout.emitters.length,
  };
}

/**
 * Check a layout; throws an Error naming the bad field and value.
 */
export function validateReceptorLayout(layout: ReceptorLayout): void {
  const { areas: a, receptors: r, neurotransmitters: n, emitters: e } = layoutSizes(layout);
  const fail = (field: string, detail: string): never => {
    throw new Error(`Error in validateReceptorLayout: ${field} ${detail}.`);
  };
  if (a === 0) fail("areas", "is empty");
  if (n === 0) fail("neurotransmitters", "is empty");
  if (r === 0) fail("receptors", "is empty");
  if (e === 0) fail("emitters", "is empty");
  layout.receptors.forEach((rec, i) => {
    if (!Number.isInteger(rec.nt) || rec.nt < 0 || rec.nt >= n) fail(`receptors[${i}].nt`, `must index a neurotransmitter (0..${n - 1}), got ${rec.nt}`);
  });
  const releasedNts = new Set<number>();
  layout.emitters.forEach((em, i) => {
    if (em.releases.length === 0) fail(`emitters[${i}].releases`, "is empty");
    em.releases.forEach((nt) => {
      if (!Number.isInteger(nt) || nt < 0 || nt >= n) fail(`emitters[${i}].releases`, `must index neurotransmitters, got ${nt}`);
      releasedNts.add(nt);
    });
    if (em.projection.length !== a) fail(`emitters[${i}].projection`, `must have ${a} entries, got ${em.projection.length}`);
    em.projection.forEach((w) => {
      if (!(Number.isFinite(w) && w >= 0)) fail(`emitters[${i}].projection`, `entries must be finite and >= 0, got ${w}`);
    });
  });
  for (let nt = 0; nt < n; nt += 1) if (!releasedNts.has(nt)) fail("emitters", `release no ${layout.neurotransmitters[nt] ?? nt}`);
  const checkMatrix = (field: string, m: readonly (readonly number[])[], rows: number, cols: number): void => {
    if (m.length !== rows) fail(field, `must have ${rows} rows, got ${m.length}`);
    m.forEach((row, i) => {
      if (row.length !== cols) fail(`${field}[${i}]`, `must have ${cols} entries, got ${row.length}`);
      row.forEach((v) => {
        if (!Number.isFinite(v)) fail(`${field}[${i}]`, `entries must be finite, got ${v}`);
      });
    });
  };
  checkMatrix("crossTalk", layout.crossTalk, r, r);
  checkMatrix("allosteric", layout.allosteric, n, r);
}

/** The layout as tensors (callers dispose with {@link disposeLayoutTensors}). */
export interface LayoutTensors {
  /** `M[r, n]` one-hot: receptor r binds NT n. */
  readonly receptorNt: Tensor2D;
  /** `Mᵀ[n, r]`. */
  readonly ntReceptor: Tensor2D;
  /** `Me[e, n]` one-hot: emitter e releases NT n. */
  readonly emitterNt: Tensor2D;
  /** `Pᵀ[a, e]`: projection of emitter e into area a. */
  readonly projection: Tensor2D;
  /** Receptor network cross-talk `C[r', r]`. */
  readonly crossTalk: Tensor2D;
  /** Allosteric coupling `A[n, r]`. */
  readonly allosteric: Tensor2D;
  /** Number of emitters releasing each NT, `Σ_e Me[e,n]`, `[N]` (normalises EnergyCost's release part). */
  readonly emittersPerNt: Tensor1D;
}

/** Build the layout's tensors (validated first). */
export function layoutTensors(layout: ReceptorLayout): LayoutTensors {
  validateReceptorLayout(layout);
  const { areas: a, receptors: r, neurotransmitters: n, emitters: e } = layoutSizes(layout);
  const receptorNt = new Float32Array(r * n);
  layout.receptors.forEach((rec, i) => (receptorNt[i * n + rec.nt] = 1));
  const emitterNt = new Float32Array(e * n);
  const emittersPerNt = new Float32Array(n);
  layout.emitters.forEach((em, i) =>
    em.releases.forEach((nt) => {
      emitterNt[i * n + nt] = 1;
      emittersPerNt[nt] = (emittersPerNt[nt] ?? 0) + 1;
    }),
  );
  const projection = new Float32Array(a * e);
  layout.emitters.forEach((em, i) => em.projection.forEach((w, area) => (projection[area * e + i] = w)));
  return tf.tidy(() => ({
    receptorNt: tf.tensor2d(receptorNt, [r, n]),
    ntReceptor: tf.transpose<Tensor2D>(tf.tensor2d(receptorNt, [r, n])),
    emitterNt: tf.tensor2d(emitterNt, [e, n]),
    projection: tf.tensor2d(projection, [a, e]),
    crossTalk: tf.tensor2d(layout.crossTalk.flat(), [r, r]),
    allosteric: tf.tensor2d(layout.allosteric.flat(), [n, r]),
    emittersPerNt: tf.tensor1d(emittersPerNt),
  }));
}

/** Dispose the tensors of {@link layoutTensors}. */
export function disposeLayoutTensors(t: LayoutTensors): void {
  tf.dispose([t.receptorNt, t.ntReceptor, t.emitterNt, t.projection, t.crossTalk, t.allosteric, t.emittersPerNt]);
}
