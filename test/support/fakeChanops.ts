import type { ChannelActors, MatrixContext } from "../../src/fromMatrix/context";
import type { ChannelOps } from "../../src/rooms/channelOps";
import { PowerLevelCache } from "../../src/rooms/powerLevels";
import type { Store } from "../../src/store/store";

/**
 * ChannelOps as a test sets it: `set("#chan", "nick", "o")` gives the nick those prefixes; nobody
 * else has any. Channels and nicks compare without case.
 */
export class FakeChannelOps implements ChannelOps {
  private readonly prefixes = new Map<string, string>();

  set(channel: string, nick: string, prefixes: string): void {
    this.prefixes.set(`${channel.toLowerCase()} ${nick.toLowerCase()}`, prefixes);
  }

  prefixesOf(_networkId: string, channel: string, nick: string): string {
    return this.prefixes.get(`${channel.toLowerCase()} ${nick.toLowerCase()}`) ?? "";
  }

  isOp(networkId: string, channel: string, nick: string): boolean {
    return /[oaq]/.test(this.prefixesOf(networkId, channel, nick));
  }
}

/** The channel-operator parts of a MatrixContext for tests that do not exercise them: nobody is an operator, levels read as none. */
export function idleChanops(store: Store): Pick<MatrixContext, "channelOps" | "powerLevels" | "bans" | "restoreGhost"> {
  return {
    channelOps: new FakeChannelOps(),
    powerLevels: new PowerLevelCache(() => Promise.resolve(undefined)),
    bans: store.bans,
    restoreGhost: () => undefined,
  };
}

/** A network where the bridge has no connection able to act (no puppets, no IRC bot). */
export const NO_ACTORS: ChannelActors = { puppet: () => undefined, bot: () => undefined, inChannel: () => [] };
