/**
 * Named constants of `@tam/factored-actor`: the numbers the seeds state (with the seed line) and the
 * numbers we chose (with the ADR that chose them).
 *
 * Source: `001_4e7658869d462183.txt` (SEED-INVENTORY.md §6); ADRs `docs/decisions/0601`–`0606`.
 */

/** Smallest z_intent dimension the seed allows: "start with 2–4" (001 L6). */
export const MIN_INTENT_DIM = 2;
/** Largest z_intent dimension the seed allows: "start with 2–4" (001 L6). */
export const MAX_INTENT_DIM = 4;
/** Default z_intent dimension: 3, inside the seed's 2–4 (ADR 0601). */
export const DEFAULT_INTENT_DIM = 3;
/** Default z_real dimension (ADR 0601). */
export const DEFAULT_REAL_DIM = 3;
/** Default hidden units of the posterior trunk and of the policy (ADR 0602). */
export const DEFAULT_ACTOR_HIDDEN_UNITS = 32;
/** Default KL weight on z_intent (ADR 0601); must exceed the z_real weight (001 L100). */
export const DEFAULT_BETA_KL_INTENT = 0.01;
/** Default KL weight on z_real, weaker than on z_intent (001 L100: "real has weaker KL"; ADR 0601). */
export const DEFAULT_BETA_KL_REAL = 0.001;
/** Bounds of every posterior log-std (clipped), in nats (ADR 0601). */
export const POSTERIOR_LOG_STD_MIN = -5;
/** Upper bound of every posterior log-std, in nats (ADR 0601). */
export const POSTERIOR_LOG_STD_MAX = 1;
/** Rate of the running standardisation of the intent mean, per training step (ADR 0601). */
export const INTENT_STATS_RATE = 0.02;
/** Variance floor of every intent normalisation (ADR 0601). */
export const NORM_EPSILON = 1e-5;
/** Initial policy log-std per action dimension (ADR 0602). */
export const DEFAULT_POLICY_INIT_LOG_STD = Math.log(0.2);
/** Lower bound of the policy log-std (ADR 0602). */
export const POLICY_LOG_STD_MIN = Math.log(0.02);
/** Weight of the critic's squared error in the actor-critic loss (ADR 0602). */
export const DEFAULT_VALUE_WEIGHT = 0.5;
/** Weight of the policy entropy bonus (ADR 0602). */
export const DEFAULT_ENTROPY_WEIGHT = 0.001;
/** Discount of returns-to-go (ADR 0602). */
export const DEFAULT_DISCOUNT = 0.95;
/** Adam learning rate of the actor, policy and tube (ADR 0602). */
export const DEFAULT_ACTOR_LEARNING_RATE = 3e-3;
/** Weight of the tube loss in the actor's objective (ADR 0602). */
export const DEFAULT_TUBE_WEIGHT = 1;
