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
 * Guarantees: a member's prefixes are those of the last NAMES plus the MODE changes delivered
 * since, limited to the server's PREFIX and listed highest first; a nick that left has none. A
 * channel the bridge has no connection in any more is forgotten (`forget`), since what was known
 * would go stale. Not guaranteed: a NAMES reply, heard by the connection that just joined, can
 * race with a MODE the reader delivered just before it (the later one wins until the next change);
 * a server without multi-prefix shows only each member's highest prefix.
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
}

export class ChannelRoster {
  private prefixModes: readonly PrefixMode[] = DEFAULT_PREFIX;
  private readonly channels = new Map<string, ChannelState>();

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
    state.members.clear();
    for (const u of users) state.members.set(this.fold(u.nick), { nick: u.nick, modes: orderPrefixes(u.modes, this.prefixModes) });
  }

  joined(channel: string, nick: string): void {
    const state = this.state(channel);
    if (!state.members.has(this.fold(nick))) state.members.set(this.fold(nick), { nick, modes: "" });
  }

  /** PART, KICK, or a QUIT seen in this channel. */
  left(channel: string, nick: string): void {
    this.channels.get(this.fold(channel))?.members.delete(this.fold(nick));
  }

  renamed(channel: string, nick: string, newNick: string): void {
    const state = this.channels.get(this.fold(channel));
    if (state === undefined) return;
    const member = state.members.get(this.fold(nick));
    state.members.delete(this.fold(nick));
    state.members.set(this.fold(newNick), { nick: newNick, modes: member?.modes ?? "" });
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
        state.members.set(folded, { nick: member.nick, modes: orderPrefixes(modes, this.prefixModes) });
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
    this.channels.delete(this.fold(channel));
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
    for (const channel of this.channels.keys()) if (this.has(channel, nick)) return true;
    return false;
  }

  /** The nick as written in a channel the roster follows, if it is in one. */
  spelling(nick: string): string | undefined {
    const folded = this.fold(nick);
    for (const state of this.channels.values()) {
      const member = state.members.get(folded);
      if (member !== undefined) return member.nick;
    }
    return undefined;
  }

  has(channel: string, nick: string): boolean {
    return this.channels.get(this.fold(channel))?.members.has(this.fold(nick)) ?? false;
  }

  /** The nick's prefix modes in the channel, highest first ("ov"), or "". */
  prefixesOf(channel: string, nick: string): string {
    return this.channels.get(this.fold(channel))?.members.get(this.fold(nick))?.modes ?? "";
  }

  /** Has the channel's whole mode list been heard since the bridge entered it (else hasFlag may miss some)? */
  modesKnown(channel: string): boolean {
    return this.channels.get(this.fold(channel))?.modesKnown ?? false;
  }

  /** Is this channel mode set ("i", "k", "m", "s"...)? */
  hasFlag(channel: string, mode: string): boolean {
    return this.channels.get(this.fold(channel))?.flags.has(mode) ?? false;
  }

  private state(channel: string): ChannelState {
    const folded = this.fold(channel);
    let state = this.channels.get(folded);
    if (state === undefined) {
      state = { members: new Map(), flags: new Set(), modesKnown: false };
      this.channels.set(folded, state);
    }
    return state;
  }
}
