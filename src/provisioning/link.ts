/**
 * A room moderator's link request, with the channel operator's consent (see links.ts).
 *
 * Order: the checks that need no I/O (targetChecks.ts, the room limit, the network's bot), a place
 * among the pending requests (consent.ts: bounded), the room's power levels (linkChecks.ts), the
 * channel's operators right now (channelBot.ts), then the question to the operator by PM, and the
 * link (bridgeRoom.ts) only on "yes" in time. Guarantees: every refusal, at any step, leaves
 * nothing (no record, no state, the bot out of a room it joined for the request) and gives the
 * place back; the operator is told the outcome of what they were asked; the target is checked
 * again after the answer (the room may have been bridged meanwhile).
 */
import { errorText } from "../errors";
import { bridgeRoom } from "./bridgeRoom";
import type { ChannelBot } from "./channelBot";
import type { ProvisioningDeps, ProvisioningNetwork } from "./deps";
import { checkRoomPower, type RoomReady } from "./linkChecks";
import { ProvisionError, type LinkInfo, type LinkRequest } from "./links";
import { checkTarget } from "./targetChecks";

const NICK = /^[^\s,*?!@#&:][^\s,*?!@]{0,63}$/;

/** The room as the operator should see it: its alias or name when it has one, and a matrix.to link. */
async function describeRoom(deps: ProvisioningDeps, roomId: string): Promise<string> {
  const read = async (type: string, field: string) => {
    try {
      const value = (await deps.api.getState(roomId, deps.botUserId, type))?.[field];
      return typeof value === "string" && value !== "" ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const [alias, name] = await Promise.all([read("m.room.canonical_alias", "alias"), read("m.room.name", "name")]);
  const link = `https://matrix.to/#/${alias ?? roomId}`;
  return name !== undefined ? `"${name}" (${link})` : link;
}

/** The checks that need no I/O; returns the network and its bot. */
function precheck(deps: ProvisioningDeps, request: LinkRequest): { net: ProvisioningNetwork; bot: ChannelBot } {
  if (request.key !== undefined) {
    throw new ProvisionError(400, "M_INVALID_PARAM", "key: linking a channel that has a key (+k) is not supported yet; remove the key from the channel, or ask a bridge admin for a static mapping.");
  }
  const net = checkTarget(deps, request, request.userId);
  const limit = deps.settings.roomLimit;
  if (limit !== undefined && deps.rooms.all().length >= limit) throw new ProvisionError(500, "IRC_BRIDGE_AT_LIMIT", `This bridge bridges ${limit} rooms already, its limit; no more can be linked.`);
  const bot = deps.channelBot(net);
  if (bot === undefined) throw new ProvisionError(400, "IRC_NO_BOT", `${net.network.name} runs no IRC bot on this bridge (bot.enabled): links need it to ask the channel's operator.`);
  if (!NICK.test(request.opNick)) throw new ProvisionError(400, "IRC_BAD_OPERATOR_TARGET", `op_nick: ${JSON.stringify(request.opNick)} is not an IRC nick.`);
  if (bot.same(request.opNick, bot.nick)) throw new ProvisionError(400, "IRC_BAD_OPERATOR_TARGET", "op_nick: the bridge's own bot cannot consent; name a channel operator.");
  return { net, bot };
}

export async function requestLink(deps: ProvisioningDeps, request: LinkRequest): Promise<LinkInfo> {
  const { net, bot } = precheck(deps, request);
  const { opNick, userId, channel, roomId } = request;
  const ticket = deps.consents.reserve({ networkId: net.network.id, channel: net.fold(channel), opNick, userId, same: bot.same });
  let room: RoomReady | undefined;
  let asked = false;
  const tellOp = (text: string) => {
    if (asked) bot.tell(opNick, text);
  };
  try {
    room = await checkRoomPower(deps, roomId, userId);
    const operators = await bot.operators(channel);
    if (!operators.some((n) => bot.same(n, opNick))) {
      throw new ProvisionError(400, "IRC_BAD_OPERATOR_TARGET", `${opNick} is not an operator of ${channel} on ${net.network.name} right now (as the bridge's bot sees it); POST /querylink lists who is.`);
    }
    const seconds = deps.settings.requestTimeoutSeconds;
    const where = await describeRoom(deps, roomId);
    const question = `${userId} has requested to bridge the Matrix room ${where} with ${channel} on ${net.network.name}. Answer "yes" within ${seconds} seconds to allow it; any other answer, or none, refuses.`;
    if (!bot.tell(opNick, question)) throw new ProvisionError(503, "IRC_BOT_OFFLINE", "The bridge's IRC bot cannot send messages right now; try again later.");
    asked = true;
    deps.log.info("asked a channel operator to allow a link", { room: roomId, network: net.network.id, channel, by: userId, op: opNick });
    const answer = await ticket.ask();
    if (answer === "timeout") {
      tellOp(`No answer in time: ${where} was not bridged with ${channel}.`);
      throw new ProvisionError(504, "IRC_REQUEST_TIMEOUT", `${opNick} did not answer within ${seconds} seconds; the room was not linked.`);
    }
    if (answer === "no") {
      tellOp(`Refused: ${where} was not bridged with ${channel}.`);
      throw new ProvisionError(403, "IRC_REQUEST_DECLINED", `${opNick} did not allow the link (only "yes" allows it); the room was not linked.`);
    }
    checkTarget(deps, request, userId);
    const info = await bridgeRoom(deps, net, request, userId, `requested by ${userId}, allowed by ${opNick} on IRC`);
    tellOp(`Done: ${channel} is now bridged with ${where}.`);
    return info;
  } catch (err) {
    // A room bridged meanwhile by another request keeps the bot.
    if (deps.rooms.room(roomId) === undefined) await room?.undo();
    if (err instanceof ProvisionError) {
      if (asked && err.errcode !== "IRC_REQUEST_TIMEOUT" && err.errcode !== "IRC_REQUEST_DECLINED") tellOp(`The link of ${channel} was not made after all: ${err.message}`);
      throw err;
    }
    deps.log.warn("a link request failed", { room: roomId, network: net.network.id, channel, error: errorText(err) });
    tellOp(`The link of ${channel} failed; the room was not bridged.`);
    throw new ProvisionError(500, "M_UNKNOWN", "The link failed on the bridge's side; nothing was changed. Try again later.");
  } finally {
    ticket.release();
  }
}
