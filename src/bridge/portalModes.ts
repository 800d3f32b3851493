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
 * when the server hid it. When a non-member's answer would leave the channel open (some servers,
 * Ergo among them, hide +k from non-members) or the server answers "no such channel" (it does not
 * exist yet, or it is secret and hidden from non-members, as on InspIRCd) and the bot is up, the
 * bot looks in: JOIN, MODE, PART (see peek); it does not stay. Without a bot, a non-member's answer
 * is taken as it is (on such servers a keyed channel's room then closes when the first connection
 * in hears the key).
 */
import { channelModesQuery, modesShown } from "../irc/channelRequests";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import { joinRequest, partRequest } from "../irc/replies";
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
  const reading = await askModes(asker, channel, member, deps);
  // Looking in settles what a non-member cannot see: a hidden channel, or a key hidden from it.
  const hidden = reading.kind === "unknown" && reading.hidden;
  const looksOpen = reading.kind === "modes" && !reading.member && !reading.modes.has("i") && !reading.modes.has("k");
  if ((hidden || looksOpen) && bot !== undefined && bot.isRegistered && !deps.isMember(bot, channel)) return peek(channel, bot, deps);
  return reading.kind === "unknown" ? { kind: "unknown", why: reading.why } : reading;
}

type Asked = Extract<ModeReading, { kind: "modes" }> | { readonly kind: "unknown"; readonly why: string; readonly hidden: boolean };

/** MODE #channel through one connection; `hidden`: the server said there is no such channel (403). */
async function askModes(asker: IrcConnection, channel: string, member: boolean, deps: PortalModeDeps): Promise<Asked> {
  const reply = await asker.request(channelModesQuery(channel), { timeoutMs: deps.network.channels.modeTimeoutMs });
  const shown = reply.kind === "ok" ? modesShown(reply.lines) : undefined;
  if (shown === undefined) {
    const hidden = reply.kind === "error" && reply.numeric === NO_SUCH_CHANNEL;
    const why = hidden ? "no such channel, or a secret one the server hides" : reply.kind === "error" ? reply.numeric : reply.kind === "ok" ? "no mode list in the answer" : reply.kind;
    return { kind: "unknown", why, hidden };
  }
  const modes = new Set(shown);
  if (deps.knowsKey(channel)) modes.add("k");
  return { kind: "modes", modes, member };
}

/**
 * What a non-member saw may not be all (a hidden channel, a hidden key): the bot joins, reads
 * the modes as a member, and leaves again (it stays only in the channels it belongs in). A refusal
 * names what closes the channel (473: +i, 475: +k); any other outcome leaves the modes unknown.
 */
async function peek(channel: string, bot: IrcConnection, deps: PortalModeDeps): Promise<ModeReading> {
  const timeoutMs = deps.network.channels.modeTimeoutMs;
  const joined = await bot.request(joinRequest(channel, undefined), { timeoutMs });
  if (joined.kind === "error" && joined.numeric in REFUSED_FOR) return { kind: "modes", modes: new Set(REFUSED_FOR[joined.numeric]), member: false };
  if (joined.kind !== "ok") return { kind: "unknown", why: `the bot could not look in (${joined.kind === "error" ? joined.numeric : joined.kind})` };
  const reading = await askModes(bot, channel, true, deps);
  await bot.request(partRequest(channel, "only looked at the channel's modes"), { timeoutMs });
  return reading.kind === "unknown" ? { kind: "unknown", why: reading.why } : reading;
}

function pickAsker(channel: string, bot: IrcConnection | undefined, deps: PortalModeDeps): IrcConnection | undefined {
  const up = [...(bot === undefined ? [] : [bot]), ...deps.connections()].filter((c) => c.isRegistered);
  return up.find((c) => deps.isMember(c, channel)) ?? up[0];
}
