/**
 * Reads a channel's modes for a portal about to be created (rooms/portals.ts decides from them).
 *
 * Which connection asks: one of the bridge's connections in the channel (its answer is complete:
 * servers show members every mode), else the bridge bot, else any registered user connection (a
 * non-member's answer: some servers hide a key, or the whole secret channel, from it). With
 * portals.requireBotJoin the bot JOINs the channel first (and stays: it is the channel's custodian
 * from then on); a refusal, or no bot connection, means no portal.
 *
 * Guarantees: one MODE (and at most one JOIN) per portal creation, each waited for at most the
 * network's portals.modeTimeoutSeconds; anything but a clear answer is "unknown" (the portal then
 * starts closed), never "open". A key the bridge already knows for the channel counts as +k even
 * when the server hid it.
 */
import { channelModesQuery, modesShown } from "../irc/channelRequests";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import { joinRequest } from "../irc/replies";
import type { ModeReading } from "../rooms/portalAccess";

export interface PortalModeDeps {
  readonly network: NetworkContext;
  /** The bridge bot's connection (bot.enabled), if any. */
  readonly bot: () => IrcConnection | undefined;
  /** The users' connections on the network. */
  readonly connections: () => Iterable<IrcConnection>;
  /** Is the connection in the channel now (the broker's view)? */
  readonly isMember: (connection: IrcConnection, channel: string) => boolean;
  /** Does the bridge know a key for the channel? */
  readonly knowsKey: (channel: string) => boolean;
}

export async function readPortalModes(channel: string, deps: PortalModeDeps): Promise<ModeReading> {
  const timeoutMs = deps.network.channels.modeTimeoutMs;
  const bot = deps.bot();
  if (deps.network.channels.requireBotJoin) {
    if (bot === undefined || !bot.isRegistered) return { kind: "refused", why: "the bridge bot is not connected, and portals.requireBotJoin is on" };
    if (!deps.isMember(bot, channel)) {
      const joined = await bot.request(joinRequest(channel, undefined), { timeoutMs });
      if (joined.kind !== "ok") return { kind: "refused", why: `the bridge bot may not join ${channel} (${joined.kind === "error" ? `${joined.numeric} ${joined.text}` : joined.kind})` };
      bot.remember(channel, undefined);
    }
  }
  const asker = pickAsker(channel, bot, deps);
  if (asker === undefined) return { kind: "unknown", why: "no connection to the network" };
  const member = deps.isMember(asker, channel) || (deps.network.channels.requireBotJoin && asker === bot);
  const reply = await asker.request(channelModesQuery(channel), { timeoutMs });
  const shown = reply.kind === "ok" ? modesShown(reply.lines) : undefined;
  if (shown === undefined) {
    const why = reply.kind === "error" ? `${reply.numeric}: no such channel, or one the server hides` : reply.kind === "ok" ? "no mode list in the answer" : reply.kind;
    return { kind: "unknown", why };
  }
  const modes = new Set(shown);
  if (deps.knowsKey(channel)) modes.add("k");
  return { kind: "modes", modes, member };
}

function pickAsker(channel: string, bot: IrcConnection | undefined, deps: PortalModeDeps): IrcConnection | undefined {
  const up = [...(bot === undefined ? [] : [bot]), ...deps.connections()].filter((c) => c.isRegistered);
  return up.find((c) => deps.isMember(c, channel)) ?? up[0];
}
