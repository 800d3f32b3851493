import type { ModeChange } from "../irc/modes";
import { liftBans, noticeBans } from "./bans";
import { ROOM_MODES, syncChannelModes } from "./channelModes";
import { roomsOf, type IrcHandler } from "./context";
import { syncNick } from "./powerLevels";

/**
 * A channel MODE (already applied to the roster): prefix changes move the power levels of the
 * users behind the nicks (batched per room); +m/-m, +i/+k, +s/+p change the room (channelModes.ts);
 * a key is kept for rejoining, or forgotten on -k; a ban matching a Matrix user's puppet is told to
 * the room and removes the user (bans.ts), a -b lifts the Matrix bans the bridge set for it; other changes are shown as a short notice when the network's chanops.modeNotices is on
 * (a key never is).
 */
export const onMode: IrcHandler<"mode"> = ({ ev }, ctx) => {
  const { changes, by } = ev.e;
  for (const change of changes) {
    if (change.mode !== "k" || change.kind !== "always") continue;
    ctx.channelKey(ev.channel, change.add ? change.param : undefined);
  }
  if (roomsOf(ctx, ev.channel).length === 0) return;
  for (const change of changes) if (change.kind === "prefix" && change.param !== undefined) syncNick(ctx, ev.channel, change.param, true);
  syncChannelModes(ctx, ev.channel, new Set(changes.map((c) => c.mode)));
  const bans = changes.filter((c) => c.add && c.mode === "b" && c.kind === "list" && c.param !== undefined).map((c) => c.param ?? "");
  const told = noticeBans(ctx, ev.channel, by, bans);
  liftBans(ctx, ev.channel, changes.filter((c) => !c.add && c.mode === "b" && c.kind === "list" && c.param !== undefined).map((c) => c.param ?? ""));
  if (!ctx.network.chanops.modeNotices) return;
  const rest = changes.filter((c) => c.kind !== "prefix" && !ROOM_MODES.has(c.mode) && !(c.mode === "b" && c.param !== undefined && told.has(c.param)));
  if (rest.length === 0) return;
  for (const room of roomsOf(ctx, ev.channel)) ctx.notice(room.roomId, `${by} set mode ${describeModes(rest)} on ${ev.channel}.`);
};

/** "+t-l+b *!*@spam": the changes with their parameters, a key's never shown. */
export function describeModes(changes: readonly ModeChange[]): string {
  let text = "";
  let sign: boolean | undefined;
  const params: string[] = [];
  for (const c of changes) {
    if (c.add !== sign) text += c.add ? "+" : "-";
    sign = c.add;
    text += c.mode;
    if (c.param !== undefined && c.mode !== "k") params.push(c.param);
  }
  return [text, ...params].join(" ");
}
