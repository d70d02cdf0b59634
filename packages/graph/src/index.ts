/**
 * `@tam/graph`: recursive graph modules over sparse state functions (seed `002_fd5a3473383d7267.txt`
 * Archives 00-03): nodes with state histories and update probabilities, edges with sparse temporal weights,
 * synchronous steps, end-to-end learning of dynamics, token budgets under the relativistic barrier, transients
 * recalled from a prototype cache, structure discovery, and equation discovery by STLSQ.
 *
 * @example
 * ```ts
 * import { Edge, Graph, GraphModule, Node, SparseStateFunction } from "@tam/graph";
 * const a = new Node({ id: "a", stateDim: 2, stateFunction: new SparseStateFunction({ inputDim: 2, outputDim: 2 }, rng) });
 * const graph = new Graph([new GraphModule({ id: "a", node: a, edges: [Edge.newest(a, a)] })]);
 * graph.step({ rng });
 * ```
 * @packageDocumentation
 */

export * from "./constants.js";
export type { StateFunction, StateFunctionLayer } from "./state-function.js";
export { SparseStateFunction, type SparseStateFunctionOptions } from "./sparse-state-function.js";
export { Node, newestRow, shift, type NodeOptions, type UpdateMode } from "./node.js";
export { Edge, type EdgeOptions } from "./edge.js";
export { GraphModule, type CandidateTerm, type GraphModuleOptions, type ModuleStatus, type StepContext } from "./graph-module.js";
export { Graph, type NodePrediction, type StepOptions } from "./graph.js";
export { barrierDamping, barrierGamma, barrierGammaTensor, effectiveVelocity, lcObjective, lcObjectiveValue, nonNegativeLoss, type BarrierOptions, type NonNegativeLoss } from "./barrier.js";
export { complexityVariables, edgeTokenCost, moduleActiveCount, moduleComplexity, smoothCount } from "./complexity.js";
export { GraphTrainer, gammaSlope, type GraphTrainerOptions, type ModuleStepReport, type TrainerBarrierOptions, type TrainStepReport } from "./graph-trainer.js";
export { columnStats, standardise, trajectory, type ObservedBinding, type Trajectory } from "./trajectory.js";
export { integrateRk4, type VectorField } from "./ode.js";
export { addNoise } from "./noise.js";
export { sampleSystem, type OdeSystem, type SampleOptions } from "./ode-system.js";
export { OSCILLATOR_OMEGA, OSCILLATOR_ZETA, dampedOscillator } from "./damped-oscillator.js";
export { LOTKA_VOLTERRA_DEFAULTS, lotkaVolterra } from "./lotka-volterra.js";
export { lorenzSystem } from "./lorenz.js";
export { heatGrid, type GridData, type HeatGridOptions } from "./heat-grid.js";
export { spatialDerivatives, timeDerivative } from "./finite-difference.js";
export { monomialName, monomials, pdeLibrary, polynomialLibrary, type CandidateLibrary } from "./candidate-library.js";
export { ridgeLeastSquares } from "./least-squares.js";
export { stlsq, type StlsqOptions, type StlsqResult } from "./stlsq.js";
export { compareEquations, discoverEquations, discoverPde, type DiscoveredEquations, type DiscoverOptions, type EquationComparison } from "./discover-equations.js";
export { COUPLING_KAPPA, coupledOscillators } from "./coupled-oscillators.js";
export { dynamicsGraph, type DynamicsGraphOptions } from "./dynamics-graph.js";
export { CgptTracker, MarginalGainTracker, distributeTokens, type DistributeOptions, type TokenAccount } from "./tokens.js";
export { SuperGraph, trainerOptimiser, type MetaOptimiser, type OptimisationSchedule, type Organiser, type SuperGraphOptions, type SuperGraphStatus } from "./super-graph.js";
export { DenseBaseline, type DenseBaselineOptions } from "./dense-baseline.js";
export { DownCorrectionTerm, HierarchyManager, LinearTerm, RefinementTerm, maxHierarchyLevel, type NascentRecord, type NascentStatus, type ReviewDecision } from "./hierarchy.js";
export { moduleComplexityValue } from "./complexity.js";
export { NOVELTY_NAMES, NoveltySignal, NoveltyTracker, routingEntropy, signatureOf, type NoveltyObservation } from "./novelty-signal.js";
export { PrototypeCache, type Prototype } from "./prototype-cache.js";
export { MetaMemory } from "./meta-memory.js";
export { BLACK_HOLE_EPISODES, blackHoleCells, blackHoleWorld, type BlackHoleData, type BlackHoleEpisode, type BlackHoleOptions } from "./black-hole.js";
export { TransientTerm } from "./transient-term.js";
export { TransientFactory, type TransientFactoryOptions, type TransientRecord, type TransientStatus, type TransientStepReport } from "./transient-factory.js";
export { kMeans, type KMeansResult } from "./k-means.js";
export { applySpecialClusters, discoverStructure, type DiscoveredCluster, type ModuleFeatures, type StructureDiscoveryOptions, type StructureDiscoveryResult } from "./structure-discovery.js";
