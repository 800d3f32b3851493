import { NO_NICKS } from "../format/nickDirectory";
import type { MatrixHandler } from "./context";
import { ircMessageOf } from "./ircMessage";
import { acceptForIrc } from "./sendToIrc";

/**
 * A message in a private-message room, from its user -> PRIVMSG / NOTICE / ACTION to the nick from
 * the user's own IRC connection, in order, durably (see sendToIrc.ts). When the server refuses it
 * (the nick is not online, takes messages from registered users only, ...) the ghost says so in
 * the room, in plain words. Anyone else's messages there are not bridged.
 */
export const onPmMessage: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  const pm = roomId === undefined ? undefined : ctx.pms.roomOf(roomId);
  if (roomId === undefined || pm === undefined || sender !== pm.userId) return;
  const runtime = ctx.networks.get(pm.network);
  const message = ircMessageOf(event, runtime?.nicks ?? NO_NICKS, ctx.media?.linkFor);
  if (runtime === undefined || message === undefined) return;
  if (!runtime.network.privateMessages.enabled) {
    if (event.event_id === undefined || !ctx.seenBefore(event.event_id)) {
      ctx.pms.notice(roomId, `Your message was not sent to ${pm.nick}: private messages are not bridged on ${runtime.network.name}.`);
    }
    return;
  }
  acceptForIrc(event, message, ctx);
};
