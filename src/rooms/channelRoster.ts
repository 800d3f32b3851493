/**
 * Who is in each channel the bridge is in on one network, with their prefix modes (op, voice...),
 * and the channel's own modes (flags such as +i +m +s, and whether a key or limit is set: never
 * the key itself).
 *
 * Fed in delivery order (the broker delivers each channel event once, in order) from JOIN, PART,
 * QUIT, KICK, NICK and MODE, and from two snapshots: NAMES (every member, with every prefix when
 * the server has multi-prefix, which irc-framework asks for) and RPL_CHANNELMODEIS (the channel's
 * modes). Nicks and channels compare after folding with the server's casemapping.
 *
 * Guarantees: a member's prefixes are those of the last NAMES passed in plus the MODE changes
 * delivered since, limited to the server's PREFIX and listed highest first; a nick that left has
 * none. (networkFeed.ts passes the first NAMES after the bridge entered the channel, then only the
 * channel reader's: see namesKnown.) A
 * channel the bridge has no connection in any more is forgotten (`forget`), since what was known
 * would go stale. Not guaranteed: a NAMES reply, heard by the connection that just joined, can
 * race with a MODE the reader delivered just before it (the later one wins until the next change);
 * a server without multi-prefix shows only each member's highest prefix.
 *
 * Every nick in any channel is also indexed once (with how many channels hold it), so asking
 * whether a nick is anywhere (`inAnyChannel`, `spelling`: every word of every message when
 * mentions are looked for) costs one lookup, not one per channel; every change to a channel's
 * members goes through `put`/`drop`, which keep the index equal to the union of the channels.
 */
import { orderPrefixes, rankOf, DEFAULT_PREFIX, type ModeChange, type PrefixMode } from "../irc/modes";

interface Member {
  nick: string;
  modes: string;
}

interface ChannelState {
  readonly members: Map<string, Member>;
  /** Channel modes that are set (flags, and "k" / "l" when a key or limit is set). */
  readonly flags: Set<string>;
  /** The whole mode list was heard (RPL_CHANNELMODEIS) since the bridge entered the channel. */
  modesKnown: boolean;
  /** A NAMES snapshot was taken since the bridge entered the channel. */
  namesKnown: boolean;
}

export class ChannelRoster {
  private prefixModes: readonly PrefixMode[] = DEFAULT_PREFIX;
  private readonly channels = new Map<string, ChannelState>();
  /** Folded nick -> its latest spelling and how many channels hold it (see put/drop). */
  private readonly everywhere = new Map<string, { nick: string; channels: number }>();

  constructor(private readonly fold: (name: string) => string) {}

  /** The server's PREFIX, highest rank first (from ISUPPORT). */
  get prefix(): readonly PrefixMode[] {
    return this.prefixModes;
  }

  setPrefix(prefix: readonly PrefixMode[]): void {
    this.prefixModes = prefix;
  }

  /** A NAMES reply: the channel's members, replacing what was known. */
  names(channel: string, users: readonly { readonly nick: string; readonly modes: readonly string[] }[]): void {
    const state = this.state(channel);
    state.namesKnown = true;
    for (const folded of [...state.members.keys()]) this.drop(state, folded);
    for (const u of users) this.put(state, this.fold(u.nick), { nick: u.nick, modes: orderPrefixes(u.modes, this.prefixModes) });
  }

  joined(channel: string, nick: string): void {
    const state = this.state(channel);
    if (!state.members.has(this.fold(nick))) this.put(state, this.fold(nick), { nick, modes: "" });
  }

  /** PART, KICK, or a QUIT seen in this channel. */
  left(channel: string, nick: string): void {
    const state = this.channels.get(this.fold(channel));
    if (state !== undefined) this.drop(state, this.fold(nick));
  }

  renamed(channel: string, nick: string, newNick: string): void {
    const state = this.channels.get(this.fold(channel));
    if (state === undefined) return;
    const member = state.members.get(this.fold(nick));
    this.drop(state, this.fold(nick));
    this.put(state, this.fold(newNick), { nick: newNick, modes: member?.modes ?? "" });
  }

