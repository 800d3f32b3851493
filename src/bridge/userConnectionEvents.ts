/**
 * What a network bridge does with the events of each user's connection (besides its feed's and the
 * trouble watch's): the user's admin-room news, saving the connection's state, late refusals, bans
 * of our own nick, refused JOINs and CTCP VERSION. One table per bridge, subscribed by every user's
 * connection with its own small state (util/typedEmitter.ts's subscribe), where a listener per
 * event and connection was 13 closures per connection (issue 14's heap breakdown).
 */
import type { ConnectionEvents, IrcConnection } from "../irc/connection";
import type { IrcContext } from "../fromIrc/context";
import type { HandlerTable } from "../util/typedEmitter";
import type { ConnectionNews } from "./connectionNews";
import type { NetworkBridgeDeps } from "./networkBridge";
import { onLateRefusal } from "../fromIrc/lateRefusal";
import { onOwnBan } from "../fromIrc/bans";
import { onJoinRefused } from "../fromIrc/joinRefused";
import { onCtcpRequest, replyGate } from "../fromIrc/ctcpVersion";
import { versionReply } from "../puppets/puppetFace";
import { connectionRefusedReason } from "../rooms/removalReasons";

/** Shortest time between two CTCP replies of one connection. */
const CTCP_REPLY_INTERVAL_MS = 5000;

/** The events of a user's connection the table handles. */
export const USER_CONNECTION_EVENTS = ["registered", "closed", "nick", "serverError", "kick", "loggedIn", "loginFailed", "refused", "mode", "joinRefused", "ctcpRequest"] as const;

/** A user's connection, as the handlers get it with each of its events. */
export interface UserLink {
  readonly connection: IrcConnection;
  readonly userId: string;
  /** At most one CTCP reply per interval: made at the connection's first CTCP request (most never get one). */
  ctcpGate: (() => boolean) | undefined;
}

/** What the handlers use of their bridge. */
export interface UserConnectionParts {
  readonly deps: Pick<NetworkBridgeDeps, "log" | "network" | "metrics" | "clock" | "version">;
  readonly news: ConnectionNews;
  readonly ctx: IrcContext;
  fold(name: string): string;
  /** Saves the user's connection state (logged, not thrown, when the store refuses). */
  persist(userId: string, nickNote?: string): void;
  /** The connection is registered (`up`) or not any more: the gauges follow. */
  registered(connectionId: string, up: boolean): void;
  removeFromChannels(userId: string, channels: readonly string[], reason: string): void;
  /** The connection closed for good: its user is forgotten (a new connection is attached afresh). */
  closedForGood(connectionId: string): void;
}

export type UserConnectionEvents = HandlerTable<ConnectionEvents, (typeof USER_CONNECTION_EVENTS)[number], UserLink>;

export function userConnectionEvents(parts: UserConnectionParts): UserConnectionEvents {
  const { news, ctx, deps } = parts;
  const { log, network } = deps;
  return {
    registered: ({ connection, userId }, nick, note, again) => {
      parts.registered(connection.id, true);
      if (note !== undefined) log.warn("user got another nick", { user: userId, network: network.id, nick, why: note });
      log.info(again ? "reconnected to IRC" : "connected to IRC", { user: userId, network: network.id, nick });
      news.registered(userId, nick, again, note);
      parts.persist(userId, note);
    },
    closed: ({ connection, userId }, e) => {
      parts.registered(connection.id, false);
      if (e.willReconnect || e.fatal) deps.metrics.ircDisconnects.inc({ network: network.id, throttled: String(e.throttled) });
      log[e.tlsRefused === true ? "warn" : "info"]("IRC connection closed", { user: userId, network: network.id, reason: e.reason, reconnecting: e.willReconnect });
      if (e.fatal && network.kickOn.ircConnectionFailure) parts.removeFromChannels(userId, connection.channelNames, connectionRefusedReason(network.name, e.reason));
      if (e.fatal) news.refused(userId, e.reason);
      else if (e.passwordRefused === true) news.passwordRefused(userId, network.server.password !== undefined);
      else if (e.willReconnect) news.dropped(userId, e.reason, e.tlsRefused === true);
      else news.forget(userId);
      if (!e.willReconnect) parts.closedForGood(connection.id);
    },
    nick: ({ connection, userId }, e) => {
      // Our own rename (irc-framework updates the client's nick after this event, so compare both).
      const mine = parts.fold(connection.nick);
      if (parts.fold(e.nick) === mine || parts.fold(e.newNick) === mine) setImmediate(() => parts.persist(userId));
    },
    serverError: ({ userId }, e) => {
      log.info("IRC server error", { user: userId, network: network.id, error: e.error, reason: e.reason });
      // ERROR lines end the connection (reported as such); nick clashes are the nick's business.
      if (!e.attributed && e.error !== "irc" && e.error !== "nick_in_use") news.serverSaid(userId, e.reason);
    },
    kick: ({ connection, userId }, e) => {
      // Kicked: the channel is no longer rejoined, after a restart either.
      if (parts.fold(e.nick) === parts.fold(connection.nick)) setImmediate(() => parts.persist(userId));
    },
    loggedIn: ({ userId }, account, via) => news.loggedIn(userId, account, via),
    loginFailed: ({ userId }, reason, certificate) => news.loginFailed(userId, reason, certificate),
    refused: ({ userId }, refusal) => onLateRefusal(userId, refusal, ctx),
    mode: ({ connection, userId }, e) => onOwnBan({ userId, nick: connection.nick, hostmask: connection.hostmask }, e, ctx),
    joinRefused: ({ connection, userId }, e) => {
      // Refused: not rejoined after a reconnect or a restart (no rejoin loop); the user joins again to retry.
      connection.forget(e.channel);
      parts.persist(userId);
      log.info("IRC server refused a JOIN", { user: userId, network: network.id, channel: e.channel, numeric: e.numeric });
      const user = { userId, nick: connection.nick, hostmask: connection.hostmask };
      // Removed from no room: told in the admin room, unless a !join asked and gets the answer.
      onJoinRefused(user, e, ctx, () => {
        if (!e.answered) news.serverSaid(userId, `${e.channel}: ${e.reason}`);
      });
    },
    ctcpRequest: (link, e) => {
      const mayReply = (link.ctcpGate ??= replyGate(() => deps.clock.now(), CTCP_REPLY_INTERVAL_MS));
      const version = versionReply(deps.version ?? "unknown", network.face.domain);
      onCtcpRequest(e, { version, reply: (nick, text) => void link.connection.send("NOTICE", [nick, text]), mayReply });
    },
  };
}
