/**
 * An IRC INVITE of a Matrix user's puppet -> a Matrix invite of that user into the channel's room.
 * IRC delivers an INVITE to the invited connection only, so this is not a broker event: each
 * puppet's connection hands its own invites here (compose/invites.ts).
 *
 * Guarantees:
 * - Only an INVITE naming the connection's own nick counts (invite-notify shows a channel's members
 *   the invites of others: those are ignored).
 * - The user is invited (by the bridge bot) into every room bridged to the channel that they are not
 *   in, invited to or banned from; a channel without a room gets its portal first, through
 *   Portals.forChannel: the same checks (excluded, mapped, invalid), limits (portals.maxPerMinute,
 *   portals.max) and mode reading as an alias join, so a +i channel's portal is invite-only.
 * - Bounded: at most INVITE_LIMITS per user (rooms/inviteLimits.ts) are passed on; the rest are
 *   dropped, logged, and the user is told once when the dropping starts.
 * - Silence on success (the Matrix invite is the message). When nothing could be passed on (no
 *   room may exist for the channel, the rate, every room invite failed) the user is told in their
 *   admin room, and the inviter gets one NOTICE from the puppet saying why (at most one per
 *   connection per interval: a flood of invites is not answered by a flood of notices).
 * - A user already in a room of the channel (their puppet is not in it: they would not have been
 *   invited) is let in on IRC at once: the puppet JOINs with the invite.
 * Not guaranteed: that the IRC invite is still there when the user accepts (see pendingInvites.ts).
 */
import { errorText } from "../errors";
import { isValidChannelName } from "../irc/channelName";
import type { InviteEvent } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import type { InviteTake } from "../rooms/inviteLimits";
import type { PendingInvite } from "../rooms/pendingInvites";
import type { PortalOutcome } from "../rooms/portals";
import type { RoomInvites } from "../rooms/roomInvites";
import type { RoomRecord } from "../store/store";

/** What the invite handler may use (built in compose/invites.ts). */
export interface InviteContext {
  readonly network: Pick<NetworkContext, "id" | "name">;
  /** The rooms bridged to the channel now. */
  roomsOf(channel: string): readonly RoomRecord[];
  /** The channel's portal room, created if it has none (rooms/portals.ts forChannel). Never rejects. */
  portal(channel: string): Promise<PortalOutcome>;
  readonly roomFor: RoomInvites["roomFor"];
  readonly inviteToRoom: RoomInvites["inviteToRoom"];
  /** Takes one of the user's invites (rooms/inviteLimits.ts). */
  take(userId: string): InviteTake;
  /** An invite passed on and not used yet (rooms/pendingInvites.ts). */
  remember(userId: string, channel: string, invite: PendingInvite): void;
  /** Tells the user, in their admin room. */
  notify(userId: string, text: string): void;
  now(): number;
  readonly log: Logger;
}

/** One INVITE heard by one user's connection. */
export interface HeardInvite {
  readonly userId: string;
  /** The connection's nick when the INVITE arrived. */
  readonly ownNick: string;
  readonly e: InviteEvent;
  /** Whether two nicks are the same on this server (its casemapping). */
  same(a: string, b: string): boolean;
  /** A NOTICE to the inviter from the puppet; false when the connection answered too recently. */
  answer(text: string): boolean;
  /** The puppet joins the channel now (with the invite the server holds for it). */
  join(channel: string): void;
}

/** A nick a NOTICE may go to (not a server or a mask). */
const NICK = /^[^\s,*?!@#&:.$][^\s,*?!@.]*$/;

export async function onInvite(heard: HeardInvite, ctx: InviteContext): Promise<void> {
  const { e, userId } = heard;
  if (!heard.same(e.invited, heard.ownNick)) return;
  const { network, log } = ctx;
  const channel = e.channel;
  const fields = { user: userId, network: network.id, channel, by: e.by };
  /** `why` for the inviter (and the user, unless `userWhy`); the user is told only when `tellUser`. */
  const refuse = (why: string, tellUser: boolean, userWhy = why) => {
    log.info("an IRC invite was not passed on to Matrix", { ...fields, why: userWhy });
    if (NICK.test(e.by)) heard.answer(`${heard.ownNick} is a Matrix user on a bridge: your invite to ${channel} could not be passed on to Matrix (${why}).`);
    if (tellUser) ctx.notify(userId, `${e.by} invited you to ${channel} on ${network.name}, but ${userWhy}.`);
  };
  if (!isValidChannelName(channel)) return refuse(`"${channel}" is not a channel name the bridge takes`, false);
  const take = ctx.take(userId);
  if (!take.ok) {
    const why = "you were invited to too many channels in the last minutes: the bridge passes on only a few, and ignores the rest for a while";
    return refuse("its user was invited to too many channels in the last minutes", take.firstRefusal, why);
  }
  let rooms = ctx.roomsOf(channel);
  if (rooms.length === 0) {
    const portal = await ctx.portal(channel);
    if (!portal.ok) return refuse(`the bridge has no Matrix room for it: ${portal.reason}`, true);
    rooms = [portal.room];
  }
  const failed: string[] = [];
  let passed = false;
  for (const room of rooms) {
    const { membership } = await ctx.roomFor(room.roomId, userId);
    if (membership === "join") {
      log.info("a puppet invited on IRC joins: its user is in the channel's room already", { ...fields, room: room.roomId });
      heard.join(room.channel);
      return;
    }
    if (membership === "ban") failed.push(`you are banned from its room ${room.roomId}`);
    else if (membership === "invite" || (await ctx.inviteToRoom(room.roomId, userId))) passed = true;
    else failed.push(`the bridge bot could not invite you to its room ${room.roomId}`);
  }
  if (!passed) {
    const why = `${failed.join("; ")}. IRC keeps the invite while your connection lasts: !join ${network.id} ${channel} here uses it`;
    return refuse("its user could not be invited to the channel's Matrix room", true, why);
  }
  ctx.remember(userId, channel, { channel, by: e.by, at: ctx.now() });
  log.info("an IRC invite was passed on to Matrix", { ...fields, rooms: rooms.map((r) => r.roomId) });
}

/** Runs the handler for one INVITE; an unexpected error is logged (the handler's own failures are told). */
export function handleInvite(heard: HeardInvite, ctx: InviteContext): void {
  onInvite(heard, ctx).catch((err: unknown) => ctx.log.error("an IRC invite could not be handled", { user: heard.userId, channel: heard.e.channel, error: errorText(err) }));
}
