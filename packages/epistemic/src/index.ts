/** Placeholder entry while the package is being built. */
export const PACKAGE_NAME = "@tam/epistemic";
