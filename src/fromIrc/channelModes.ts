/**
 * The channel's own modes -> the rooms: +m raises what it takes to speak to voice's level, +i or +k
 * makes the room invite-only, +s or +p takes it out of the room directory (see rooms/roomAccess.ts
 * for what is restored and when); a portal of a network with portals.published is listed while the
 * channel is open and unlisted on +s/+p/+i/+k (discovery/directoryListing.ts). Read from the roster,
 * which already has the change.
 */
import type { ChannelModesEvent } from "../irc/events";
import { UNLISTED_MODES } from "../discovery/directoryListing";
import { roomsOf, type IrcContext } from "./context";
import { speakLevel } from "./powerLevels";

/** Modes with a counterpart in the Matrix room (besides prefix modes). */
export const ROOM_MODES: ReadonlySet<string> = new Set(["m", "i", "k", "s", "p"]);

/** Brings the rooms in line with the channel's modes; `changed`: the modes that changed, or "all" (a snapshot). */
export function syncChannelModes(ctx: IrcContext, channel: string, changed: ReadonlySet<string> | "all"): void {
  const touched = (...modes: string[]) => changed === "all" || modes.some((m) => changed.has(m));
  const flag = (mode: string) => ctx.roster.hasFlag(channel, mode);
  for (const room of roomsOf(ctx, channel)) {
    if (touched("m")) ctx.access.powerLevels.moderated(room.roomId, flag("m"), speakLevel(ctx), ctx.network.chanops.batchMs);
    if (touched("i", "k")) ctx.access.joinRule(room.roomId, flag("i") || flag("k"), room.origin === "portal" ? ctx.network.channels.portalJoinRule : undefined);
    if (touched("s", "p") && (flag("s") || flag("p"))) ctx.access.unpublish(room.roomId);
    if (touched(...UNLISTED_MODES)) ctx.access.directory.follow(ctx.network, room, { inChannel: true, modesKnown: ctx.roster.modesKnown(channel), flag });
  }
}

/**
 * The answer to MODE #channel, asked when the bridge's first connection joins: the whole picture.
 * A key in it (servers show it to members) is kept for rejoining; no key means none is needed.
 */
export function onChannelModes(e: ChannelModesEvent, ctx: IrcContext): void {
  const key = e.changes.find((c) => c.mode === "k" && c.kind === "always");
  ctx.channelKey(e.channel, key?.param);
  syncChannelModes(ctx, e.channel, "all");
}

/** No connection of the bridge is left in the channel: its listed portals come out of the directory (it can no longer see). */
export function channelLeft(ctx: IrcContext, folded: string): void {
  const unseen = { inChannel: false, modesKnown: false, flag: () => false };
  for (const room of ctx.rooms.roomsFor(ctx.network.id, folded)) ctx.access.directory.follow(ctx.network, room, unseen);
}
