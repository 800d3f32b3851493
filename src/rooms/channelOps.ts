/** Who holds which channel prefix modes right now, as the bridge's connections see it. */
export interface ChannelOps {
  /** The prefix mode letters the nick has in the channel (e.g. "o", "ov", ""); "" when unknown. */
  prefixesOf(networkId: string, channel: string, nick: string): string;
  /** True when the nick has o or a higher prefix (a, q) in the channel. */
  isOp(networkId: string, channel: string, nick: string): boolean;
}
