/**
 * A channel operator ends the bridges of their channel from IRC: a private message to the bridge's
 * IRC bot, `unlink #channel` (or `!unlink #channel`), ends every link and portal of the channel on
 * that network (mapped rooms are the config's: they stay, and the operator is told). Every message
 * taken is answered; a sender who is not an operator of the channel right now is refused and
 * nothing changes. Messages it does not recognise are left to the other listeners, and at last to
 * the inbox's help (botHelp.ts).
 */
import { errorText } from "../errors";
import { isValidChannelName } from "../irc/channelName";
import type { BotListener, BotMessage } from "./botInbox";
import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type Links } from "./links";
import { isChannelOperator } from "./unlinkRights";

const COMMAND = /^!?unlink(?:\s+(\S+))?\s*$/i;

export function ircUnlinkListener(deps: Pick<ProvisioningDeps, "networks" | "rooms" | "log">, links: Links): BotListener {
  return (message) => {
    const match = COMMAND.exec(message.text.trim());
    if (match === null) return false;
    run(deps, links, message, match[1]).catch((err: unknown) => {
      deps.log.error("an operator's unlink from IRC failed", { network: message.networkId, error: errorText(err) });
      message.reply("That failed; the bridge's log has the details.");
    });
    return true;
  };
}

async function run(deps: Pick<ProvisioningDeps, "networks" | "rooms" | "log">, links: Links, message: BotMessage, channel: string | undefined): Promise<void> {
  const { reply, from } = message;
  if (channel === undefined || !isValidChannelName(channel)) return reply("Usage: unlink #channel (ends every Matrix bridge of the channel; channel operators only).");
  const net = deps.networks.get(message.networkId);
  if (net === undefined) return;
  if (!isChannelOperator(net, channel, from.nick)) return reply(`You are not an operator of ${channel} right now: only its operators may end its bridges.`);
  const rooms = deps.rooms.roomsFor(net.network.id, net.fold(channel));
  const mapped = rooms.filter((r) => r.origin === "mapped").length;
  const ended: string[] = [];
  const failed: string[] = [];
  for (const room of rooms) {
    if (room.origin === "mapped") continue;
    try {
      await links.unlink({ networkId: net.network.id, channel, roomId: room.roomId, by: { kind: "irc", nick: from.nick } });
      ended.push(room.roomId);
    } catch (err) {
      if (!(err instanceof ProvisionError)) throw err;
      failed.push(`${room.roomId}: ${err.message}`);
    }
  }
  const stays = mapped === 0 ? "" : ` ${mapped} room(s) bridged by the bridge's config stay (ask the bridge's admins).`;
  if (ended.length === 0 && failed.length === 0) return reply(`${channel} has no Matrix room bridged by a link or a portal.${stays}`);
  deps.log.info("a channel operator ended the bridges of a channel", { network: net.network.id, channel, rooms: ended.length });
  const done = ended.length === 0 ? "" : `Ended the bridge of ${channel} with ${ended.length} Matrix room(s): they no longer see the channel.`;
  const notDone = failed.length === 0 ? "" : ` Not ended: ${failed.join("; ")}.`;
  reply(`${done}${notDone}${stays}`.trim());
}
