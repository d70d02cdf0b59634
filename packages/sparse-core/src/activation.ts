/** The activations a sparse stack applies between layers. */

/** Activations applied between layers (not after the last). */
export const ACTIVATIONS = ["linear", "relu", "tanh"] as const;

/** One of {@link ACTIVATIONS}. */
export type Activation = (typeof ACTIVATIONS)[number];
