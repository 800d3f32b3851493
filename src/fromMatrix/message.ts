import { NO_NICKS } from "../format/nickDirectory";
import type { MatrixHandler } from "./context";
import { ircMessageOf } from "./ircMessage";
import { isRoomCommand, onRoomCommand } from "./roomCommand";
import { acceptForIrc } from "./sendToIrc";

/**
 * A Matrix message in a bridged room -> PRIVMSG / NOTICE / ACTION to the channel from the sender's
 * own IRC connection (created if needed; it joins the channel first if it is not in it). See
 * sendToIrc.ts for order, durability and what the sender is told when it cannot be sent. A room
 * command (`!irc ...`, roomCommand.ts) goes to the bridge instead, in bridged rooms and others.
 */
export const onRoomMessage: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || ctx.isBridgeUser(sender)) return;
  // `!irc ...` is for the bridge, in any room it is in, and never bridged (roomCommand.ts).
  if (event.content.msgtype === "m.text" && isRoomCommand(event.content.body)) return onRoomCommand(event, ctx);
  const room = ctx.rooms.room(roomId);
  if (room === undefined || !ctx.networks.has(room.network)) return;
  const message = ircMessageOf(event, ctx.networks.get(room.network)?.nicks ?? NO_NICKS, ctx.media?.linkFor);
  if (message === undefined) return;
  acceptForIrc(event, message, ctx);
};
