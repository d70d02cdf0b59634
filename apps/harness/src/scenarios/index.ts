/**
 * The registry of harness scenarios. Each package issue adds its scenarios here, one import a line.
 */
import type { Scenario } from "../scenario.js";
import { backendScenario } from "./backend.js";
import { epistemicDebtScenario } from "./epistemic-debt.js";
import { epistemicPoliciesScenario } from "./epistemic-policies.js";
import { factoredTransferScenario } from "./factored-transfer.js";
import { graphBarrierScenario } from "./graph-barrier.js";
import { graphBlackHoleScenario } from "./graph-black-hole.js";
import { graphDynamicsScenario } from "./graph-dynamics.js";
import { graphEquationsScenario } from "./graph-equations.js";
import { neuromodHomeostasisScenario } from "./neuromod-homeostasis.js";
import { sparseCloneSplitScenario } from "./sparse-clone-split.js";
import { sparseGrowthScenario } from "./sparse-growth.js";
import { sparseStencilsScenario } from "./sparse-stencils.js";
import { sparseMultimodalScenario } from "./sparse-multimodal.js";
import { tubeConformalScenario } from "./tube-conformal.js";
import { tubeHomeostasisScenario } from "./tube-homeostasis.js";

/** Every scenario `tam-harness` knows, in listing order. */
export const SCENARIOS: readonly Scenario[] = [backendScenario, epistemicDebtScenario, epistemicPoliciesScenario, sparseGrowthScenario, sparseCloneSplitScenario, sparseMultimodalScenario, sparseStencilsScenario, tubeHomeostasisScenario, tubeConformalScenario, neuromodHomeostasisScenario, graphDynamicsScenario, graphEquationsScenario, graphBarrierScenario, graphBlackHoleScenario, factoredTransferScenario];
