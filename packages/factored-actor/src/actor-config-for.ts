/**
 * The dimensions of a {@link FactoredActor} for an {@link EquivalentWorld}, merged with any other
 * options: a convenience so callers never copy `startDim`, `policyObsDim`, … by hand.
 *
 * Source: SEED-INVENTORY.md §11 E2 (the world), §6.1 (the actor's config).
 */
import type { EquivalentWorld } from "./equivalent-world.js";
import { WORLD_RULE_COUNT } from "./equivalent-world.js";
import type { FactoredActorConfig } from "./factored-actor.js";

/** Dimension fields of the actor's config, filled from a world. */
export type WorldDimensions = "startDim" | "policyObsDim" | "tubeObsDim" | "actionDim" | "horizonSteps" | "stateDim";

/**
 * An actor config for `world` plus `options`.
 *
 * @example
 * ```ts
 * const actor = new FactoredActor(actorConfigFor(new EquivalentWorld("standard"), { intentDim: 2 }), createRng(1));
 * ```
 */
export function actorConfigFor(world: EquivalentWorld, options: Omit<FactoredActorConfig, WorldDimensions> = {}): FactoredActorConfig {
  return {
    ruleCount: WORLD_RULE_COUNT,
    ...options,
    startDim: world.startDim,
    policyObsDim: world.policyObsDim,
    tubeObsDim: world.tubeObsDim,
    actionDim: world.actionDim,
    horizonSteps: world.horizonSteps,
    stateDim: world.stateDim,
  };
}
