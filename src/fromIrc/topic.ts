import { safeParam, stripFormatting } from "../irc/lines";
import { roomsOf, type IrcHandler } from "./context";

/**
 * The IRC topic becomes the topic of portal rooms, and of statically mapped rooms when the network's
 * topicSync.mappedRooms is on (off by default: such rooms usually have a topic of their own).
 */
export const onTopic: IrcHandler<"topic"> = ({ ev }, ctx) => {
  const topic = stripFormatting(ev.e.topic);
  for (const room of roomsOf(ctx, ev.channel)) {
    if ((room.origin !== "portal" && !ctx.network.topicToMappedRooms) || ctx.topics.get(room.roomId) === topic) continue;
    ctx.queues.enqueue(room.roomId, {
      what: "topic",
      droppable: true,
      run: async () => {
        if (ctx.topics.get(room.roomId) === topic) return;
        await ctx.api.setState(room.roomId, ctx.botUserId, "m.room.topic", "", { topic });
        ctx.topics.set(room.roomId, topic);
      },
    });
  }
};

/**
 * A Matrix user set a room's topic (it went to IRC as TOPIC): when IRC echoes it, onTopic does not
 * set it on the room again. Kept as IRC will say it (no CR/LF/NUL, no formatting).
 */
export function noteMatrixTopic(topics: Map<string, string>, roomId: string, topic: string): void {
  topics.set(roomId, stripFormatting(safeParam(topic)));
}
