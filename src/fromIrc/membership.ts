import { roomsOf, type IrcContext, type IrcHandler } from "./context";
import { dropNick, syncNick } from "./powerLevels";
import { looksLikeNetsplit } from "./splitDebouncer";

/**
 * A nick left the channel: whoever the bridge raised for it goes back to the room default (a
 * Matrix user's puppet too: out of the channel, they are no op there); its ghost leaves the rooms.
 * Our own connections never appear as ghosts.
 */
function ghostLeaves(ctx: IrcContext, channel: string, nick: string, what: string): void {
  dropNick(ctx, channel, nick);
  if (ctx.isOurs(nick)) return;
  const ghost = ctx.network.ids.ghostUserId(nick);
  for (const room of roomsOf(ctx, channel)) {
    ctx.queues.enqueue(room.roomId, { what, run: () => ctx.ghosts.leave(room.roomId, ghost), droppable: true });
  }
}

/** An IRC user joined: their ghost joins every bridged room (displayname = the nick). */
export const onJoin: IrcHandler<"join"> = ({ ev }, ctx) => {
  const { nick } = ev.e;
  if (ctx.isOurs(nick)) return;
  // Back from a netsplit within the window: the ghost never left.
  if (ctx.splits.rejoined(ctx.fold(ev.channel), ctx.fold(nick))) return;
  const ghost = ctx.network.ids.ghostUserId(nick);
  for (const room of roomsOf(ctx, ev.channel)) {
    ctx.queues.enqueue(room.roomId, { what: `join of ${nick}`, run: () => ctx.ghosts.ensureJoined(room.roomId, ghost, ctx.network.ids.ghostDisplayname(nick)), droppable: true });
  }
};

export const onPart: IrcHandler<"part"> = ({ ev }, ctx) => ghostLeaves(ctx, ev.channel, ev.e.nick, `part of ${ev.e.nick}`);

/** A QUIT; one that looks like a netsplit is held back (see splitDebouncer.ts). */
export const onQuit: IrcHandler<"quit"> = ({ ev }, ctx) => {
  const { nick, reason } = ev.e;
  if (ctx.network.netsplitDebounceMs > 0 && looksLikeNetsplit(reason) && !ctx.isOurs(nick)) {
    ctx.splits.hold(ctx.fold(ev.channel), ctx.fold(nick), () => ghostLeaves(ctx, ev.channel, nick, `netsplit quit of ${nick}`));
    return;
  }
  ghostLeaves(ctx, ev.channel, nick, `quit of ${nick}`);
};

/**
 * A nick change: the ghost ids derive from the nick, so the old ghost leaves and the new ghost joins
 * (its displayname from the new nick, see the network's ghostDisplayname), and the power level the nick's prefixes give moves with it.
 * Our own puppets' nick changes are not shown (the Matrix user behind them is the same).
 */
export const onNick: IrcHandler<"nick"> = ({ ev }, ctx) => {
  const { nick, newNick } = ev.e;
  if (ctx.isOurs(nick) || ctx.isOurs(newNick)) return;
  if (ctx.network.ids.ghostUserId(nick) !== ctx.network.ids.ghostUserId(newNick)) {
    dropNick(ctx, ev.channel, nick);
    syncNick(ctx, ev.channel, newNick, false);
  }
  const before = ctx.network.ids.ghostUserId(nick);
  const after = ctx.network.ids.ghostUserId(newNick);
  for (const room of roomsOf(ctx, ev.channel)) {
    ctx.queues.enqueue(room.roomId, {
      what: `nick change ${nick} -> ${newNick}`,
      droppable: true,
      run: async () => {
        if (before === after) {
          await ctx.ghosts.ensureUser(after, ctx.network.ids.ghostDisplayname(newNick));
          return;
        }
        await ctx.ghosts.leave(room.roomId, before);
        await ctx.ghosts.ensureJoined(room.roomId, after, ctx.network.ids.ghostDisplayname(newNick));
      },
    });
  }
};

/**
 * A kick: a kicked IRC user's ghost is kicked from the rooms by the bot, with the reason; a kicked
 * Matrix user (their puppet was kicked) is kicked from the rooms too, so Matrix shows what IRC did.
 * A Matrix user the bridge already banned for an IRC ban (+b before the KICK) stays banned.
 * Either way the level the bridge gave them for their prefix modes goes back to the room default,
 * so a kicked op does not come back to the room as a moderator.
 */
export const onKick: IrcHandler<"kick"> = ({ ev }, ctx) => {
  const { nick, by, reason } = ev.e;
  const text = `kicked on IRC by ${by}${reason ? `: ${reason}` : ""}`;
  dropNick(ctx, ev.channel, nick);
  const user = ctx.userOfNick(nick);
  const target = user ?? (ctx.isOurs(nick) ? undefined : ctx.network.ids.ghostUserId(nick));
  if (target === undefined) return;
  for (const room of roomsOf(ctx, ev.channel)) {
    ctx.queues.enqueue(room.roomId, {
      what: `kick of ${nick}`,
      run: async () => {
        // Banned on Matrix by the bridge for an IRC ban (the +b came first): a kick would lift that ban.
        if (user !== undefined && ctx.removals.holdsBan(room.roomId, user)) return;
        try {
          await ctx.api.kick(room.roomId, ctx.botUserId, target, text);
          ctx.ghosts.forget(room.roomId, target);
        } catch (err) {
          // Without the power to kick (a mapped room), a ghost at least leaves.
          if (user !== undefined) throw err;
          await ctx.ghosts.leave(room.roomId, target);
        }
      },
    });
  }
};
