/**
 * Progress while seeds run: a bar on a terminal (cli-progress), plain lines otherwise (CI logs).
 */
import { SingleBar, Presets } from "cli-progress";

/** Receives progress and says when a scenario starts and ends. */
export interface ProgressDisplay {
  update(seed: number, fraction: number): void;
  stop(): void;
}

/** Fraction steps at which plain-line mode prints (every quarter). */
const PLAIN_LINE_STEP = 0.25;

/** Create the display for one scenario run over `seeds`. */
export function createProgressDisplay(
  scenario: string,
  seeds: readonly number[],
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  const fractions = new Map(seeds.map((seed) => [seed, 0]));
  const overall = (): number => [...fractions.values()].reduce((a, b) => a + b, 0) / seeds.length;
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${scenario} [{bar}] {percentage}% | seeds ${seeds.length} | {duration_formatted}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(100, 0);
    return {
      update(seed, fraction) {
        fractions.set(seed, fraction);
        bar.update(Math.round(overall() * 100));
      },
      stop() {
        bar.update(100);
        bar.stop();
      },
    };
  }
  let lastPrinted = 0;
  stream.write(`${scenario}: running ${seeds.length} seed(s)\n`);
  return {
    update(seed, fraction) {
      fractions.set(seed, fraction);
      const done = overall();
      if (done - lastPrinted >= PLAIN_LINE_STEP) {
        lastPrinted = done;
        stream.write(`${scenario}: ${Math.round(done * 100)}%\n`);
      }
    },
    stop() {
      stream.write(`${scenario}: done\n`);
    },
  };
}
