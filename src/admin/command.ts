/**
 * Admin commands are data: a name, its usage, a one-line summary, whether only bridge admins may
 * run it, and `run`, which returns the reply text. The runner (commandRunner.ts) parses the
 * message, checks permissions, resolves the network argument and renders errors; a command only
 * does its job. Commands never log their arguments (later commands will carry passwords).
 */

import type { StoreOutcome } from "../puppets/credentialStore";

/** A configured IRC network, as commands see it. */
export interface AdminNetwork {
  readonly id: string;
  readonly name: string;
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
  /** Closes and reopens the user's connection to a network, rejoining its channels; says what happened. */
  reconnect(networkId: string, userId: string): Promise<string>;
  /** The bridge's version (package.json). */
  readonly version: string;
}

/** What one run of a command sees: the bridge, who asked, and the registry (for !help). */
export interface CommandContext extends AdminContext {
  /** The Matrix user who sent the command: the admin room's owner. */
  readonly userId: string;
  readonly commands: readonly AdminCommand[];
  /** The arguments as written (spaces kept), after the command name and the network argument. */
  readonly rawArgs: string;
  /** Redacts the message that carried the command (it held a secret); false when that failed. */
  redactRequest(): Promise<boolean>;
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
