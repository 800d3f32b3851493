import type { IrcRefusal } from "../irc/refusal";
import { pmFailureReason } from "../pms/refusalWords";
import type { IrcContext } from "./context";

/**
 * The server refused a message of the user's after it counted as sent (a server without
 * echo-message says nothing when a message goes through, so the sender heard nothing then): when it
 * was for a nick the user has a private room with, the nick's ghost says so there, in plain words.
 * Not attributed to one message: the server does not say which one it refused.
 */
export function onLateRefusal(userId: string, refusal: IrcRefusal, ctx: IrcContext): void {
  const pm = ctx.pms.find(ctx.network.id, userId, ctx.fold(refusal.target));
  if (pm === undefined) return;
  ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "refused" });
  ctx.pms.notice(pm.roomId, `A message to ${pm.nick} was not delivered: ${pmFailureReason(refusal, pm.nick)}.`);
}
