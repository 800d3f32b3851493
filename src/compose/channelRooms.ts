import { NO_NICKS, type NickDirectory } from "../format/nickDirectory";
import type { MatrixContext } from "../fromMatrix/context";
import { ENCRYPTED_NOTICE_EVERY_MS } from "../fromMatrix/encrypted";
import type { NetworkContext } from "../irc/networkContext";
import { channelEcho } from "../rooms/channelEcho";
import { NoticeCooldown } from "../rooms/noticeCooldown";
import type { PendingSends } from "../rooms/pendingSends";
import type { RoomIndex } from "../rooms/roomIndex";

/** Rooms tracked for the encrypted-message notices (one timestamp each; least recently used forgotten). */
const ENCRYPTED_NOTICE_ROOMS = 10000;

/**
 * What the Matrix handlers need for a channel's rooms beyond one room: the encrypted-message
 * notices' cooldown, and the copy of a Matrix message confirmed on IRC into the channel's other
 * bridged rooms (through the IRC -> Matrix pending sends).
 */
export function channelRooms(deps: {
  readonly rooms: RoomIndex;
  readonly networks: readonly NetworkContext[];
  readonly sends: PendingSends;
  readonly nicks: (networkId: string) => NickDirectory | undefined;
}): Pick<MatrixContext, "encryptedNotices" | "echoToOtherRooms"> {
  return {
    encryptedNotices: new NoticeCooldown(ENCRYPTED_NOTICE_EVERY_MS, ENCRYPTED_NOTICE_ROOMS),
    echoToOtherRooms: channelEcho({ rooms: deps.rooms, networks: deps.networks, sends: deps.sends, nicks: (id) => deps.nicks(id) ?? NO_NICKS }),
  };
}
