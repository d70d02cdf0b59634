/**
 * MetaMemory: per-module summaries for meta-learning (seed 002 L782, L784-815, L873, L970; SEED-INVENTORY §4.2,
 * §4.5, C-19; ADR 0405): the canonical sorted spectra of the module's state-function layers (computed by
 * `@tam/sparse-core`'s `summarizeSpectrum`, two-level order), EMAs of the per-variable gradient norms (the
 * persistent-gradient summary that separates one-off spikes from sustained change), and the module's
 * novelty tracker. Learning-time only.
 */
import { summarizeSpectrum, transposeWeights, type SpectrumSummary } from "@tam/sparse-core";

import { NOVELTY_EMA } from "./constants.js";
import type { GraphModule } from "./graph-module.js";
import { NoveltyTracker } from "./novelty-signal.js";

/** One module's memory. */
export class MetaMemory {
  readonly module: GraphModule;
  readonly novelty = new NoveltyTracker();
  private readonly gradEma = new Map<string, { fast: number; slow: number }>();

  constructor(module: GraphModule) {
    this.module = module;
  }

  /** Sorted spectra of the state function's layers (neurons = outputs). */
  spectra(k = 8): { readonly id: string; readonly summary: SpectrumSummary }[] {
    const layers = this.module.node.stateFunction?.layers?.() ?? [];
    return layers.map((l) => ({ id: l.id, summary: summarizeSpectrum(transposeWeights(l.weights, l.inFeatures, l.outFeatures), l.outFeatures, l.inFeatures, k) }));
  }

  /** Fold in gradient norms by variable name (fast EMA at `NOVELTY_EMA`, slow at a tenth of it). */
  recordGradients(norms: ReadonlyMap<string, number>): void {
    for (const [name, g] of norms) {
      if (!(Number.isFinite(g) && g >= 0)) throw new Error(`Error in MetaMemory.recordGradients: norm of "${name}" is ${g}.`);
      const old = this.gradEma.get(name);
      this.gradEma.set(name, old === undefined ? { fast: g, slow: g } : { fast: old.fast + NOVELTY_EMA * (g - old.fast), slow: old.slow + (NOVELTY_EMA / 10) * (g - old.slow) });
    }
  }

  /** Fast/slow gradient EMAs by variable: a ratio well above 1 marks a sustained rise, not a one-off spike. */
  gradientSummary(): ReadonlyMap<string, { readonly fast: number; readonly slow: number }> {
    return new Map(this.gradEma);
  }
}
