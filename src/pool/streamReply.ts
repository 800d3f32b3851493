/**
 * Redis stream replies (XREAD, XREADGROUP) read without trusting their shape: ioredis types them
 * loosely, so every level is checked and anything unexpected is skipped.
 */
import { Redis } from "ioredis";

export interface StreamEntry {
  readonly stream: string;
  readonly id: string;
  readonly fields: readonly string[];
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** The entries of an XREAD / XREADGROUP reply ([[stream, [[id, [field, value, ...]], ...]], ...] or null), in order. */
export function streamEntries(reply: unknown): StreamEntry[] {
  const out: StreamEntry[] = [];
  if (!Array.isArray(reply)) return out;
  for (const perStream of reply) {
    if (!Array.isArray(perStream)) continue;
    const [stream, entries] = perStream as unknown[];
    if (typeof stream !== "string" || !Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!Array.isArray(entry)) continue;
      const [id, fields] = entry as unknown[];
      // An entry deleted (trimmed) while pending comes back with null fields: nothing to handle.
      if (typeof id === "string") out.push({ stream, id, fields: isStrings(fields) ? fields : [] });
    }
  }
  return out;
}

/**
 * Creates a consumer group (and its stream) unless it exists, reading from `from` ("$": what comes
 * next; "0": everything the stream holds, for requests written before any reader started).
 */
export async function ensureGroup(redis: Redis, stream: string, group: string, from: "$" | "0" = "$"): Promise<void> {
  try {
    await redis.call("XGROUP", "CREATE", stream, group, from, "MKSTREAM");
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes("BUSYGROUP")) throw err;
  }
}

/** A Redis client that connects at its first command and keeps retrying while the server is away. */
export function redisClient(url: string, name: string): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: null, lazyConnect: true });
}

/** Whether a Redis error says the consumer group (or its stream) is gone: Redis lost its data. */
export function isNoGroup(err: unknown): boolean {
  return err instanceof Error && err.message.includes("NOGROUP");
}

/** How long the first command may wait for Redis at start before the process gives up. */
export const FIRST_CONTACT_MS = 10000;

/** A Redis URL fit for a log or an error: the password is left out. */
export function redactedRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/**
 * The first command at start (the clients keep retrying forever afterwards): Redis must answer
 * within FIRST_CONTACT_MS, or start fails with an error naming connectionProcess.redisUrl (its
 * password left out), and the client stops retrying.
 */
export async function firstContact(redis: Redis, url: string, timeoutMs = FIRST_CONTACT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${redactedRedisUrl(url)} (connectionProcess.redisUrl) within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (err) {
    redis.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
