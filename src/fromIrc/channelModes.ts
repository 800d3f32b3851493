/**
 * The channel's own modes -> the rooms: +m raises what it takes to speak to voice's level, +i or +k
 * makes the room invite-only, +s or +p takes it out of the room directory (see rooms/roomAccess.ts
 * for what is restored and when). Read from the roster, which already has the change.
 */
import type { ChannelModesEvent } from "../irc/events";
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
