/**
 * Reads a channel's modes for a portal about to be created (rooms/portals.ts decides from them).
 *
 * Which connection asks: one of the bridge's connections in the channel (its answer is complete:
 * servers show members every mode); else the bridge bot, which looks in (see peek: JOIN, MODE as a
 * member, PART; it does not stay), because a non-member may be shown less (Ergo hides +k from
 * non-members; InspIRCd answers "no such channel" for a secret one) and a refused JOIN names what
 * closes the channel (473: +i, 475: +k) as well as a MODE answer would; else any registered user
 * connection, whose non-member answer is taken as it is (on such servers a keyed channel's room then
 * closes when the first connection in hears the key). With portals.requireBotJoin the bot JOINs the
 * channel first (and stays: it is the channel's custodian from then on); a refusal, or no bot
 * connection, means no portal.
 *
 * Guarantees: at most one JOIN, one MODE and one PART per portal creation (three lines of the bot's
 * paced queue when it looks in; asking MODE first as a non-member made it four), each waited for at most the network's portals.modeTimeoutSeconds; anything but a clear answer is
 * "unknown" (the portal then starts closed), never "open". A key the bridge already knows for the
 * channel counts as +k even when the server hid it.
 */
import { channelModesQuery, modesShown } from "../irc/channelRequests";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import { joinRequest, partRequest } from "../irc/replies";
import type { ModeReading, PortalReading } from "../rooms/portalAccess";

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
  /** The bot is looking in (true, before its JOIN) or done (false, after its PART or a refusal): its JOIN asks nothing more (channelWatch.ts). */
  readonly lookingIn: (connection: IrcConnection, channel: string, looking: boolean) => void;
}

/** ERR_NOSUCHCHANNEL: no such channel, or (InspIRCd, Ergo) a secret one we are not in. */
const NO_SUCH_CHANNEL = "403";
/** JOIN refusals that tell which mode closes the channel. */
const REFUSED_FOR: Readonly<Record<string, string>> = { "473": "i", "475": "k" };

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
  // The bot outside the channel looks in rather than ask as a non-member (see above).
  if (!member && asker === bot) return peek(channel, bot, deps);
  return askModes(asker, channel, member, deps);
}

/** MODE #channel through one connection. */
async function askModes(asker: IrcConnection, channel: string, member: boolean, deps: PortalModeDeps): Promise<PortalReading> {
  const reply = await asker.request(channelModesQuery(channel), { timeoutMs: deps.network.channels.modeTimeoutMs });
  const shown = reply.kind === "ok" ? modesShown(reply.lines) : undefined;
  if (shown === undefined) {
    const hidden = reply.kind === "error" && reply.numeric === NO_SUCH_CHANNEL;
    const why = hidden ? "no such channel, or a secret one the server hides" : reply.kind === "error" ? reply.numeric : reply.kind === "ok" ? "no mode list in the answer" : reply.kind;
    return { kind: "unknown", why };
  }
  const modes = new Set(shown);
  if (deps.knowsKey(channel)) modes.add("k");
  return { kind: "modes", modes, member };
}

/**
 * What a non-member sees may not be all (a hidden channel, a hidden key): the bot joins, reads
 * the modes as a member, and leaves again (it stays only in the channels it belongs in). A refusal
 * names what closes the channel (473: +i, 475: +k); any other outcome leaves the modes unknown.
 */
async function peek(channel: string, bot: IrcConnection, deps: PortalModeDeps): Promise<ModeReading> {
  deps.lookingIn(bot, channel, true);
  try {
    const timeoutMs = deps.network.channels.modeTimeoutMs;
    const joined = await bot.request(joinRequest(channel, undefined), { timeoutMs });
    if (joined.kind === "error" && joined.numeric in REFUSED_FOR) return { kind: "modes", modes: new Set(REFUSED_FOR[joined.numeric]), member: false };
    if (joined.kind !== "ok") return { kind: "unknown", why: `the bot could not look in (${joined.kind === "error" ? joined.numeric : joined.kind})` };
    const reading = await askModes(bot, channel, true, deps);
    await bot.request(partRequest(channel, "only looked at the channel's modes"), { timeoutMs });
    return reading;
  } finally {
    deps.lookingIn(bot, channel, false);
  }
}

function pickAsker(channel: string, bot: IrcConnection | undefined, deps: PortalModeDeps): IrcConnection | undefined {
  const up = [...(bot === undefined ? [] : [bot]), ...deps.connections()].filter((c) => c.isRegistered);
  return up.find((c) => deps.isMember(c, channel)) ?? up[0];
}
