/**
 * The incumbent's (matrix-appservice-irc) records, as this bridge's: a plan of writes per entry and,
 * for whatever has no home here, the reason, so the operator sees what was left behind, with counts.
 *
 * Guarantees (pure: the same entries and networks give the same plan):
 * - A server maps to the network whose `address` (or one of its additionalAddresses, or a
 *   --map-server choice) is that server; entries of other servers are skipped and named.
 * - Origins: "config" -> mapped, "provision" -> linked, "alias" and "join" (rooms the bridge made) ->
 *   portal, one portal per channel (a second becomes linked, as this bridge has one portal a channel).
 * - A Matrix room is bridged to one channel here: a room the incumbent bridged to a second channel
 *   keeps its first and the rest are skipped.
 * - A user's chosen nick (checked as !nick checks one) becomes their desiredNick; their username is
 *   cleaned to this bridge's rules and made unique on the network (a number), each change counted.
 * - Never imported: passwords (sealed with the incumbent's key, which this bridge cannot open), the
 *   incumbent's per-user IPv6 addresses, and what `Unsupported` names.
 */
import { foldCase } from "../../irc/casemapping";
import { isValidChannelName } from "../../irc/channelName";
import { renderNick } from "../../irc/nickTemplate";
import { nickProblem } from "../../irc/syntax";
import { cleanUsername, renderUsername, usernameWithSuffix } from "../../puppets/userTemplates";
import type { PmRoomRecord, PuppetRecord, RoomRecord } from "../../store/store";
import type { IncumbentEntry, Unsupported } from "./incumbentEntries";

/** What the mapping needs to know of one of our networks. */
export interface TargetNetwork {
  readonly id: string;
  /** Server names that are this network: its address, additionalAddresses' hosts, --map-server names. */
  readonly servers: readonly string[];
  readonly nickTemplate: string;
  readonly userTemplate: string;
  /** This bridge's ghost user id for an IRC nick on the network. */
  readonly ghostUserId: (nick: string) => string;
}

export type Write =
  | { readonly kind: "room"; readonly record: RoomRecord }
  | { readonly kind: "puppet"; readonly record: PuppetRecord }
  | { readonly kind: "adminRoom"; readonly userId: string; readonly roomId: string }
  | { readonly kind: "pmRoom"; readonly record: PmRoomRecord };

/** A reason something is not imported as it was (the key groups counts in the report). */
export interface Skip {
  readonly reason: string;
  readonly count: number;
  /** A server name, for the list of servers not in the config. */
  readonly server?: string;
}

export interface Step {
  readonly writes: readonly Write[];
  readonly skips: readonly Skip[];
}

export const UNSUPPORTED_REASONS: Readonly<Record<Unsupported, string>> = {
  features: "user feature settings (this bridge has none)",
  lastSeen: "last-seen times of users (this bridge keeps activity in memory)",
  deactivated: "deactivated-user marks (this bridge has no such mark)",
  ircUsers: "records of IRC users (this bridge makes its ghosts on demand)",
  ipv6Counters: "IPv6 address counters (this bridge derives each user's address from ipv6.prefix)",
  visibility: "room directory visibility (this bridge lists portal rooms by portals.published)",
  bareRooms: "room records without a channel",
  activity: "user activity records",
  sessions: "provisioning sessions",
  corrupt: "unreadable lines in the NeDB files",
  adminWithoutUser: "admin rooms without their Matrix user",
};

export const REASONS = {
  password: "stored IRC passwords: sealed with matrix-appservice-irc's key, which this bridge cannot open (users store them again with !storepass)",
  ipv6: "per-user IPv6 addresses: this bridge derives each user's address from ipv6.prefix",
  unknownServer: "entries of IRC servers not in the config (add the network, or --map-server <server>=<network>)",
  secondChannel: "rooms the incumbent bridged to a second channel (a room is bridged to one channel here; the first is kept)",
  badChannel: "mappings with an invalid channel name",
  noOrigin: "mappings without an origin (taken as links)",
  secondPortal: "second bridge-made rooms of one channel (imported as linked rooms: one portal per channel here)",
  badNick: "chosen nicks this bridge would refuse (not imported; the nick follows nickTemplate)",
  usernameCleaned: "usernames changed to fit this bridge (a-z 0-9 . _ -, at most 10 characters)",
  usernameTaken: "usernames another imported user had on the network (given a number)",
  adminSkipped: "admin rooms (not imported: --no-admin-rooms)",
  pmOtherGhost: "private-message rooms whose IRC side is not this bridge's ghost for the nick (check ghostTemplate)",
  pmIncomplete: "private-message rooms without their Matrix user",
  foldedName:
    "channel names the incumbent stored folded ([ ] \\ ^ written as { } | ~): the same channels on servers with CASEMAPPING rfc1459 (the usual one); on an ascii or strict-rfc1459 server check them",
} as const;

export interface PlanOptions {
  readonly adminRooms: boolean;
  /** createdAt of imported private-message rooms. */
  readonly now: number;
}

export class ImportPlanner {
  /** Rooms already planned, by room id: the channel they got. */
  private readonly rooms = new Map<string, string>();
  private readonly portals = new Set<string>();
  /** Usernames planned per network, and the users that have them. */
  private readonly usernames = new Map<string, string>();

  constructor(
    private readonly networks: readonly TargetNetwork[],
    private readonly options: PlanOptions,
  ) {}

  networkOf(server: string): TargetNetwork | undefined {
    const wanted = server.toLowerCase();
    return this.networks.find((n) => n.servers.some((s) => s.toLowerCase() === wanted || s.replace(/\./g, "_").toLowerCase() === wanted));
  }

