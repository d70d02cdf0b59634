/**
 * Progress of a run: a bar on a terminal (cli-progress), a line every 10 % otherwise (CI logs).
 */
import { Presets, SingleBar } from "cli-progress";

/** Receives the fraction done; `stop` ends the display. */
export interface ProgressDisplay {
  update(fraction: number): void;
  stop(): void;
}

/** Fraction steps at which plain-line mode prints. */
const PLAIN_LINE_STEP = 0.1;

/** Create the display for a run of `steps` steps. */
export function createProgressDisplay(steps: number, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar({ format: "tam-demo [{bar}] {percentage}% | step {value}/{total} | {duration_formatted}", stream, hideCursor: true }, Presets.shades_classic);
    bar.start(steps, 0);
    return {
      update: (fraction) => bar.update(Math.round(fraction * steps)),
      stop: () => bar.stop(),
    };
  }
  let printed = 0;
  stream.write(`tam-demo: running ${steps} steps\n`);
  return {
    update(fraction) {
      if (fraction - printed >= PLAIN_LINE_STEP - 1e-9) {
        printed = fraction;
        stream.write(`tam-demo: ${Math.round(fraction * 100)}%\n`);
      }
    },
    stop: () => stream.write("tam-demo: done\n"),
  };
}
