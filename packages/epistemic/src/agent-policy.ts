/**
 * The interface between an agent policy and the lab loop.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L265–308 (per cycle the agent proposes a template and claims an
 * entropy reduction; on refusal it receives a `RefusalEvent`), SEED-INVENTORY.md §15.7.8–9.
 * Cycle accounting: docs/decisions/0108-epistemic-policies-and-cycles.md.
 */
import type { ActionTemplate } from "./action-template.js";
import type { AgentBeliefs } from "./agent-beliefs.js";
import type { LabOutcome } from "./lab-world.js";
import type { RefusalEvent } from "./refusal-event.js";

/** What a policy sees at the start of a cycle. */
export interface PolicyObservation {
  /** 1-based cycle number. */
  readonly cycle: number;
  /** Wells left. */
  readonly budgetRemainingWells: number;
  /** Current debt in bits (public; the built-in policies do not read it). */
  readonly debtBits: number;
  /** The agent's beliefs as maintained by the loop (`epistemicInsolvent`, last refusal). */
  readonly beliefs: AgentBeliefs;
  /** The world's catalogue. */
  readonly templates: readonly ActionTemplate[];
}

/** A proposed action with its claim: the expected entropy reduction in bits (ignored unless biology). */
export interface Proposal {
  readonly action: ActionTemplate;
  readonly claimedBits: number;
}

/** What happened to a proposal. */
export type PolicyFeedback =
  | { readonly type: "refused"; readonly proposal: Proposal; readonly refusal: RefusalEvent }
  | { readonly type: "executed"; readonly proposal: Proposal; readonly outcome: LabOutcome };

/** An agent policy: proposes one action per cycle and learns from feedback. */
export interface AgentPolicy {
  /** Short name for reports (for example `overclaimer`). */
  readonly name: string;
  /** Propose this cycle's action and claim. */
  propose(observation: PolicyObservation): Proposal;
  /** Receive the result of the last proposal. */
  observe(feedback: PolicyFeedback): void;
}

/** Find a template by name in a catalogue, or throw naming the caller and the missing name. */
export function findTemplate(templates: readonly ActionTemplate[], name: string, where: string): ActionTemplate {
  const template = templates.find((candidate) => candidate.name === name);
  if (template === undefined) {
    throw new Error(`${where}: template "${name}" is not in the catalogue (${templates.map((t) => t.name).join(", ")})`);
  }
  return template;
}

/** Find the catalogue's termination template, or throw. */
export function findTermination(templates: readonly ActionTemplate[], where: string): ActionTemplate {
  const template = templates.find((candidate) => candidate.kind === "termination");
  if (template === undefined) throw new Error(`${where}: the catalogue has no termination template`);
  return template;
}
