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
 * the alias exists, and the bot creates the room on the spot (the bridge may also ask for a
 * channel's portal itself, forChannel: an IRC INVITE of a puppet into a channel without a room): name = the channel, history visible
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
 * - Both ways in (alias query, forChannel) pass the same checks, limits and queue.
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

/** What asking for a channel's portal came to: its room (just created, or there already), or why none. */
export type PortalOutcome = { readonly ok: true; readonly room: RoomRecord; readonly created: boolean } | { readonly ok: false; readonly reason: string };

export class Portals {
  /** The last creation per channel (network + rfc1459 fold): the next one of the channel waits for it. */
  private readonly creating = new Map<string, Promise<PortalOutcome>>();
  /** Queries being answered, per alias (the homeserver may ask twice at once). */
  private readonly asked = new Map<string, Promise<boolean>>();
  private readonly limits = new Map<string, PortalLimits>();

  constructor(private readonly deps: PortalsDeps) {}

  /** The homeserver asks about a portal alias: true when the room exists now (created, or pointed at). */
  onAliasQuery(alias: string): Promise<boolean> {
    const same = this.asked.get(alias);
    if (same !== undefined) return same;
    const network = this.deps.networks.find((n) => n.ids.channelOfAlias(alias) !== undefined);
    const channel = network?.ids.channelOfAlias(alias);
    if (network === undefined || channel === undefined) return Promise.resolve(false);
    const answer = this.serialized(network, channel, () => this.create(network, channel, alias)).then((outcome) => outcome.ok);
    const settled = answer.finally(() => this.asked.delete(alias));
    this.asked.set(alias, settled);
    return settled;
  }

  /**
   * The channel's portal room, created (at the network's portal alias) when it has none, for the
   * bridge's own needs (an IRC INVITE of a puppet): the same checks, limits, mode reading and
   * one-at-a-time creation as an alias query. Never rejects: a failure is a refusal with its reason.
   */
  forChannel(networkId: string, channel: string): Promise<PortalOutcome> {
    const network = this.deps.networks.find((n) => n.id === networkId);
    if (network === undefined) return Promise.resolve({ ok: false, reason: `there is no network ${networkId}` });
    return this.serialized(network, channel, () => this.create(network, channel, undefined)).catch((err: unknown) => ({ ok: false, reason: `the room could not be created (${errorText(err)})` }));
  }

  /** Runs `work` after the channel's previous creation settled (any casing: keyed by the rfc1459 fold). */
  private serialized(network: NetworkContext, channel: string, work: () => Promise<PortalOutcome>): Promise<PortalOutcome> {
    const key = `${network.id}\0${foldCase(channel, "rfc1459")}`;
    const before = this.creating.get(key) ?? Promise.resolve<PortalOutcome>({ ok: false, reason: "" });
    const run = before.catch(() => undefined).then(work);
    const settled = run.finally(() => {
      if (this.creating.get(key) === settled) this.creating.delete(key);
    });
    this.creating.set(key, settled);
    return settled;
  }

  /** `alias`: the alias the homeserver asked about; undefined when the bridge asked (the network's portal alias is used). */
  private async create(network: NetworkContext, channel: string, alias: string | undefined): Promise<PortalOutcome> {
    const { api, botUserId, log, rooms } = this.deps;
    const refuse = (reason: string): PortalOutcome => {
      log.info("refused a portal room", { ...(alias === undefined ? { channel } : { alias }), reason });
      return { ok: false, reason };
    };
    const decision = network.channels.portalFor(channel);
    if (!decision.allowed) return refuse(decision.reason);
    const existing = this.existing(network, channel);
    if (existing !== undefined) return alias === undefined ? { ok: true, room: existing, created: false } : this.point(alias, existing);
    const count = rooms.all().filter((r) => r.network === network.id && r.origin === "portal").length;
    const place = limitsFor(this.limits, network, this.deps.now).take(count);
    if (!place.ok) return refuse(place.reason);
    const reading = await this.deps.modes(network.id, channel);
    if (reading.kind === "refused") return refuse(reading.why);
    // The modes were read through a registered connection, so the fold is the server's by now.
    const again = this.existing(network, channel);
    if (again !== undefined) return alias === undefined ? { ok: true, room: again, created: false } : this.point(alias, again);
    const start = portalStart(reading, decision.joinRule);
    const roomAlias = alias ?? network.ids.portalAlias(channel);
    try {
      const roomId = await api.createRoom(botUserId, {
        room_alias_name: roomAlias.slice(1, roomAlias.lastIndexOf(":")),
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
      log.info("created a portal room", { alias: roomAlias, room: roomId, channel, joinRule: start.joinRule, ...(start.closedBecause === undefined ? {} : { closedBecause: start.closedBecause }) });
      return { ok: true, room: record, created: true };
    } catch (err) {
      log.error("could not create a portal room", { alias: roomAlias, error: errorText(err) });
      throw err;
    }
  }

  /** The room exists but lost its alias, or the alias is another casing of the channel: point it there. */
  private async point(alias: string, room: RoomRecord): Promise<PortalOutcome> {
    await this.deps.api.request("PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, this.deps.botUserId, { room_id: room.roomId });
    this.deps.log.info("pointed a portal alias at the channel's room", { alias, room: room.roomId });
    return { ok: true, room, created: false };
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
