/**
 * Channel operators as the bridge knows them, for the Matrix -> IRC side (which decides, say,
 * whether a Matrix moderator's puppet can give +o). Read-only; the state is each network's
 * ChannelRoster (channelRoster.ts), kept from NAMES, JOIN, PART, QUIT, KICK, NICK and MODE as
 * they are delivered.
 *
 * Guarantees: answers what the bridge's connections last heard, with the server's casemapping
 * and PREFIX. Not guaranteed: a channel the bridge has no connection in, or a nick that is not in
 * it, gives "" and false (unknown reads as "no prefix"); an unknown network too.
 */
import { rankOf } from "../irc/modes";
import type { ChannelRoster } from "./channelRoster";

export interface ChannelOps {
  /** The nick's prefix modes in the channel, highest first: "qo", "o", "ov", "v", "". */
  prefixesOf(networkId: string, channel: string, nick: string): string;
  /**
   * o or higher (a, q, or any prefix the server's PREFIX ranks above o). A halfop (h) is NOT an op
   * here: on most servers it may kick and voice ordinary members but not op or kick ops; callers
   * that care about halfops ask prefixesOf for "h".
   */
  isOp(networkId: string, channel: string, nick: string): boolean;
}

/** ChannelOps over the networks' rosters (built in app.ts). */
export class RosterChannelOps implements ChannelOps {
  constructor(private readonly rosters: ReadonlyMap<string, ChannelRoster>) {}

  prefixesOf(networkId: string, channel: string, nick: string): string {
    return this.rosters.get(networkId)?.prefixesOf(channel, nick) ?? "";
  }

  isOp(networkId: string, channel: string, nick: string): boolean {
    const roster = this.rosters.get(networkId);
    if (roster === undefined) return false;
    const op = rankOf("o", roster.prefix);
    if (op === -1) return false;
    const highest = roster.prefixesOf(channel, nick).charAt(0);
    return highest !== "" && rankOf(highest, roster.prefix) <= op;
  }
}
