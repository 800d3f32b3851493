/**
 * What a WHOIS answer says about a nick, from its numerics. Replies a server does not send stay
 * undefined (accounts need 330, which InspIRCd sends only with services_account loaded and Ergo
 * always for a logged-in user); unknown numerics are ignored.
 */
import type { IrcLine } from "./ircLine";

export interface WhoisInfo {
  readonly nick: string;
  readonly user: string | undefined;
  readonly host: string | undefined;
  readonly realname: string | undefined;
  readonly server: string | undefined;
  readonly serverInfo: string | undefined;
  readonly channels: readonly string[];
  readonly idleSeconds: number | undefined;
  /** When the nick connected (ms since epoch), from 317 where the server gives it. */
  readonly signedOnAt: number | undefined;
  readonly account: string | undefined;
  readonly away: string | undefined;
  readonly operator: boolean;
  readonly secure: boolean;
}

export function parseWhois(nick: string, lines: readonly IrcLine[]): WhoisInfo {
  const info: { -readonly [K in keyof WhoisInfo]: WhoisInfo[K] } = {
    nick,
    user: undefined,
    host: undefined,
    realname: undefined,
    server: undefined,
    serverInfo: undefined,
    channels: [],
    idleSeconds: undefined,
    signedOnAt: undefined,
    account: undefined,
    away: undefined,
    operator: false,
    secure: false,
  };
  const channels: string[] = [];
  for (const line of lines) {
    const p = line.params;
    switch (line.command) {
      case "311":
        info.nick = p[1] ?? nick;
        info.user = p[2];
        info.host = p[3];
        info.realname = p[5];
        break;
      case "312":
        info.server = p[2];
        info.serverInfo = p[3];
        break;
      case "313":
        info.operator = true;
        break;
      case "317": {
        const idle = Number(p[2]);
        const signon = Number(p[3]);
        if (Number.isInteger(idle) && idle >= 0) info.idleSeconds = idle;
        if (Number.isInteger(signon) && signon > 0) info.signedOnAt = signon * 1000;
        break;
      }
      case "319":
        channels.push(...(p[2] ?? "").split(" ").filter((c) => c !== ""));
        break;
      case "330":
        info.account = p[2];
        break;
      case "301":
        info.away = p[2];
        break;
      case "671":
        info.secure = true;
        break;
    }
  }
  info.channels = channels;
  return info;
}

/** "3 h 12 min", "45 s": an idle time for people. */
export function describeSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}
