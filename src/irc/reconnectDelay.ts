/** A connection that stayed registered this long is healthy: its reconnect backoff starts over. */
export const STABLE_MS = 60000;

/**
 * How long a lost connection waits before asking the connect scheduler for a turn again, and its
 * count of quick losses after. A server that is down or throttling is waited out by the scheduler
 * for everyone at once; only a connection that keeps dropping soon after registering (flapping)
 * backs off on its own: minMs, doubling per loss, at most maxMs; it starts over after STABLE_MS.
 */
export function reconnectDelay(
  lost: { readonly attempts: number; readonly registeredAt: number | undefined; readonly now: number },
  reconnect: { readonly minMs: number; readonly maxMs: number },
): { readonly delayMs: number; readonly attempts: number } {
  const { registeredAt } = lost;
  const wasRegistered = registeredAt !== undefined;
  const attempts = registeredAt !== undefined && lost.now - registeredAt >= STABLE_MS ? 0 : lost.attempts;
  const flapping = wasRegistered && attempts > 0;
  const delayMs = flapping ? Math.min(reconnect.maxMs, reconnect.minMs * 2 ** (attempts - 1)) : 0;
  return { delayMs, attempts: wasRegistered ? attempts + 1 : attempts };
}
