import { errorText } from "../errors";
import { ProvisionError } from "../provisioning/links";
import type { MatrixContext, MatrixHandler } from "./context";

const HELP = [
  "!irc link [network] #channel <op-nick>: asks the channel operator <op-nick>, on IRC, to approve bridging this room with #channel.",
  "!irc unlink [network] #channel: ends this room's bridge with #channel.",
  "Room moderators only (who may change the room's power levels); [network] may be left out when the bridge serves one.",
].join("\n");

/** Whether a room message is a command for the bridge ("!irc", alone or with words after it). */
export function isRoomCommand(body: unknown): body is string {
  return typeof body === "string" && /^!irc(?:\s|$)/i.test(body.trim());
}

/**
 * `!irc link|unlink|help` in a Matrix room (bridged or not): a room moderator links the room to a
 * channel with the channel operator's consent, or ends its bridge. The rules (who may, which rooms,
 * consent) are the links' (provisioning/links.ts), as for the API: a refusal is answered in the
 * room with its reason. A command is never bridged to IRC: it is addressed to the bridge, and
 * `!irc unlink` would otherwise reach the very channel it leaves. Replies are notices from the bot.
 */
export const onRoomCommand: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  const body = event.content.body;
  if (roomId === undefined || sender === undefined || !isRoomCommand(body)) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const [, verb = "help", ...args] = body.trim().split(/\s+/);
  const reply = (text: string) => ctx.notice(roomId, text);
  const run = async () => {
    switch (verb.toLowerCase()) {
      case "link":
        return link(ctx, roomId, sender, args, reply);
      case "unlink":
        return unlink(ctx, roomId, sender, args, reply);
      default:
        reply(verb.toLowerCase() === "help" ? HELP : `Unknown command !irc ${verb.slice(0, 20)}.\n${HELP}`);
    }
  };
  run().catch((err: unknown) => {
    if (err instanceof ProvisionError) return reply(err.message);
    ctx.log.error("a room command failed", { room: roomId, error: errorText(err) });
    reply("That failed; the bridge's log has the details.");
  });
};

type Reply = (text: string) => void;

/** `[network] #channel ...rest`: the network (by id; the only one when left out), the channel, the rest. */
function target(ctx: MatrixContext, args: readonly string[], count: number): { networkId: string; rest: string[] } | string {
  const ids = [...ctx.networks.keys()];
  if (args.length === count + 1) {
    const [networkId = "", ...rest] = args;
    if (!ctx.networks.has(networkId.toLowerCase())) return `There is no network ${networkId.slice(0, 40)} (networks: ${ids.join(", ")}).`;
    return { networkId: networkId.toLowerCase(), rest };
  }
  if (args.length !== count) return "";
  const only = ids.length === 1 ? ids[0] : undefined;
  if (only === undefined) return `Which network? One of: ${ids.join(", ")}.`;
  return { networkId: only, rest: [...args] };
}

async function link(ctx: MatrixContext, roomId: string, userId: string, args: readonly string[], reply: Reply): Promise<void> {
  const usage = "Usage: !irc link [network] #channel <op-nick>";
  const t = target(ctx, args, 2);
  if (typeof t === "string") return reply(t === "" ? usage : `${t} ${usage}`);
  const [channel = "", opNick = ""] = t.rest;
  reply(`Link request for ${channel}: once it passes the checks, ${opNick} is asked on IRC to approve it. The outcome will be posted here.`);
  try {
    await ctx.links.link({ networkId: t.networkId, channel, roomId, opNick, userId });
  } catch (err) {
    if (err instanceof ProvisionError) return reply(`This room was not bridged to ${channel}: ${err.message}`);
    throw err;
  }
  // The link itself tells the room it is bridged now (provisioning/bridgeRoom.ts).
}

async function unlink(ctx: MatrixContext, roomId: string, userId: string, args: readonly string[], reply: Reply): Promise<void> {
  const usage = "Usage: !irc unlink [network] #channel";
  const t = target(ctx, args, 1);
  if (typeof t === "string") return reply(t === "" ? usage : `${t} ${usage}`);
  const [channel = ""] = t.rest;
  try {
    await ctx.links.unlink({ networkId: t.networkId, channel, roomId, by: { kind: "matrix", userId } });
  } catch (err) {
    if (err instanceof ProvisionError) return reply(`This room is still bridged: ${err.message}`);
    throw err;
  }
  // The unlink itself tells the room (provisioning/unlink.ts).
}
