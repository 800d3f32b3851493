import { createHash } from "node:crypto";
import { MatrixApiError } from "../matrix/matrixApi";
import { roomsOf, type IrcHandler } from "./context";
import { withLogged } from "./withLogged";

/**
 * A REDACT of a channel message (IRCv3 draft/message-redaction) -> the bridged event is redacted,
 * with the reason, in each room bridged to the channel whose own log knows the msgid (never across
 * rooms; an unknown msgid gives nothing): as the ghost of the nick that said it when it came from
 * IRC (an event's sender may always redact it), else, or when the homeserver refuses the ghost,
 * as the bot. Queued after what is already queued for the room, so a message is in Matrix before
 * its deletion. A REDACT from one of our own puppets came from a Matrix redaction and is skipped.
 */
export const onRedact: IrcHandler<"redact"> = ({ key, ev }, ctx) => {
  const { e } = ev;
  if (ctx.isOurs(e.from)) return;
  const txnId = `irc.redact.${createHash("sha1").update(`${ctx.network.id}\0${key}`).digest("hex").slice(0, 24)}`;
  const reason = e.reason.trim() === "" ? `deleted on IRC by ${e.from}` : `${e.from}: ${e.reason}`;
  for (const room of roomsOf(ctx, ev.channel)) {
    withLogged(ctx, room.roomId, e.msgid, `deletion by ${e.from}`, async (target) => {
        const ghost = ctx.isOurs(target.nick) ? undefined : ctx.network.ids.ghostUserId(target.nick);
        if (ghost !== undefined && ctx.ghosts.isJoined(room.roomId, ghost)) {
          try {
            await ctx.api.redact(room.roomId, ghost, target.eventId, reason, `${txnId}.${room.roomId}`);
            return;
          } catch (err) {
            if (!(err instanceof MatrixApiError) || err.transient) throw err;
          }
        }
        await ctx.api.redact(room.roomId, ctx.botUserId, target.eventId, reason, `${txnId}.${room.roomId}.bot`);
    });
  }
};
