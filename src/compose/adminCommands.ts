import { randomUUID } from "node:crypto";
import type { AdminContext, AdminNetwork } from "../admin/command";
import { CommandRunner } from "../admin/commandRunner";
import { COMMANDS } from "../admin/commands";
import type { AdminNotifier } from "../admin/notifier";
import { readBridgeVersion } from "../admin/version";
import { networkAdminAccess } from "../bridge/adminAccess";
import type { NetworkBridge } from "../bridge/networkBridge";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { ClientCertificates } from "../puppets/clientCertificates";
import type { CredentialStore } from "../puppets/credentialStore";
import type { Links } from "../provisioning/links";
import type { RoomIndex } from "../rooms/roomIndex";
import { roomInvites } from "../rooms/roomInvites";

/** The admin rooms' commands (src/admin/), with what they may do on each network. */
export function adminCommands(deps: {
  readonly networks: readonly AdminNetwork[];
  readonly bridges: readonly NetworkBridge[];
  readonly rooms: RoomIndex;
  readonly admins: ReadonlySet<string>;
  readonly credentials: CredentialStore;
  readonly certificates: ClientCertificates;
  readonly links: Links;
  readonly notifier: AdminNotifier;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly log: Logger;
}): CommandRunner {
  const { api, botUserId, credentials, certificates } = deps;
  const log = deps.log.child({ module: "admin" });
  const byId = new Map(deps.bridges.map((b) => [b.network.id, b]));
  const access = new Map(deps.bridges.map((b) => [b.network.id, networkAdminAccess(b.network, b.puppets, b.settings, deps.rooms)]));
  const accessOf = (networkId: string) => {
    const found = access.get(networkId);
    if (found === undefined) throw new Error(`there is no network ${networkId}`);
    return found;
  };
  const context: AdminContext = {
    networks: deps.networks,
    isAdmin: (userId) => deps.admins.has(userId),
    storePassword: (networkId, userId, password) => credentials.store(networkId, userId, password, byId.get(networkId)?.puppets.get(userId)?.nick),
    removePassword: (networkId, userId) => credentials.remove(networkId, userId),
    certificates: {
      fingerprint: (networkId, userId) => certificates.fingerprint(networkId, userId),
      create: (networkId, userId, replace) => certificates.create(networkId, userId, replace),
      remove: (networkId, userId) => certificates.remove(networkId, userId),
      usesTls: (networkId) => byId.get(networkId)?.network.server.tls ?? false,
    },
    reconnect: (networkId, userId) => byId.get(networkId)?.puppets.reconnect(userId) ?? Promise.resolve(`There is no network ${networkId}.`),
    version: readBridgeVersion(),
    puppets: (networkId) => accessOf(networkId).puppets,
    roomsFor: (networkId, channel) => accessOf(networkId).roomsFor(channel),
    portalAlias: (networkId, channel) => accessOf(networkId).portalAlias(channel),
    rawCommands: (networkId) => accessOf(networkId).rawCommands,
    links: deps.links,
    resolveAlias: (alias) => api.resolveAlias(alias),
    ...roomInvites(api, botUserId, log),
  };
  return new CommandRunner({
    commands: COMMANDS,
    context,
    reply: (userId, roomId, text) => deps.notifier.reply(userId, roomId, text),
    redact: (roomId, eventId) => api.redact(roomId, botUserId, eventId, "a password was removed", `redact.${randomUUID()}`),
    log,
  });
}
