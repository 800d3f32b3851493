import { createHash } from "node:crypto";
import { roomsOf, type IrcHandler } from "./context";
import { withLogged } from "./withLogged";

/**
 * A TAGMSG with `+draft/react=<key>` and `+draft/reply=<msgid>` -> an m.reaction (m.annotation,
 * the key) from the sender's ghost on the Matrix event of that msgid, in each room bridged to the
 * channel: looked up in that room's own log (never across rooms), when its turn comes in the
 * room's queue, so a reaction to a message just said finds the message's event (a Matrix message's
 * msgid is waited for a moment, without holding the room: see withLogged.ts). A msgid the room's log does not know (too old,
 * or never bridged) gives nothing. The reaction is logged under the TAGMSG's own msgid, so a later REDACT of it removes the reaction. Our own puppets' reactions came
 * from Matrix and are skipped.
 */
export const onReaction: IrcHandler<"tagmsg"> = ({ key, ev }, ctx) => {
  const { e } = ev;
  const reaction = e.tags["+draft/react"];
  const msgid = e.tags["+draft/reply"];
  if (reaction === undefined || reaction === "" || msgid === undefined || msgid === "" || ctx.isOurs(e.from)) return;
  const ghost = ctx.network.ids.ghostUserId(e.from);
  const txnId = `irc.react.${createHash("sha1").update(`${ctx.network.id}\0${key}`).digest("hex").slice(0, 24)}`;
  for (const room of roomsOf(ctx, ev.channel)) {
    withLogged(ctx, room.roomId, msgid, `reaction from ${e.from}`, async (target) => {
      await ctx.ghosts.ensureJoined(room.roomId, ghost, ctx.network.ids.ghostDisplayname(e.from));
      const content = { "m.relates_to": { rel_type: "m.annotation", event_id: target.eventId, key: reaction } };
      const eventId = await ctx.api.send(room.roomId, ghost, "m.reaction", content, `${txnId}.${room.roomId}`, e.time);
      const own = e.tags.msgid;
      ctx.messages.record({ roomId: room.roomId, eventId, nick: e.from, text: "", ...(own === undefined || own === "" ? {} : { msgid: own }) });
    });
  }
};