  plan(entry: IncumbentEntry): Step {
    switch (entry.kind) {
      case "unsupported":
        return { writes: [], skips: [{ reason: UNSUPPORTED_REASONS[entry.what], count: entry.count }] };
      case "admin":
        if (!this.options.adminRooms) return { writes: [], skips: [{ reason: REASONS.adminSkipped, count: 1 }] };
        return { writes: [{ kind: "adminRoom", userId: entry.userId, roomId: entry.roomId }], skips: [] };
      case "channel":
        return this.channel(entry);
      case "pm":
        return this.pm(entry);
      case "client":
        return this.client(entry);
    }
  }

  private unknown(server: string): Step {
    return { writes: [], skips: [{ reason: REASONS.unknownServer, count: 1, server }] };
  }

  private channel(entry: Extract<IncumbentEntry, { kind: "channel" }>): Step {
    const network = this.networkOf(entry.server);
    if (network === undefined) return this.unknown(entry.server);
    if (!isValidChannelName(entry.channel)) return { writes: [], skips: [{ reason: REASONS.badChannel, count: 1 }] };
    // Folded as the bridge folds before a server announces its CASEMAPPING (rfc1459, where the
    // incumbent's `~` for `^` is the same channel); names it stored folded are counted (see REASONS).
    const folded = foldCase(entry.channel, "rfc1459");
    const key = `${network.id}\0${folded}`;
    const had = this.rooms.get(entry.roomId);
    if (had !== undefined) return { writes: [], skips: had === key ? [] : [{ reason: REASONS.secondChannel, count: 1 }] };
    this.rooms.set(entry.roomId, key);
    const skips: Skip[] = [];
    let origin: RoomRecord["origin"];
    if (entry.origin === "config") origin = "mapped";
    else if (entry.origin === "alias" || entry.origin === "join") {
      origin = this.portals.has(key) ? "linked" : "portal";
      if (origin === "linked") skips.push({ reason: REASONS.secondPortal, count: 1 });
      this.portals.add(key);
    } else {
      origin = "linked";
      if (entry.origin !== "provision") skips.push({ reason: REASONS.noOrigin, count: 1 });
    }
    if (/[{}|~]/.test(entry.channel)) skips.push({ reason: REASONS.foldedName, count: 1 });
    const record: RoomRecord = { roomId: entry.roomId, network: network.id, channel: entry.channel, folded, origin };
    return { writes: [{ kind: "room", record }], skips };
  }

  private pm(entry: Extract<IncumbentEntry, { kind: "pm" }>): Step {
    const network = this.networkOf(entry.server);
    if (network === undefined) return this.unknown(entry.server);
    if (entry.userId === "" || entry.nick === "") return { writes: [], skips: [{ reason: REASONS.pmIncomplete, count: 1 }] };
    // The incumbent keeps the nick's case in its ghost ids (@irc_Bob:hs) and stores the nick folded.
    if (network.ghostUserId(entry.nick).toLowerCase() !== entry.ghostId.toLowerCase()) return { writes: [], skips: [{ reason: REASONS.pmOtherGhost, count: 1 }] };
    const folded = foldCase(entry.nick, "rfc1459");
    return { writes: [{ kind: "pmRoom", record: { roomId: entry.roomId, network: network.id, userId: entry.userId, nick: entry.nick, folded, createdAt: this.options.now } }], skips: [] };
  }

  private client(entry: Extract<IncumbentEntry, { kind: "client" }>): Step {
    const network = this.networkOf(entry.server);
    if (network === undefined) return this.unknown(entry.server);
    const skips: Skip[] = [];
    if (entry.hasPassword) skips.push({ reason: REASONS.password, count: 1 });
    if (entry.hasIpv6) skips.push({ reason: REASONS.ipv6, count: 1 });
    let desiredNick = entry.nick;
    if (desiredNick !== undefined && nickProblem(desiredNick) !== undefined) {
      skips.push({ reason: REASONS.badNick, count: 1 });
      desiredNick = undefined;
    }
    if (desiredNick === undefined && entry.username === undefined) return { writes: [], skips };
    let username: string;
    if (entry.username === undefined) username = renderUsername(network.userTemplate, entry.userId);
    else {
      username = cleanUsername(entry.username) || renderUsername(network.userTemplate, entry.userId);
      if (username !== entry.username) skips.push({ reason: REASONS.usernameCleaned, count: 1 });
    }
    const base = username;
    for (let i = 1; this.takenBy(network.id, username, entry.userId); i++) username = usernameWithSuffix(base, i);
    if (username !== base) skips.push({ reason: REASONS.usernameTaken, count: 1 });
    this.usernames.set(`${network.id}\0${username}`, entry.userId);
    const localpart = entry.userId.slice(1, Math.max(1, entry.userId.indexOf(":")));
    const nick = desiredNick ?? renderNick(network.nickTemplate, { localpart, displayname: undefined }, 30);
    const record: PuppetRecord = { userId: entry.userId, network: network.id, nick, username, channels: [], nickNote: undefined, ...(desiredNick === undefined ? {} : { desiredNick }) };
    return { writes: [{ kind: "puppet", record }], skips };
  }

  private takenBy(network: string, username: string, userId: string): boolean {
    const owner = this.usernames.get(`${network}\0${username}`);
    return owner !== undefined && owner !== userId;
  }
}

/** The plan of every entry, in order. */
export function planImport(entries: readonly IncumbentEntry[], networks: readonly TargetNetwork[], options: PlanOptions): Step[] {
  const planner = new ImportPlanner(networks, options);
  return entries.map((e) => planner.plan(e));
}
