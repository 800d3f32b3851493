/**
 * The reasons a Matrix user is given when the bridge removes them from a bridged room because IRC
 * does not let their connection in: what happened, in the server's words, and what would let them
 * back in. Pure text; never carries a channel key.
 */
import { IRC_BAN_MARK } from "./removals";

/** What would let the user in, by the numeric that refused their JOIN. */
function hint(numeric: string, channel: string, nick: string): string {
  const rejoin = `!join ${channel}`;
  switch (numeric) {
    case "475":
      return `It needs a key: send ${rejoin} <key> in your admin room with the bridge bot`;
    case "473":
      return `It is invite-only: ask a channel operator to /invite ${nick}, then send ${rejoin} in your admin room with the bridge bot`;
    case "474":
      return `You are banned from it; when the ban is lifted, ${rejoin} in your admin room with the bridge bot lets you back in`;
    case "471":
      return `It is full; send ${rejoin} in your admin room with the bridge bot to try again later`;
    case "477":
    case "515":
      return `It needs a registered, identified nick: store your password with !storepass, send !reconnect, then ${rejoin}`;
    case "489":
      return "It needs a secure (TLS) connection, which the bridge's connection to this network is not";
    case "519":
    case "520":
      return "It is for IRC operators only";
    case "405":
      return `You are in too many channels: leave one (!part), then send ${rejoin}`;
    case "437":
      return `It is temporarily unavailable; send ${rejoin} in your admin room with the bridge bot to try again later`;
    default:
      return "There is no such channel, or its name is not allowed";
  }
}

/** The removal reason for a refused JOIN. */
export function joinRefusedReason(network: string, channel: string, nick: string, numeric: string, serverReason: string): string {
  const said = serverReason === "" ? "" : ` (${serverReason})`;
  const text = `${network} refused ${nick}'s JOIN of ${channel}${said}. ${hint(numeric, channel, nick)}.`;
  return numeric === "474" ? `${IRC_BAN_MARK}: ${text}` : text;
}

/** The removal reason for a ban set on IRC that matches the user's connection. */
export function channelBanReason(channel: string, by: string, mask: string): string {
  return `${IRC_BAN_MARK}: ${by} banned ${mask} from ${channel}. When the ban is lifted, !join ${channel} in your admin room with the bridge bot lets you back in.`;
}

/** The removal reason when the user's connection was refused for good. */
export function connectionRefusedReason(network: string, serverReason: string): string {
  return `${network} refused your IRC connection: ${serverReason}. Send !reconnect in your admin room with the bridge bot to try again.`;
}

/** The removal reason after !quit. */
export function quitReason(network: string, networkId: string): string {
  return `You left ${network} with !quit. Send !reconnect ${networkId} in your admin room with the bridge bot, then join again.`;
}
