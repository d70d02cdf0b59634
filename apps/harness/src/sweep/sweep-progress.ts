/**
 * Progress of a sweep while it runs: jobs done, failed and retried, and an ETA from this run's pace.
 * A bar on a terminal (cli-progress), plain lines otherwise (CI logs).
 */
import { Presets, SingleBar } from "cli-progress";

/** Receives job events and draws them. */
export interface SweepProgress {
  /** A job finished with a result. */
  done(): void;
  /** A job failed for good. */
  failed(): void;
  /** A job was handed out again after its worker stopped. */
  retried(): void;
  stop(): void;
}

/** Plain-line mode prints at every this fraction of jobs finished (and on every failure or retry). */
const PLAIN_LINE_STEP = 0.1;

/** Create the display for `toRun` jobs of a sweep labelled `label`. */
export function createSweepProgress(label: string, toRun: number, stream: NodeJS.WriteStream = process.stderr): SweepProgress {
  const started = performance.now();
  const counts = { done: 0, failed: 0, retried: 0 };
  const finished = (): number => counts.done + counts.failed;
  const eta = (): string => {
    const n = finished();
    if (n === 0) return "?";
    return formatSeconds((((performance.now() - started) / n) * (toRun - n)) / 1000);
  };
  const payload = (): Record<string, string | number> => ({ failed: counts.failed, retried: counts.retried, eta: eta() });
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total} jobs | failed {failed} | retried {retried} | ETA {eta}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(toRun, 0, payload());
    const redraw = (): void => bar.update(finished(), payload());
    return {
      done: () => ((counts.done += 1), redraw()),
      failed: () => ((counts.failed += 1), redraw()),
      retried: () => ((counts.retried += 1), redraw()),
      stop: () => bar.stop(),
    };
  }
  let lastPrinted = 0;
  const line = (force: boolean): void => {
    const fraction = toRun === 0 ? 1 : finished() / toRun;
    if (!force && fraction - lastPrinted < PLAIN_LINE_STEP && fraction < 1) return;
    lastPrinted = fraction;
    stream.write(`${label}: ${counts.done}/${toRun} done, ${counts.failed} failed, ${counts.retried} retried, ETA ${eta()}\n`);
  };
  return {
    done: () => ((counts.done += 1), line(false)),
    failed: () => ((counts.failed += 1), line(true)),
    retried: () => ((counts.retried += 1), line(true)),
    stop: () => undefined,
  };
}

/** `1h 02m`, `3m 05s` or `42s`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}
