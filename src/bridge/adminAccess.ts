/**
 * What the admin commands may do on one network (admin/command.ts), made from the network's
 * connections, stored choices and rooms. Adapters only: every decision stays with the commands,
 * the registry and the settings.
 */
import type { PuppetAccess } from "../admin/command";
import type { NetworkContext, RawCommandPolicy } from "../irc/networkContext";
import type { PuppetRegistry } from "../puppets/puppetRegistry";
import type { PuppetSettings } from "../puppets/puppetSettings";
import type { RoomIndex } from "../rooms/roomIndex";

export interface NetworkAdminAccess {
  readonly puppets: PuppetAccess;
  roomsFor(channel: string): readonly { readonly roomId: string; readonly alias: string | undefined }[];
  portalAlias(channel: string): string | undefined;
  readonly rawCommands: RawCommandPolicy;
}

export function networkAdminAccess(network: NetworkContext, registry: PuppetRegistry, settings: PuppetSettings, rooms: RoomIndex): NetworkAdminAccess {
  return {
    puppets: {
      connection: (userId) => {
        const connection = registry.get(userId);
        return connection === undefined || connection.isClosed ? undefined : connection;
      },
      ensure: (userId) => registry.ensure(userId),
      hasQuit: (userId) => registry.hasQuit(userId),
      stored: (userId) => settings.stored(userId),
      setNick: (userId, nick) => settings.setNick(userId, nick),
      resetNick: (userId) => settings.resetNick(userId),
      nicklen: () => network.nickLimits.nicklen,
      setUsername: (userId, username) => settings.setUsername(userId, username),
      persist: (userId) => registry.persist(userId),
      quit: (userId) => registry.quit(userId),
    },
    roomsFor: (channel) =>
      rooms.roomsFor(network.id, network.channels.fold(channel)).map((r) => ({ roomId: r.roomId, alias: r.origin === "portal" ? network.ids.portalAlias(r.channel) : undefined })),
    portalAlias: (channel) => (network.channels.portalFor(channel).allowed ? network.ids.portalAlias(channel) : undefined),
    rawCommands: network.rawCommands,
  };
}
