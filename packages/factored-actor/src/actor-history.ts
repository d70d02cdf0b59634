/**
 * Training history of the factored actor (001 §B L41–44, §E L103): per training step and replica, the
 * mean norms of z_intent and z_real, the mean KLs, the per-dimension mean and standard deviation of both
 * latents (the seed's "mean/std histograms"), the mean return, the commitment price λ, soft fail and
 * the loss parts.
 *
 * Source: `001_4e7658869d462183.txt` L41–44, L101–104; SEED-INVENTORY.md §6.4.
 */

/** One history entry (one training step, one replica). */
export interface HistoryEntry {
  readonly step: number;
  readonly replica: number;
  readonly zIntentNorm: number;
  readonly zRealNorm: number;
  readonly klIntent: number;
  readonly klReal: number;
  readonly zIntentMean: readonly number[];
  readonly zIntentStd: readonly number[];
  readonly zRealMean: readonly number[];
  readonly zRealStd: readonly number[];
  readonly meanReturn: number;
  readonly lambda: number;
  readonly failSoft: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly tubeLoss: number;
}

/** Per-dimension mean and std of rows `[n, dim]` at `offset` within rows of `stride`. */
export function columnMoments(values: ArrayLike<number>, n: number, stride: number, offset: number, dim: number): { mean: number[]; std: number[]; meanNorm: number } {
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let rowSq = 0;
    for (let d = 0; d < dim; d++) {
      const v = values[i * stride + offset + d] ?? 0;
      mean[d] = (mean[d] ?? 0) + v / n;
      sq[d] = (sq[d] ?? 0) + (v * v) / n;
      rowSq += v * v;
    }
    norm += Math.sqrt(rowSq) / n;
  }
  return { mean, std: mean.map((m, d) => Math.sqrt(Math.max(0, (sq[d] ?? 0) - m * m))), meanNorm: norm };
}

/** An append-only history with a bounded length (oldest entries dropped). */
export class ActorHistory {
  private readonly items: HistoryEntry[] = [];

  constructor(readonly capacity: number = 100_000) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`Error in ActorHistory: capacity must be an integer >= 1, got ${capacity}.`);
  }

  /** Append an entry. */
  push(entry: HistoryEntry): void {
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Entries, oldest first (optionally of one replica). */
  entries(replica?: number): HistoryEntry[] {
    return replica === undefined ? [...this.items] : this.items.filter((e) => e.replica === replica);
  }

  get size(): number {
    return this.items.length;
  }
}
