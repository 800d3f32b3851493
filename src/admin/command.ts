/**
 * Admin commands are data: a name, its usage, a one-line summary, whether only bridge admins may
 * run it, and `run`, which returns the reply text. The runner (commandRunner.ts) parses the
 * message, checks permissions, resolves the network argument and renders errors; a command only
 * does its job. Commands never log their arguments (later commands will carry passwords).
 */
import type { RawCommandPolicy } from "../irc/networkContext";
import type { IrcReply, IrcRequest } from "../irc/requests";
import type { RoomInvites } from "../rooms/roomInvites";
import type { PuppetRecord } from "../store/store";

import type { CertificateOutcome } from "../puppets/clientCertificates";
import type { StoreOutcome } from "../puppets/credentialStore";
import type { Links } from "../provisioning/links";

/** A configured IRC network, as commands see it. */
export interface AdminNetwork {
  readonly id: string;
  readonly name: string;
}

/** A user's IRC connection, as commands see it: its state and the request API, nothing more. */
export interface AdminConnection {
  readonly nick: string;
  readonly isRegistered: boolean;
  /** Why it is not registered right now; undefined when it is. */
  readonly downReason: string | undefined;
  /** Channels it is in or rejoining, as written. */
  readonly channelNames: readonly string[];
  /** Whether two nicks or channel names are the same on this server (its casemapping). */
  same(a: string, b: string): boolean;
  /** An ISUPPORT value the server announced (e.g. NICKLEN). */
  isupport(name: string): string | undefined;
  /** Sends one command and waits for the server's answer; never rejects (irc/requests.ts). */
  request(request: IrcRequest, options?: { readonly timeoutMs?: number }): Promise<IrcReply>;
  /** Joins at once or, if not registered yet, as soon as it is; rejoined after reconnects. False when its queue is full. */
  join(channel: string, key?: string): boolean;
  /** Adds a channel to those rejoined after a reconnect (after the server accepted a JOIN). */
  remember(channel: string, key: string | undefined): void;
  /** Removes a channel from those rejoined after a reconnect. */
  forget(channel: string): void;
  /** The nick to ask for at its next (re)connection. */
  preferNick(nick: string): void;
}

/** The users' connections and stored choices on one network. */
export interface PuppetAccess {
  /** The user's open connection (registered or not), if they have one. */
  connection(userId: string): AdminConnection | undefined;
  /** The user's connection, created (and connecting) if needed; refused with the reason (limit, !quit). */
  ensure(userId: string): { readonly ok: true; readonly connection: AdminConnection } | { readonly ok: false; readonly reason: string };
  /** Whether the user left the network with !quit. */
  hasQuit(userId: string): boolean;
  /** What is stored for the user's next connection. */
  stored(userId: string): Promise<PuppetRecord | undefined>;
  /** Stores the nick the user chose (creating their record if needed): every connection asks for it; a displayname change never replaces it. */
  setNick(userId: string, nick: string): Promise<void>;
  /** Forgets the chosen nick: the user's nick follows the nickTemplate again. Stores and returns the template's nick for them now. */
  resetNick(userId: string): Promise<string>;
  /** NICKLEN as the network's server announced it (30 until a connection heard it). */
  nicklen(): number;
  /** Stores the username of the user's next connection; "taken" when another user has it. */
  setUsername(userId: string, username: string): Promise<"ok" | "taken">;
  /** Saves the user's current nick and channels. */
  persist(userId: string): Promise<void>;
  /** Disconnects the user until they !reconnect; says what happened. */
  quit(userId: string): Promise<string>;
}

/** Users' client certificates, per network. */
export interface CertificateAccess {
  /** The SHA-256 fingerprint of the user's certificate, if they have one. */
  fingerprint(networkId: string, userId: string): Promise<string | undefined>;
  /** The user's certificate, created when they have none or ask to replace it. */
  create(networkId: string, userId: string, replace: boolean): Promise<CertificateOutcome>;
  /** Deletes it; false when there was none. */
  remove(networkId: string, userId: string): Promise<boolean>;
  /** Whether the bridge reaches the network over TLS (the only place a client certificate is sent). */
  usesTls(networkId: string): boolean;
}

