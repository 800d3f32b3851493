import { errorText } from "../errors";
import { foldCase } from "../irc/casemapping";
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { RoomRecord } from "../store/store";
import { bridgeInfoState } from "./bridgeInfo";
import { portalStart, type ModeReading } from "./portalAccess";
import { PortalLimits } from "./portalLimits";
import type { RoomIndex } from "./roomIndex";

/**
 * Portal rooms: when a Matrix user joins #<aliasTemplate>:<domain>, the homeserver asks us whether
 * the alias exists, and the bot creates the room on the spot: name = the channel, history visible
 * to members from their own join only, never published in the room directory (a secret channel
 * must not leak there), the bot at power 100. The IRC topic follows when a connection joins.
 *
 * Guarantees:
 * - The channel's modes are read BEFORE the room exists, and the room is created with the join
 *   rule they call for (portalAccess.ts): never more open than the channel as read; unknown modes
 *   start it invite-only, to open to the configured rule only when the bridge sees the channel open.
 * - One channel, one portal: names are folded with the server's casemapping (rfc1459, the superset
 *   of the others, until a connection has learned it); creations of one channel, in any casing,
 *   run one at a time (keyed by the rfc1459 fold, so no two casings can race past each other), and
 *   a later alias in another casing points at the existing room.
 * - Bounded: portals.maxPerMinute and portals.max per network (portalLimits.ts).
 * - Shown as bridged from its first events: the bridge-info state (MSC2346, bridgeInfo.ts) is part
 *   of the room's initial state.
 * - Refused (404, and why is logged): invalid, excluded or (unless configured) mapped channels,
 *   the limits, and with portals.requireBotJoin a channel the bot may not join.
 */
export interface PortalsDeps {
  /** bridge.id: part of the bridge-info state key. */
  readonly bridgeId: string;
  readonly networks: readonly NetworkContext[];
  readonly rooms: RoomIndex;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly log: Logger;
  readonly now: () => number;
  /** Reads the channel's modes through one of the network's connections (bridge/portalModes.ts). */
  readonly modes: (networkId: string, channel: string) => Promise<ModeReading>;
  /** A portal was created invite-only and opens to `rule` once the bridge sees the channel open. */
  readonly opensLater: (roomId: string, rule: "public") => void;
  /** A portal room was created and recorded (the bridge may already be in its channel). */
  readonly created: (room: RoomRecord) => void;
}

export class Portals {
  /** The last creation per channel (network + rfc1459 fold): the next one of the channel waits for it. */
  private readonly creating = new Map<string, Promise<boolean>>();
  /** Queries being answered, per alias (the homeserver may ask twice at once). */
  private readonly asked = new Map<string, Promise<boolean>>();
  private readonly limits = new Map<string, PortalLimits>();

  constructor(private readonly deps: PortalsDeps) {}

  onAliasQuery(alias: string): Promise<boolean> {
    const same = this.asked.get(alias);
    if (same !== undefined) return same;
    const network = this.deps.networks.find((n) => n.ids.channelOfAlias(alias) !== undefined);
    const channel = network?.ids.channelOfAlias(alias);
    if (network === undefined || channel === undefined) return Promise.resolve(false);
    const key = `${network.id}\0${foldCase(channel, "rfc1459")}`;
    const before = this.creating.get(key) ?? Promise.resolve(false);
    const run = before.catch(() => false).then(() => this.create(network, channel, alias));
    const settled = run.finally(() => {
      if (this.creating.get(key) === settled) this.creating.delete(key);
      this.asked.delete(alias);
    });
    this.creating.set(key, settled);
    this.asked.set(alias, settled);
    return settled;
  }

  private async create(network: NetworkContext, channel: string, alias: string): Promise<boolean> {
    const { api, botUserId, log, rooms } = this.deps;
    const refuse = (reason: string) => {
      log.info("refused a portal room", { alias, reason });
      return false;
    };
    const decision = network.channels.portalFor(channel);
    if (!decision.allowed) return refuse(decision.reason);
    const existing = this.existing(network, channel);
    if (existing !== undefined) return this.point(alias, existing);
    const count = rooms.all().filter((r) => r.network === network.id && r.origin === "portal").length;
    const place = limitsFor(this.limits, network, this.deps.now).take(count);
    if (!place.ok) return refuse(place.reason);
    const reading = await this.deps.modes(network.id, channel);
    if (reading.kind === "refused") return refuse(reading.why);
    // The modes were read through a registered connection, so the fold is the server's by now.
    const again = this.existing(network, channel);
    if (again !== undefined) return this.point(alias, again);
    const start = portalStart(reading, decision.joinRule);
    try {
      const roomId = await api.createRoom(botUserId, {
        room_alias_name: alias.slice(1, alias.lastIndexOf(":")),
        name: channel,
        preset: start.joinRule === "public" ? "public_chat" : "private_chat",
        visibility: "private",
        initial_state: [
          { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } },
          { type: "m.room.join_rules", state_key: "", content: { join_rule: start.joinRule } },
          ...bridgeInfoState({ bridgeId: this.deps.bridgeId, botUserId, network: { id: network.id, name: network.name }, channel }),
        ],
        power_level_content_override: { users: { [botUserId]: 100 } },
      });
      if (start.opensTo !== undefined) this.deps.opensLater(roomId, start.opensTo);
      const record: RoomRecord = { roomId, network: network.id, channel, folded: network.channels.fold(channel), origin: "portal" };
      await rooms.add(record);
      this.deps.created(record);
      log.info("created a portal room", { alias, room: roomId, channel, joinRule: start.joinRule, ...(start.closedBecause === undefined ? {} : { closedBecause: start.closedBecause }) });
      return true;
    } catch (err) {
      log.error("could not create a portal room", { alias, error: errorText(err) });
      throw err;
    }
  }

  /** The room exists but lost its alias, or the alias is another casing of the channel: point it there. */
  private async point(alias: string, room: RoomRecord): Promise<boolean> {
    await this.deps.api.request("PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, this.deps.botUserId, { room_id: room.roomId });
    this.deps.log.info("pointed a portal alias at the channel's room", { alias, room: room.roomId });
    return true;
  }

  private existing(network: NetworkContext, channel: string): RoomRecord | undefined {
    return this.deps.rooms.roomsFor(network.id, network.channels.fold(channel)).find((r) => r.origin === "portal");
  }
}

function limitsFor(all: Map<string, PortalLimits>, network: NetworkContext, now: () => number): PortalLimits {
  let limits = all.get(network.id);
  if (limits === undefined) {
    limits = new PortalLimits(network.channels.portalLimits, now);
    all.set(network.id, limits);
  }
  return limits;
}
