/**
 * Structure discovery (seed 002 L700-706, L742, L842-846; SEED-INVENTORY §4.3, §15.4 item 5; issue 8 item 6;
 * ADR 0409): cluster modules by a feature vector (their novelty z-scores, signature codes or any summary),
 * score each module's **rarity** (the information content of its cluster, `−ln(|cluster| / n)`) and **energy**
 * (its energy, e.g. gradient energy, over the mean), and promote rare, energetic clusters to **special
 * clusters** with their own token ceiling. A **proliferation cap** bounds how many special clusters exist:
 * candidates are ranked by `rarity × energy` and only the best `maxSpecialClusters` are promoted.
 * `applySpecialClusters` writes the result onto the modules (`specialClusterType`, `energyMetric`) and caps the
 * members' token limits so their sum never exceeds the cluster's ceiling.
 */
import { parseConfig, type Rng } from "@tam/tensor-backend";
import { z } from "zod";

import { STRUCTURE_ENERGY_MIN, STRUCTURE_MAX_SPECIAL, STRUCTURE_RARITY_MIN, STRUCTURE_SPECIAL_SHARE } from "./constants.js";
import type { GraphModule } from "./graph-module.js";
import { kMeans } from "./k-means.js";

/** One module's input to discovery. */
export interface ModuleFeatures {
  readonly id: string;
  /** The vector modules are clustered by (same length for all). */
  readonly features: Float64Array;
  /** A non-negative energy (e.g. the EMA gradient energy of its parameters). */
  readonly energy: number;
}

const optionsSchema = z
  .object({
    clusters: z.number().int().min(1),
    rarityMin: z.number().min(0).default(STRUCTURE_RARITY_MIN),
    energyMin: z.number().min(0).default(STRUCTURE_ENERGY_MIN),
    maxSpecialClusters: z.number().int().min(0).default(STRUCTURE_MAX_SPECIAL),
    ceilingShare: z.number().gt(0).max(1).default(STRUCTURE_SPECIAL_SHARE),
    totalTokens: z.number().positive().finite(),
  })
  .strict();

/** Options of {@link discoverStructure} (defaults: ADR 0409). */
export interface StructureDiscoveryOptions {
  /** k of k-means (capped at the number of modules). */
  readonly clusters: number;
  /** The total token budget T the ceilings are shares of. */
  readonly totalTokens: number;
  /** Least cluster rarity `−ln(|cluster| / n)` of a special cluster (default ln 4: at most a quarter of the modules). */
  readonly rarityMin?: number;
  /** Least mean energy score (energy / mean energy) of a special cluster (default 1.5). */
  readonly energyMin?: number;
  /** The proliferation cap: most special clusters (default 2). */
  readonly maxSpecialClusters?: number;
  /** Each special cluster's ceiling as a share of T (default 0.2). */
  readonly ceilingShare?: number;
}

/** A discovered cluster. */
export interface DiscoveredCluster {
  readonly index: number;
  readonly members: readonly string[];
  readonly centroid: Float64Array;
  /** `−ln(|cluster| / n)`. */
  readonly rarity: number;
  /** Mean energy score of its members. */
  readonly energy: number;
  /** `special-<index>` when promoted, else undefined. */
  readonly specialType: string | undefined;
  /** Token ceiling of a special cluster (Infinity otherwise). */
  readonly ceiling: number;
}

/** What discovery found. */
export interface StructureDiscoveryResult {
  readonly clusters: readonly DiscoveredCluster[];
  /** The promoted clusters, best `rarity × energy` first (never more than the cap). */
  readonly special: readonly DiscoveredCluster[];
  /** Per module: its cluster, rarity and energy score. */
  readonly scores: ReadonlyMap<string, { readonly cluster: number; readonly rarity: number; readonly energy: number }>;
}

/**
 * Cluster, score and promote.
 *
 * @example
 * ```ts
 * const found = discoverStructure(modules.map((m) => ({ id: m.id, features: zOf(m), energy: gradEnergyOf(m) })), { clusters: 3, totalTokens: 60 }, rng);
 * applySpecialClusters(graph.allModules(), found);
 * ```
 * @throws Error naming the field when an option is invalid, ids repeat, an energy is negative or features disagree.
 */
