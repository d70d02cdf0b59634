/**
 * The Redis server behind a sweep's job queue: `--queue redis://[user:pass@]HOST:PORT[/DB]` (or
 * `rediss://` for TLS) parsed into connection options, and checked to answer before anything runs.
 */
import { Redis } from "ioredis";
import { UsageError } from "../usage-error.js";

/** How long the start-up check waits for the server to answer PING. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Where the Redis server is and how to log in: options both ioredis and BullMQ take. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  /** Present for rediss:// (TLS with the system's certificate authorities). */
  readonly tls?: Readonly<Record<string, never>>;
}

/** A parsed `--queue` URL. */
export interface QueueConnection {
  /** The URL with any password replaced by `***`, for messages. */
  readonly display: string;
  readonly options: RedisTarget;
}

/**
 * Parse a `--queue` value.
 *
 * @throws UsageError naming `--queue` and the value when it is not a redis:// or rediss:// URL with a
 *   host, or its port or database number is invalid.
 */
export function parseQueueUrl(raw: string): QueueConnection {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--queue ${JSON.stringify(raw)} is not a URL (expected redis://HOST:PORT)`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new UsageError(`--queue ${JSON.stringify(raw)} must use redis:// or rediss:// (got ${url.protocol}//)`);
  }
  if (url.hostname === "") throw new UsageError(`--queue ${JSON.stringify(raw)} has no host (expected redis://HOST:PORT)`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d+$/.test(dbText)) {
    throw new UsageError(`--queue ${JSON.stringify(raw)}: the database must be a number (got ${JSON.stringify(dbText)})`);
  }
  const display = url.password === "" ? url.href : url.href.replace(`:${url.password}@`, ":***@");
  const options: RedisTarget = {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
    ...(dbText === "" ? {} : { db: Number(dbText) }),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
  return { display, options };
}

/**
 * Check that the server answers PING, failing fast instead of retrying.
 *
 * @throws UsageError naming `--queue` and the URL when the server cannot be reached or refuses us.
 */
export async function checkQueueReachable(connection: QueueConnection): Promise<void> {
  const client = new Redis({
    ...connection.options,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on("error", (error: Error) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = (lastError ?? (error as Error)).message;
    throw new UsageError(`--queue ${connection.display}: cannot reach the Redis server (${reason})`);
  } finally {
    client.disconnect();
  }
}