/** What the bridge offers admin commands. Built once (app.ts); add capabilities here as needed. */
export interface AdminContext {
  /** The configured networks, in config order. */
  readonly networks: readonly AdminNetwork[];
  /** Bridge administrators (`bridge.admins`) may run adminOnly commands. */
  isAdmin(userId: string): boolean;
  /** Seals and stores the user's IRC password for a network (see puppets/credentialStore.ts). */
  storePassword(networkId: string, userId: string, password: string): Promise<StoreOutcome>;
  /** Forgets it; false when there was none. */
  removePassword(networkId: string, userId: string): Promise<boolean>;
  /** Users' client certificates (!certfp; see puppets/clientCertificates.ts). */
  readonly certificates: CertificateAccess;
  /** Closes and reopens the user's connection to a network, rejoining its channels; says what happened. */
  reconnect(networkId: string, userId: string): Promise<string>;
  /** The bridge's version (package.json). */
  readonly version: string;
  /** The users' connections on a configured network (throws for an unknown id). */
  puppets(networkId: string): PuppetAccess;
  /** The Matrix rooms bridged to a channel: room id, and the portal alias for a portal room. */
  roomsFor(networkId: string, channel: string): readonly { readonly roomId: string; readonly alias: string | undefined }[];
  /** The alias of the channel's portal room, when the network would bridge it (portals on, not excluded). */
  portalAlias(networkId: string, channel: string): string | undefined;
  /** What !cmd may send on a network. */
  rawCommands(networkId: string): RawCommandPolicy;
  /** A bridged room's join rule and the user's membership, as the bot sees them (rooms/roomInvites.ts). */
  roomFor: RoomInvites["roomFor"];
  /** The bot invites the user into a bridged room; false when it could not. */
  inviteToRoom: RoomInvites["inviteToRoom"];
  /** Runtime links (src/provisioning/): !plumb and !unlink. */
  readonly links: Links;
  /** The room an alias leads to (undefined: none). */
  resolveAlias(alias: string): Promise<string | undefined>;
}

/** What one run of a command sees: the bridge, who asked, and the registry (for !help). */
export interface CommandContext extends AdminContext {
  /** The Matrix user who sent the command: the admin room's owner. */
  readonly userId: string;
  readonly commands: readonly AdminCommand[];
  /** The arguments as written (spaces kept), after the command name and the network argument. */
  readonly rawArgs: string;
}

/** For commands that act on one network: the network, resolved by the runner. */
export interface NetworkCommandContext extends CommandContext {
  readonly target: AdminNetwork;
}

interface CommandInfo {
  /** Without the "!", lower case. */
  readonly name: string;
  /** Usage after the name, e.g. "[network]" ("" when it takes nothing). */
  readonly args: string;
  readonly summary: string;
  /** Only bridge admins may run it; hidden from everyone else in !help. */
  readonly adminOnly?: boolean;
  /**
   * Whether a message with these arguments (after the network, when there is one) carries a secret:
   * a password or a channel key. The runner then redacts the message before the command runs,
   * repeats none of its arguments, and tells the user when the redaction failed.
   */
  carriesSecret?(argv: readonly string[]): boolean;
}

/** A command about the bridge as a whole. */
export interface PlainCommand extends CommandInfo {
  readonly takesNetwork?: false;
  run(ctx: CommandContext, argv: readonly string[]): Promise<string>;
}

/**
 * A command about one network. Its first argument may name the network (a configured id); it may
 * be left out when exactly one network is configured. `argv` excludes it.
 */
export interface NetworkCommand extends CommandInfo {
  readonly takesNetwork: true;
  run(ctx: NetworkCommandContext, argv: readonly string[]): Promise<string>;
}

export type AdminCommand = PlainCommand | NetworkCommand;

/** "!name args" as shown to users. */
export function usage(command: AdminCommand): string {
  return command.args === "" ? `!${command.name}` : `!${command.name} ${command.args}`;
}