  /** A MODE: prefix changes move members' prefixes; flags, keys and limits are noted as set or not. */
  mode(channel: string, changes: readonly ModeChange[]): void {
    const state = this.state(channel);
    for (const change of changes) {
      if (change.kind === "prefix") {
        if (change.param === undefined || rankOf(change.mode, this.prefixModes) === -1) continue;
        const folded = this.fold(change.param);
        const member = state.members.get(folded) ?? { nick: change.param, modes: "" };
        const modes = change.add ? [...member.modes.split(""), change.mode] : member.modes.split("").filter((m) => m !== change.mode);
        this.put(state, folded, { nick: member.nick, modes: orderPrefixes(modes, this.prefixModes) });
      } else if (change.kind !== "list") {
        if (change.add) state.flags.add(change.mode);
        else state.flags.delete(change.mode);
      }
    }
  }

  /** RPL_CHANNELMODEIS: the channel's modes, replacing what was known of them. */
  channelModes(channel: string, changes: readonly ModeChange[]): void {
    const state = this.state(channel);
    state.flags.clear();
    state.modesKnown = true;
    for (const change of changes) if (change.add && change.kind !== "list" && change.kind !== "prefix") state.flags.add(change.mode);
  }

  /** The bridge has no connection in the channel any more. */
  forget(channel: string): void {
    const folded = this.fold(channel);
    const state = this.channels.get(folded);
    if (state === undefined) return;
    for (const nick of [...state.members.keys()]) this.drop(state, nick);
    this.channels.delete(folded);
  }

  /** Folded nicks of the channel's members. */
  members(channel: string): ReadonlySet<string> {
    return new Set(this.channels.get(this.fold(channel))?.members.keys());
  }

  /** Members as last written (not folded) with their prefix modes, highest first. */
  entries(channel: string): { readonly nick: string; readonly modes: string }[] {
    return [...(this.channels.get(this.fold(channel))?.members.values() ?? [])].map((m) => ({ nick: m.nick, modes: m.modes }));
  }

  /** Whether the nick is in any channel the roster follows. */
  inAnyChannel(nick: string): boolean {
    return this.everywhere.has(this.fold(nick));
  }

  /** The nick as written in a channel the roster follows, if it is in one. */
  spelling(nick: string): string | undefined {
    return this.everywhere.get(this.fold(nick))?.nick;
  }

  has(channel: string, nick: string): boolean {
    return this.channels.get(this.fold(channel))?.members.has(this.fold(nick)) ?? false;
  }

  /** The nick's prefix modes in the channel, highest first ("ov"), or "". */
  prefixesOf(channel: string, nick: string): string {
    return this.channels.get(this.fold(channel))?.members.get(this.fold(nick))?.modes ?? "";
  }

  /** Has a NAMES snapshot of the channel been taken since the bridge entered it? */
  namesKnown(channel: string): boolean {
    return this.channels.get(this.fold(channel))?.namesKnown ?? false;
  }

  /** Has the channel's whole mode list been heard since the bridge entered it (else hasFlag may miss some)? */
  modesKnown(channel: string): boolean {
    return this.channels.get(this.fold(channel))?.modesKnown ?? false;
  }

  /** Is this channel mode set ("i", "k", "m", "s"...)? */
  hasFlag(channel: string, mode: string): boolean {
    return this.channels.get(this.fold(channel))?.flags.has(mode) ?? false;
  }

  /** Sets a member of a channel, counting a nick new to the channel in the index. */
  private put(state: ChannelState, folded: string, member: Member): void {
    const known = this.everywhere.get(folded);
    if (!state.members.has(folded)) {
      if (known === undefined) this.everywhere.set(folded, { nick: member.nick, channels: 1 });
      else known.channels++;
    }
    if (known !== undefined) known.nick = member.nick;
    state.members.set(folded, member);
  }

  /** Removes a member of a channel, and the nick from the index once no channel holds it. */
  private drop(state: ChannelState, folded: string): void {
    const member = state.members.get(folded);
    if (member === undefined) return;
    state.members.delete(folded);
    const known = this.everywhere.get(folded);
    if (known === undefined) return;
    if (--known.channels <= 0) {
      this.everywhere.delete(folded);
      return;
    }
    // The spelling shown was this channel's: take one a remaining channel has (rare: a scan only here).
    if (known.nick !== member.nick) return;
    for (const other of this.channels.values()) {
      const left = other.members.get(folded);
      if (left !== undefined) {
        known.nick = left.nick;
        return;
      }
    }
  }

  private state(channel: string): ChannelState {
    const folded = this.fold(channel);
    let state = this.channels.get(folded);
    if (state === undefined) {
      state = { members: new Map(), flags: new Set(), modesKnown: false, namesKnown: false };
      this.channels.set(folded, state);
    }
    return state;
  }
}
