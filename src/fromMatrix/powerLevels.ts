import { modeRequest } from "../irc/channelRequests";
import { modeChanges, modeParams, type ModeChange } from "../rooms/modeChanges";
import { levelOf, parsePowerLevels } from "../rooms/powerLevels";
import type { RoomRecord } from "../store/store";
import { actorsFor, belowModerator, detach, failureOf, throughActors } from "./chanops";
import type { MatrixContext, MatrixHandler, NetworkRuntime } from "./context";

/**
 * A room's power levels changed. The cache of levels follows every change (the bot's too). A change
 * by a Matrix user that moves users whose IRC connection is in the channel across a mode's level
 * (chanops.levels o and v; see rooms/modeChanges.ts) becomes MODE +o/-o/+v/-v for their nicks, through
 * the changer's own connection when it is an operator there, else the bridge's bot (chanops.ts).
 * The levels before are those of unsigned.prev_content (else the cached ones). When IRC cannot
 * follow, the room is told and the Matrix power levels are left as they are: they are never
 * reverted. Letters ChannelOps says a nick already has are not sent again.
 */
export const onPowerLevels: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || event.state_key !== "") return;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined) return;
  const cached = ctx.powerLevels.update(roomId, event.content);
  if (sender === undefined || ctx.isBridgeUser(sender)) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const prev = event.unsigned?.prev_content;
  const before = prev === undefined ? cached : parsePowerLevels(prev);
  if (before === undefined) return;
  const { id: networkId, chanops } = runtime.network;
  const users = runtime.actors.inChannel(room.channel).map(({ userId, connection }) => ({ userId, nick: connection.nick }));
  const changes = modeChanges(before, parsePowerLevels(event.content), users, opAndVoice(chanops.levels))
    .map((c) => {
      const has = ctx.channelOps.prefixesOf(networkId, room.channel, c.nick);
      return { ...c, add: Array.from(c.add).filter((m) => !has.includes(m)).join("") };
    })
    .filter((c) => c.add !== "" || c.remove !== "");
  if (changes.length === 0) return;
  detach(ctx, "mode change", applyModes(ctx, runtime, room, sender, levelOf(before, sender), changes));
};

/** "+o alice[m]", "-o+v bob[m]": a change as the room is told it. */
function shown(change: ModeChange): string {
  return `${modeParams(change).modes} ${change.nick}`;
}

async function applyModes(ctx: MatrixContext, runtime: NetworkRuntime, room: RoomRecord, sender: string, level: number, changes: readonly ModeChange[]): Promise<void> {
  const channel = room.channel;
  const notChanged = (list: readonly ModeChange[], why: string) =>
    ctx.notice(room.roomId, `${sender}: IRC modes in ${channel} were not changed (${list.map(shown).join(", ")}): ${why}. The power levels in this room stay as they are.`);
  const low = belowModerator(runtime, level);
  if (low !== undefined) return notChanged(changes, low);
  const actors = actorsFor(ctx, runtime, channel, sender);
  if (!actors.ok) return notChanged(changes, actors.why);
  for (const change of changes) {
    const { modes, args } = modeParams(change);
    const reply = await throughActors(actors.connections, (c) => c.request(modeRequest(channel, modes, args)));
    if (reply.kind === "ok") ctx.log.info("IRC modes follow Matrix power levels", { room: room.roomId, channel, modes, nick: change.nick, by: sender });
    else notChanged([change], failureOf(reply));
  }
}

/** Only op and voice are given from Matrix: owner, admin and halfop are the IRC side's business. */
function opAndVoice(levels: Readonly<Record<string, number>>): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const mode of ["o", "v"]) {
    const level = levels[mode];
    if (level !== undefined && level > 0) picked[mode] = level;
  }
  return picked;
}