export function discoverStructure(modules: readonly ModuleFeatures[], options: StructureDiscoveryOptions, rng: Rng): StructureDiscoveryResult {
  const o = parseConfig(optionsSchema, options, "discoverStructure", "option");
  if (modules.length === 0) throw new Error("Error in discoverStructure: give at least one module.");
  const ids = new Set<string>();
  for (const m of modules) {
    if (ids.has(m.id)) throw new Error(`Error in discoverStructure: module id "${m.id}" appears twice.`);
    ids.add(m.id);
    if (!(Number.isFinite(m.energy) && m.energy >= 0)) throw new Error(`Error in discoverStructure: energy of "${m.id}" must be finite and >= 0, got ${m.energy}.`);
  }
  const n = modules.length;
  const { assignments, centroids } = kMeans(
    modules.map((m) => m.features),
    o.clusters,
    rng,
  );
  const meanEnergy = modules.reduce((s, m) => s + m.energy, 0) / n;
  const energyScore = (e: number): number => (meanEnergy > 0 ? e / meanEnergy : 0);
  const clusters = centroids
    .map((centroid, index) => {
      const members = modules.filter((_, i) => assignments[i] === index);
      return { index, members, centroid };
    })
    .filter((c) => c.members.length > 0)
    .map((c) => ({
      index: c.index,
      members: c.members.map((m) => m.id),
      centroid: c.centroid,
      rarity: -Math.log(c.members.length / n),
      energy: c.members.reduce((s, m) => s + energyScore(m.energy), 0) / c.members.length,
    }));
  const promoted = clusters
    .filter((c) => c.rarity >= o.rarityMin && c.energy >= o.energyMin)
    .sort((a, b) => b.rarity * b.energy - a.rarity * a.energy || a.index - b.index)
    .slice(0, o.maxSpecialClusters)
    .map((c) => c.index);
  const ceiling = o.ceilingShare * o.totalTokens;
  const done: DiscoveredCluster[] = clusters.map((c) => {
    const special = promoted.includes(c.index);
    return { ...c, specialType: special ? `special-${c.index}` : undefined, ceiling: special ? ceiling : Number.POSITIVE_INFINITY };
  });
  const scores = new Map(modules.map((m, i) => [m.id, { cluster: assignments[i] as number, rarity: (done.find((c) => c.index === assignments[i]) as DiscoveredCluster).rarity, energy: energyScore(m.energy) }]));
  return { clusters: done, special: promoted.map((ix) => done.find((c) => c.index === ix) as DiscoveredCluster), scores };
}

/**
 * Write a discovery onto modules: members of a special cluster get its type, `energyMetric = rarity × energy`,
 * and token limits capped so that they sum to at most the cluster's ceiling (each member keeps
 * `min(limit, ceiling · limit / Σ limits)`, or an equal share when its limit is unbounded); other modules have
 * their special type cleared. Modules the result does not name are left alone.
 */
export function applySpecialClusters(modules: readonly GraphModule[], result: StructureDiscoveryResult): void {
  const byId = new Map(modules.map((m) => [m.id, m]));
  for (const c of result.clusters) {
    const members = c.members.map((id) => byId.get(id)).filter((m): m is GraphModule => m !== undefined);
    if (c.specialType === undefined) {
      for (const m of members) m.specialClusterType = undefined;
      continue;
    }
    const finite = members.every((m) => Number.isFinite(m.tokenLimit));
    const total = finite ? members.reduce((s, m) => s + m.tokenLimit, 0) : Number.POSITIVE_INFINITY;
    for (const m of members) {
      const share = finite && total > 0 ? (c.ceiling * m.tokenLimit) / total : c.ceiling / members.length;
      m.tokenLimit = Math.min(m.tokenLimit, share);
      m.specialClusterType = c.specialType;
      m.energyMetric = c.rarity * (result.scores.get(m.id)?.energy ?? 0);
    }
  }
}
