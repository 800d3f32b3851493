/**
 * CTCP VERSION to a Matrix user's connection: answered with the bridge's name and version and the
 * homeserver the user comes from, so anyone on IRC can tell a bridged user apart.
 *
 * Guarantee: one connection sends at most one reply per `intervalMs` (a CTCP flood, or a VERSION
 * to a channel full of puppets, costs each connection one queued NOTICE, not one per request);
 * other CTCP requests are not answered.
 */
import type { CtcpRequestEvent } from "../irc/clientEvents";

export interface CtcpContext {
  /** The VERSION reply text (see puppetFace.ts versionReply). */
  readonly version: string;
  /** Sends a CTCP reply (a NOTICE wrapped in \x01) to a nick through the user's own connection. */
  reply(nick: string, text: string): void;
  /** Whether this connection may answer now (see replyGate). */
  mayReply(): boolean;
}

export function onCtcpRequest(e: CtcpRequestEvent, ctx: CtcpContext): void {
  if (e.type !== "VERSION" || !/^[^\s,*?!@#&:][^\s,*?!@]*$/.test(e.from) || !ctx.mayReply()) return;
  ctx.reply(e.from, `\u0001VERSION ${ctx.version}\u0001`);
}

/** True at most once per `intervalMs` (one per connection). */
export function replyGate(now: () => number, intervalMs: number): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
