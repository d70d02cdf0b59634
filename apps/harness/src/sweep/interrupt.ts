/**
 * Ctrl-C handling for long commands: the first SIGINT (or SIGTERM) aborts a signal so the command can
 * stop dispatching and shut down cleanly; a second one exits at once with {@link EXIT_INTERRUPTED}.
 */

/** Exit code after an interrupt (128 + SIGINT), as shells use. */
export const EXIT_INTERRUPTED = 130;

/** An abort signal tied to SIGINT/SIGTERM, and a way to release the handlers. */
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** Listen for SIGINT and SIGTERM until `dispose()` is called. */
export function onInterrupt(notice: (text: string) => void): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    notice(`\n${signal}: stopping cleanly (again to stop at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
