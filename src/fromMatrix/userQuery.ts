import { errorText } from "../errors";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixContext } from "./context";

/**
 * The homeserver asks whether one of our ids exists (a user invites a ghost to a direct chat, say):
 * a ghost is registered before the answer, as the AS API wants.
 */
export async function answerUserQuery(userId: string, ctx: MatrixContext, ghosts: Pick<Ghosts, "ensureRegistered">): Promise<boolean> {
  if (!ctx.isBridgeUser(userId)) return false;
  if (userId === ctx.botUserId) return true;
  try {
    await ghosts.ensureRegistered(userId);
  } catch (err) {
    ctx.log.warn("could not register a ghost the homeserver asked about", { user: userId, error: errorText(err) });
  }
  return true;
}
