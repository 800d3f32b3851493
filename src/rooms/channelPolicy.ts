import type { NetworkConfig } from "../config/schema";
import { isValidChannelName } from "../irc/channelName";
import { foldCase, type Casemapping } from "../irc/casemapping";

/**
 * Which channels of a network may be bridged, and how: static mappings from the config, and portal
 * rooms on demand. Channel names compare with the server's casemapping (learned from ISUPPORT;
 * rfc1459 until then).
 */
export type PortalDecision = { readonly allowed: true; readonly joinRule: "public" | "invite" } | { readonly allowed: false; readonly reason: string };

export class ChannelPolicy {
  private readonly portalsEnabled: boolean;
  private readonly joinRule: "public" | "invite";
  private readonly excluded: readonly string[];
  private readonly aliasForMapped: boolean;
  /** Portals only for channels the bot may join (it joins first). */
  readonly requireBotJoin: boolean;
  /** Portal creation limits (see portalLimits.ts). */
  readonly portalLimits: { readonly perMinute: number; readonly max: number };
  /** How long the channel's modes (and the bot's JOIN) are waited for before a portal is created. */
  readonly modeTimeoutMs: number;
  /** Portals are listed in the room directory while their channel is open (discovery/directoryListing.ts). */
  readonly directory: { readonly published: boolean; readonly useHomeserverDirectory: boolean };
  private readonly mappings: readonly { readonly channel: string; readonly roomIds: readonly string[]; readonly key: string | undefined }[];
  private casemapping: Casemapping = "rfc1459";
  /** Rooms that replaced a mapped room by a room upgrade -> the room id the config names. */
  private readonly upgradedFrom = new Map<string, string>();

  constructor(network: Pick<NetworkConfig, "portals"> & { readonly mappings: Readonly<Record<string, { readonly roomIds: readonly string[]; readonly key?: string | undefined }>> }) {
    this.portalsEnabled = network.portals.enabled;
    this.joinRule = network.portals.joinRule;
    this.excluded = network.portals.excludedChannels;
    this.aliasForMapped = network.portals.aliasForMappedChannels;
    this.requireBotJoin = network.portals.requireBotJoin;
    this.portalLimits = { perMinute: network.portals.maxPerMinute, max: network.portals.max };
    this.modeTimeoutMs = network.portals.modeTimeoutSeconds * 1000;
    this.directory = { published: network.portals.published, useHomeserverDirectory: network.portals.useHomeserverDirectory };
    this.mappings = Object.entries(network.mappings).map(([channel, m]) => ({ channel, roomIds: m.roomIds, key: m.key }));
  }

  /** The configured join rule of portal rooms. */
  get portalJoinRule(): "public" | "invite" {
    return this.joinRule;
  }

  /** The server's casemapping (rfc1459 until it announced one). */
  get mapping(): Casemapping {
    return this.casemapping;
  }

  /** Called when the server announces its CASEMAPPING. */
  setCasemapping(mapping: Casemapping): void {
    this.casemapping = mapping;
  }

  fold(channel: string): string {
    return foldCase(channel, this.casemapping);
  }

  isExcluded(channel: string): boolean {
    const folded = this.fold(channel);
    return this.excluded.some((c) => this.fold(c) === folded);
  }

  /** Room ids statically mapped to the channel in the config. */
  mappedRooms(channel: string): readonly string[] {
    const folded = this.fold(channel);
    return this.mappings.filter((m) => this.fold(m.channel) === folded).flatMap((m) => m.roomIds);
  }

  /**
   * The key configured for the channel's static mapping (never logged). Only for joins that come
   * from the mapping's rooms (see rooms/channelKeys.ts).
   */
  mappingKey(channel: string): string | undefined {
    const folded = this.fold(channel);
    return this.mappings.find((m) => m.key !== undefined && this.fold(m.channel) === folded)?.key;
  }

  /** The mapping key for a join that comes from a room: only a room of that channel's mapping has one (or its upgrade). */
  roomKey(roomId: string, channel: string): string | undefined {
    const folded = this.fold(channel);
    const configured = this.upgradedFrom.get(roomId) ?? roomId;
    return this.mappings.find((m) => m.key !== undefined && m.roomIds.includes(configured) && this.fold(m.channel) === folded)?.key;
  }

  /** Room `to` replaced room `from` by a room upgrade: it is what the config's mapping of `from` means now. */
  noteUpgrade(from: string, to: string): void {
    this.upgradedFrom.set(to, this.upgradedFrom.get(from) ?? from);
  }

  /** Every statically mapped (channel, room) pair. */
  allMappings(): readonly { readonly channel: string; readonly roomIds: readonly string[] }[] {
    return this.mappings;
  }

  /** May a portal room be created for this channel? If not, why (shown to the user). */
  portalFor(channel: string): PortalDecision {
    if (!isValidChannelName(channel)) return { allowed: false, reason: `"${channel}" is not a valid IRC channel name` };
    if (!this.portalsEnabled) return { allowed: false, reason: "portal rooms are disabled on this network" };
    if (this.isExcluded(channel)) return { allowed: false, reason: `${channel} is excluded from bridging by the operator` };
    // A mapped channel already has its curated room: a second, open one beside it only if configured.
    if (!this.aliasForMapped && this.mappedRooms(channel).length > 0) return { allowed: false, reason: `${channel} is bridged to a mapped room (portals.aliasForMappedChannels is off)` };
    return { allowed: true, joinRule: this.joinRule };
  }
}
