/**
 * A Matrix message confirmed on IRC -> the channel's OTHER bridged rooms (a portal and a mapped
 * room of one channel, say), as the ghost of the nick that said it, so every room of a channel sees
 * every message. The IRC side cannot do this: the server's echo of our own puppet is skipped as
 * ours (fromIrc/message.ts), as the origin room has the message already.
 *
 * Guarantees:
 * - Once per other room: queued through the durable pending sends (pendingSends.ts), with an id and
 *   transaction id derived from the origin event and the room, so a send retried, a message
 *   confirmed twice (an outbox entry replayed after a crash) or a transaction retried by the
 *   homeserver does not make a second copy. Never to the origin room, never for private messages;
 *   a room unbridged before its copy is delivered gets none (deliverMessage.ts).
 * - What IRC showed: the text as said on IRC (after the reply, edit and long-text stages),
 *   converted as IRC messages are (ircToMatrix: formatting, mentions).
 * - Order in each other room: the copy is queued the moment the sender's connection heard the
 *   server's echo, in the same per-room queue as the channel's IRC messages, which are queued the
 *   moment the channel's reader heard them. So a room shows its channel in the order IRC did, to
 *   within what two connections read at the same moment: when the reader is another connection
 *   than the sender's, or a line came in the same read as the echo (the echo is handled a few
 *   microtasks later), an IRC line and a copy that IRC showed back to back may swap. Matrix
 *   messages of one channel are copied in the order IRC confirmed them (channelOrder.ts).
 * Not guaranteed: a copy for a message the server never echoed (no echo-message: it counts as
 * sent once written, so the copy may come slightly early).
 */
import { createHash } from "node:crypto";
import { matrixContent } from "../format/matrixContent";
import { ircToMatrix } from "../format/ircToMatrix";
import type { NickDirectory } from "../format/nickDirectory";
import type { NetworkContext } from "../irc/networkContext";
import type { OutboxEntry } from "../store/store";
import type { PendingSends } from "./pendingSends";
import type { RoomIndex } from "./roomIndex";


export interface ChannelEchoDeps {
  readonly rooms: Pick<RoomIndex, "room" | "roomsFor">;
  readonly networks: readonly NetworkContext[];
  readonly sends: Pick<PendingSends, "enqueue">;
  /** The network's nick directory (mentions in the converted text). */
  readonly nicks: (networkId: string) => Pick<NickDirectory, "userOfNick">;
}

/** What MatrixContext.echoToOtherRooms is: `entry` was confirmed on IRC, said by `nick` as `text` (with `msgid`). */
export type EchoToOtherRooms = (entry: OutboxEntry, nick: string, text: string, msgid: string | undefined) => void;

export function channelEcho(deps: ChannelEchoDeps): EchoToOtherRooms {
  return (entry, nick, text, msgid) => {
    if (entry.pm === true) return;
    const origin = deps.rooms.room(entry.roomId);
    const network = origin === undefined ? undefined : deps.networks.find((n) => n.id === origin.network);
    if (origin === undefined || network === undefined) return;
    const others = deps.rooms.roomsFor(origin.network, origin.folded).filter((r) => r.roomId !== origin.roomId);
    if (others.length === 0) return;
    const converted = ircToMatrix(text, deps.nicks(network.id));
    const content = matrixContent(entry.kind, converted);
    const base = `mx.${createHash("sha1").update(`${network.id}\0${entry.eventId}`).digest("hex").slice(0, 24)}`;
    const ghost = network.ids.ghostUserId(nick);
    for (const room of others) {
      const id = `${base}.${room.roomId}`;
      // ts undefined: the homeserver's time (the channel's mark for chathistory stays with IRC's own messages).
      deps.sends.enqueue({ id, roomId: room.roomId, network: network.id, channel: origin.channel, nick, ghost, content, txnId: id, ts: undefined, msgid });
    }
  };
}
