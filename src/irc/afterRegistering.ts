import { buildLine } from "./lines";
import type { Credentials } from "./connectionTypes";

export interface AfterRegistering {
  readonly nick: string;
  /** A reconnect: the connection's channels are joined again. */
  readonly again: boolean;
  /** The connection's channels, each with the key it last used. */
  readonly channels: Iterable<{ readonly name: string; readonly key: string | undefined }>;
  /** The key stored for a channel now (fresher than the connection's when +k changed while it was away). */
  readonly storedKey: (channel: string) => string | undefined;
  /** The network's user modes (config userModes). */
  readonly userModes: string | undefined;
  /** Credentials to IDENTIFY with, where SASL was not available. */
  readonly identify: Credentials | undefined;
}

/**
 * The lines a connection sends first once registered, in this order, ahead of anything queued while
 * it was away: NickServ IDENTIFY (where SASL was not available: channels that need an account then
 * let it in), the network's user modes (a cloak, +R... before any JOIN, so channels see them from
 * the start), then, after a reconnect, the JOINs of its channels.
 */
export function afterRegistering(a: AfterRegistering): string[] {
  const lines: string[] = [];
  if (a.identify !== undefined) lines.push(buildLine("PRIVMSG", ["NickServ", `IDENTIFY ${a.identify.account} ${a.identify.password}`]));
  if (a.userModes !== undefined) lines.push(buildLine("MODE", [a.nick, a.userModes]));
  if (a.again) {
    for (const ch of a.channels) {
      const key = a.storedKey(ch.name) ?? ch.key;
      lines.push(buildLine("JOIN", key === undefined ? [ch.name] : [ch.name, key]));
    }
  }
  return lines;
}
