/**
 * The contract every way of bridging a room at runtime goes through: the provisioning API
 * (provisioning/api), `!irc link` / `!irc unlink` in a room, an admin's `!plumb` / `!unlink`, and a
 * channel operator's command to the IRC bot. They differ only in who asks; the rules are here, once.
 *
 * Guarantees an implementation must keep (and test):
 * - A link passes the same gate as a join (src/access/): the requester may use the bridge, the
 *   channel may be bridged (not excluded, valid), the room is no admin, PM or already-bridged room.
 * - `link` resolves only once the room is bridged, and rejects with a ProvisionError otherwise;
 *   a refusal changes nothing (no half-created link: no record, no state, no bot left behind).
 * - `unlink` ends it at once: from the call on nothing flows either way (RoomIndex.remove first),
 *   then the clean-up (PARTs, ghosts, bridge-info state, the room told); the record is gone for good.
 */

/** A refusal, as the API answers it (`{errcode, error}` with `status`) and as commands show it (`message`). */
export class ProvisionError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
    this.name = "ProvisionError";
  }
}

/** A room and the channel it is (to be) bridged with. */
export interface LinkTarget {
  readonly networkId: string;
  /** The channel as written by the requester. */
  readonly channel: string;
  readonly roomId: string;
}

/** A room moderator asks for a link; the channel operator `opNick` must consent on IRC. */
export interface LinkRequest extends LinkTarget {
  readonly opNick: string;
  /** The Matrix user asking: must be able to change the room's power levels. */
  readonly userId: string;
  /** The channel's key, when it is +k (kept sealed, for the bridge's connections in this room). */
  readonly key?: string;
}

/** Who ends a link. */
export type Unlinker =
  /** A Matrix user: a moderator of the room, or a bridge admin. */
  | { readonly kind: "matrix"; readonly userId: string }
  /** An IRC channel operator of the channel, by their command to the IRC bot. */
  | { readonly kind: "irc"; readonly nick: string };

export interface UnlinkRequest extends LinkTarget {
  readonly by: Unlinker;
}

/** A bridged room, as listed (GET /listlinks, !irc status). */
export interface LinkInfo extends LinkTarget {
  readonly origin: "portal" | "mapped" | "linked";
}

/** What a channel looks like to someone about to ask for a link (POST /querylink). */
export interface ChannelQuery {
  /** Nicks with operator status (or higher) in the channel right now. */
  readonly operators: readonly string[];
}

export interface Links {
  /** Checks, asks `opNick` by IRC PM, and links on "yes"/"y" in time; rejects with why not. */
  link(request: LinkRequest): Promise<LinkInfo>;
  /** A bridge admin links without asking a channel operator (`!plumb`). */
  plumb(target: LinkTarget, adminUserId: string): Promise<LinkInfo>;
  /** Ends a link (or a portal); mapped rooms are the config's, and refused. */
  unlink(request: UnlinkRequest): Promise<void>;
  /** The room's bridges (at most one channel per room). */
  linksOf(roomId: string): readonly LinkInfo[];
  /** The channel's operators right now, read through the network's IRC bot. */
  queryChannel(networkId: string, channel: string): Promise<ChannelQuery>;
}
