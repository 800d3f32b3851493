import type { ChannelKeyBook } from "./connectionTypes";

export interface ChannelEntry {
  readonly name: string;
  readonly key: string | undefined;
}

/**
 * The channels one connection is in or rejoins after a reconnect, each with the key it last used,
 * kept in step with the connection's own key book (rooms/channelKeys.ts): a channel left is
 * forgotten there too, a key the server refused (475) is forgotten for this connection only.
 * Names compare lower-cased (a channel is rejoined as first written). `listed` hears every name
 * that enters or leaves the list (a respelling is one leaving and one entering), so an index of
 * who lists which channel (puppets/listedChannels.ts) follows it without reading every list.
 */
export class ChannelList {
  private readonly channels = new Map<string, ChannelEntry>();

  constructor(
    private readonly keys: ChannelKeyBook | undefined,
    private readonly listed?: (name: string, inList: boolean) => void,
  ) {}

  /** A JOIN of ours: the key to join with (the one given, else the book's). */
  join(channel: string, key?: string): string | undefined {
    const k = key ?? this.keys?.get(channel);
    this.put({ name: channel, key: k });
    return k;
  }

  /** The server joined us (nothing is sent): rejoined after a reconnect with this key. */
  remember(channel: string, key: string | undefined): void {
    this.put({ name: channel, key });
    if (key !== undefined) this.keys?.accepted(channel, key);
  }

  /** We left, were kicked, or the server parted us. */
  forget(channel: string): void {
    const entry = this.channels.get(channel.toLowerCase());
    this.channels.delete(channel.toLowerCase());
    if (entry !== undefined) this.listed?.(entry.name, false);
    this.keys?.parted(channel);
  }

  private put(entry: ChannelEntry): void {
    const before = this.channels.get(entry.name.toLowerCase());
    this.channels.set(entry.name.toLowerCase(), entry);
    if (before?.name === entry.name) return;
    if (before !== undefined) this.listed?.(before.name, false);
    this.listed?.(entry.name, true);
  }

  /** The server let us in (the echo of our JOIN): the key we used is a good one. */
  joined(channel: string): void {
    const key = this.channels.get(channel.toLowerCase())?.key;
    if (key !== undefined) this.keys?.accepted(channel, key);
  }

  /** 475 to one of our JOINs: the key it used is forgotten, for this connection only. */
  keyRefused(channel: string): void {
    const entry = this.channels.get(channel.toLowerCase());
    if (entry === undefined) return;
    this.channels.set(channel.toLowerCase(), { name: entry.name, key: undefined });
    this.keys?.refused(channel);
  }

  entries(): ChannelEntry[] {
    return [...this.channels.values()];
  }

  /** How many channels are listed (without building the list). */
  get size(): number {
    return this.channels.size;
  }
}
