// Sweeps across processes through a real Redis server (Debian's redis-server on a loopback port, never
// a mock): two workers, one SIGKILLed mid-job; its job is retried by the other and every job's result
// is present exactly once, and the killed worker's worker processes exit with it.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobResult } from "../src/sweep/result-store.js";
import type { SweepReport } from "../src/sweep/sweep-report.js";
import { processGroupAlive, requireBuiltCli, startCli, type CliProcess } from "./cli-process.js";
import { startRedisServer, type RedisServer } from "./redis-server.js";

const SCENARIO = "epistemic-policies";
/** Short lock and stalled-check periods, so a killed worker's job is retried within seconds. */
const WORKER_FLAGS = ["--workers", "1", "--lock-ms", "1500", "--stalled-ms", "500"];

describe("sweep through a Redis queue", () => {
  let redis: RedisServer;
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    requireBuiltCli();
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    await redis.stop();
  });

  const start = (args: string[], options: { ownGroup?: boolean } = {}): CliProcess => {
    const p = startCli(args, options);
    processes.push(p);
    return p;
  };

  it("survives a worker SIGKILLed mid-job: the job is retried elsewhere, every result is stored once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-sweep-queue-"));
    const queueName = "sigkill-test";
    const queue = ["--queue", redis.url, "--queue-name", queueName];
    const doomed = start(["worker", ...queue, ...WORKER_FLAGS], { ownGroup: true });
    const survivor = start(["worker", ...queue, ...WORKER_FLAGS]);
    await Promise.all([doomed.waitFor(/1 worker process\(es\) on queue/), survivor.waitFor(/1 worker process\(es\) on queue/)]);
    const sweep = start(["sweep", SCENARIO, "--quick", "--seeds", "1..3", "--set", "budgetWells=480,960", ...queue, "--out", dir]);
    // The first job of a worker includes loading the tensor backend in its worker process: seconds, so
    // this SIGKILL lands mid-job.
    const [, killedJob] = await doomed.waitFor(/start (\S+)/);
    doomed.child.kill("SIGKILL");
    expect((await doomed.exited).signal).toBe("SIGKILL");
    expect(doomed.output()).not.toContain(`done ${killedJob}`);
    // Its worker process lost its IPC channel and exits instead of finishing a job nobody collects.
    const group = doomed.child.pid ?? Number.NaN;
    await vi.waitFor(() => expect(processGroupAlive(group)).toBe(false), { timeout: 30_000, interval: 100 });

    const { code } = await sweep.exited;
    expect(code, sweep.output()).toBe(0);
    expect(survivor.output()).toContain(`start ${killedJob}`);

    const root = join(dir, SCENARIO, "sweep");
    const files = readdirSync(root).flatMap((hash) => readdirSync(join(root, hash)).map((name) => join(root, hash, name)));
    const results = files.map((file) => JSON.parse(readFileSync(file, "utf8")) as JobResult);
    expect(files).toHaveLength(6);
    expect(new Set(results.map((r) => r.id)).size).toBe(6);
    const killed = results.find((r) => r.id === killedJob);
    expect(killed?.ranOn.endsWith(`/${survivor.child.pid}`)).toBe(true);

    const report = JSON.parse(readFileSync(join(dir, SCENARIO, "sweep-report.json"), "utf8")) as SweepReport;
    expect(report.jobs).toMatchObject({ total: 6, done: 6, failed: 0 });
    expect(report.jobs.retried).toBeGreaterThanOrEqual(1);
    expect(report.settings.map((s) => s.seeds)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);

    // Collected jobs are removed from Redis: nothing of this sweep is left in the queue.
    const client = new Redis(redis.port, "127.0.0.1");
    try {
      const jobKeys = (await client.keys(`bull:${queueName}:${SCENARIO}-*`)).filter((key) => !key.endsWith(":lock"));
      expect(jobKeys).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it("fails, saying how to install it, when redis-server is missing (never a silent skip)", async () => {
    await expect(startRedisServer("redis-server-not-installed")).rejects.toThrow(
      /redis-server-not-installed is not installed .*apt-get install -y redis-server/,
    );
  });
});
