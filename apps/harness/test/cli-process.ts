// Test helper: the built `tam-harness` CLI as a child process whose output can be awaited line by line.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built CLI (the turbo `test` task of this app depends on `build`). */
export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (now or later). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves when the process exits: its exit code, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Fail with the fix when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through turbo (pnpm test), which builds first`);
}

/**
 * Whether any process is left in process group `group` (a CLI started with `ownGroup` leads the group
 * of its pid, and its worker processes join it).
 */
export function processGroupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Start `tam-harness ...args`. With `ownGroup` it leads a new process group, as a command started
 * from a shell does: Ctrl-C in a terminal signals the whole group (`process.kill(-pid, "SIGINT")`).
 */
export function startCli(args: readonly string[], options: { readonly ownGroup?: boolean } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, TAM_BACKEND: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownGroup === true,
  });
  let text = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = text.match(waiter.pattern);
      if (match !== null) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    output: () => text,
    waitFor(pattern) {
      const match = text.match(pattern);
      if (match !== null) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(({ code, signal }) => {
          const late = text.match(pattern);
          if (late !== null) resolve(late);
          else reject(new Error(`exited (${code ?? signal}) before printing ${pattern}; output:\n${text}`));
        });
      });
    },
    exited,
  };
}
