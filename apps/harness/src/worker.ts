/**
 * Worker entry for the seed pool (tinypool): runs one seed and streams its progress back, over the
 * task's MessagePort in a worker thread or over the IPC channel in a worker process.
 */
import { isMainThread, type MessagePort } from "node:worker_threads";
import { findScenario } from "./registry.js";
import { encodeOutcome, runSeedTask, type EncodedOutcome, type SeedOutcome, type SeedTask } from "./seed-task.js";

/** Smallest progress increase worth a message to the pool's owner. */
const PROGRESS_STEP = 0.01;

/** A seed task plus where its progress goes. */
export interface WorkerTask extends SeedTask {
  /** Progress port of a worker thread; absent in a worker process, which posts on its IPC channel. */
  readonly port?: MessagePort;
  /** Return the outcome as JSON text ({@link EncodedOutcome}) instead of an object. */
  readonly encode: boolean;
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
export default async function runInWorker(task: WorkerTask): Promise<SeedOutcome | EncodedOutcome> {
  const { port, encode, ...seedTask } = task;
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
    return encode ? encodeOutcome(outcome) : outcome;
  } finally {
    port?.close();
  }
}
