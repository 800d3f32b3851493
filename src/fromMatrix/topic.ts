import { NOT_OPERATOR, topicRequest } from "../irc/channelRequests";
import { detach, failureOf } from "./chanops";
import type { MatrixHandler } from "./context";

/**
 * A Matrix user set the topic of a bridged room: TOPIC on IRC through their own connection. When
 * the server refuses (482: the channel is +t and they are not an operator there) or the user is not
 * connected, they are told in the room why IRC kept its topic; the Matrix topic stays. The bridge's
 * own topic changes (the bot mirroring IRC) are not sent back, and IRC's echo of this one is not
 * mirrored back to the room.
 */
export const onRoomTopic: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || event.state_key !== "" || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const topic = typeof event.content.topic === "string" ? event.content.topic : "";
  const channel = room.channel;
  const notChanged = (why: string) => ctx.notice(roomId, `${sender}: the topic of ${channel} was not changed on IRC: ${why}.`);
  const connection = runtime.actors.puppet(sender);
  if (connection === undefined || !connection.isRegistered) {
    notChanged(`you are not connected to ${runtime.network.name}${connection?.downReason === undefined ? "" : ` (${connection.downReason})`}`);
    return;
  }
  runtime.noteTopic(roomId, topic);
  detach(
    ctx,
    "topic",
    connection.request(topicRequest(channel, topic)).then((reply) => {
      if (reply.kind === "ok") return;
      const why = reply.kind === "error" && reply.numeric === NOT_OPERATOR ? `only its channel operators may set it (the channel is +t) and you are not one (${failureOf(reply)})` : failureOf(reply);
      notChanged(why);
    }),
  );
};
