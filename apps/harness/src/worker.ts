/**
 * Worker-thread entry for piscina: runs one seed and streams its progress back over a MessagePort.
 */
import type { MessagePort } from "node:worker_threads";
import { findScenario } from "./registry.js";
import { encodeOutcome, runSeedTask, type EncodedOutcome, type SeedOutcome, type SeedTask } from "./seed-task.js";

/** Smallest progress increase worth a message to the main thread. */
const PROGRESS_STEP = 0.01;

/** A seed task plus the port its progress goes to. */
export interface WorkerTask extends SeedTask {
  readonly port: MessagePort;
  /** Return the outcome as JSON text ({@link EncodedOutcome}) instead of an object. */
  readonly encode: boolean;
}

/** Progress message a worker posts: this seed's fraction done. */
export interface ProgressMessage {
  readonly seed: number;
  readonly fraction: number;
}

/** Piscina calls the default export once per task. */
export default async function runInWorker(task: WorkerTask): Promise<SeedOutcome | EncodedOutcome> {
  const { port, encode, ...seedTask } = task;
  let lastPosted = -1;
  try {
    const outcome = await runSeedTask(findScenario(seedTask.scenario), seedTask, (fraction) => {
      // Scenarios may report every step; a message per percent is plenty for a progress bar.
      if (fraction < 1 && fraction - lastPosted < PROGRESS_STEP) return;
      lastPosted = fraction;
      const message: ProgressMessage = { seed: seedTask.seed, fraction };
      port.postMessage(message);
    });
    return encode ? encodeOutcome(outcome) : outcome;
  } finally {
    port.close();
  }
}
