/**
 * Worker entry for the seed pool (tinypool): runs one seed and streams its progress back, over the
 * task's MessagePort in a worker thread or over the IPC channel in a worker process; returns the
 * outcome, its JSON text, or nothing once it has stored the outcome as a sweep job's result file.
 */
import { isMainThread, type MessagePort } from "node:worker_threads";
import { findScenario } from "./registry.js";
import { encodeOutcome, runSeedTask, type EncodedOutcome, type SeedOutcome, type SeedTask } from "./seed-task.js";
import { storeOutcome, type ResultTarget } from "./sweep/result-store.js";

/** Smallest progress increase worth a message to the pool's owner. */
const PROGRESS_STEP = 0.01;

/**
 * What a worker does with a seed's outcome: return it as an object, return it as JSON text
 * ({@link EncodedOutcome}), or write it as a sweep job's result file and return nothing.
 */
export type WorkerReply = { readonly kind: "object" } | { readonly kind: "json" } | { readonly kind: "file"; readonly target: ResultTarget };

/** A seed task plus where its progress and outcome go. */
export interface WorkerTask extends SeedTask {
  /** Progress port of a worker thread; absent in a worker process, which posts on its IPC channel. */
  readonly port?: MessagePort;
  readonly reply: WorkerReply;
}

/** Progress message a worker posts: this seed's fraction done. */
export interface ProgressMessage {
  readonly seed: number;
  readonly fraction: number;
}

/** The IPC channel of a worker process (undefined in a worker thread). */
const sendToParent = isMainThread ? process.send?.bind(process) : undefined;
if (sendToParent !== undefined) {
  // A worker process. Ctrl-C in a terminal reaches the whole process group: the pool's owner decides
  // how to stop and terminates its workers, so a worker ignores SIGINT. If the owner dies (even by
  // SIGKILL) the IPC channel closes, and a worker exits rather than finish a job nobody will collect.
  process.on("SIGINT", () => undefined);
  process.on("disconnect", () => process.exit(1));
}

/** The pool calls the default export once per task. */
export default async function runInWorker(task: WorkerTask): Promise<SeedOutcome | EncodedOutcome | undefined> {
  const { port, reply, ...seedTask } = task;
  const post = (message: ProgressMessage): void => {
    if (port !== undefined) port.postMessage(message);
    else sendToParent?.(message);
  };
  let lastPosted = -1;
  try {
    const outcome = await runSeedTask(findScenario(seedTask.scenario), seedTask, (fraction) => {
      // Scenarios may report every step; a message per percent is plenty for a progress bar.
      if (fraction < 1 && fraction - lastPosted < PROGRESS_STEP) return;
      lastPosted = fraction;
      post({ seed: seedTask.seed, fraction });
    });
    switch (reply.kind) {
      case "object":
        return outcome;
      case "json":
        return encodeOutcome(outcome);
      case "file":
        await storeOutcome(reply.target, outcome);
        return undefined;
    }
  } finally {
    port?.close();
  }
}
