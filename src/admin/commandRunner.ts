/**
 * Runs the command a user sent in their admin room and replies there. Checks, once for every
 * command: the message is a clean single line (parse.ts), the command exists, the user may run it
 * (adminOnly), and which network it is about (an optional first argument naming a configured
 * network; it may be left out when only one is configured). A command that fails is answered with
 * its UserFacingError's message, or a generic one (the details go to the log, never the
 * arguments). A command whose message carries a secret (carriesSecret: a password, a channel key)
 * has that message redacted before it runs, none of its arguments repeated in any reply (not even
 * "no such network"), and the user told when the redaction failed. Never throws.
 */
import { errorText, UserFacingError } from "../errors";
import type { Logger } from "../observability/logger";
import type { AdminCommand, AdminContext, AdminNetwork, CommandContext } from "./command";
import { afterFirstWord, parseCommand } from "./parse";

const HELP_HINT = "Say !help for the list of commands.";
const MAX_ECHO = 40;
const NOT_REDACTED = " I could not remove your message: please redact it yourself.";

export interface CommandRunnerDeps {
  readonly commands: readonly AdminCommand[];
  readonly context: AdminContext;
  /** Sends the reply into the admin room (an m.notice from the bot). */
  readonly reply: (userId: string, roomId: string, text: string) => void;
  /** Redacts an event in an admin room, as the bot. */
  readonly redact: (roomId: string, eventId: string) => Promise<void>;
  readonly log: Logger;
}

/** The message that carried a command, for commands that must redact it. */
export interface CommandMessage {
  readonly roomId: string;
  readonly eventId: string | undefined;
}

export class CommandRunner {
  constructor(private readonly deps: CommandRunnerDeps) {}

  /** Runs the message's command for the room's owner and replies in the room. Never rejects. */
  async handle(roomId: string, userId: string, body: string, eventId?: string): Promise<void> {
    const text = await this.run(userId, body, { roomId, eventId });
    try {
      this.deps.reply(userId, roomId, text);
    } catch (err) {
      this.deps.log.error("cannot reply in an admin room", { room: roomId, user: userId, error: errorText(err) });
    }
  }

  /** The reply to a message from `userId`. Never rejects. */
  async run(userId: string, body: string, message: CommandMessage = { roomId: "", eventId: undefined }): Promise<string> {
    const parsed = parseCommand(body);
    if (parsed.kind === "refused") return parsed.reason;
    if (parsed.kind === "chat") return `I only understand commands. ${HELP_HINT}`;
    const { commands, context, log } = this.deps;
    const command = commands.find((c) => c.name === parsed.name);
    if (command === undefined) return `Unknown command !${echo(parsed.name)}. ${HELP_HINT}`;
    if (command.adminOnly === true && !context.isAdmin(userId)) return `!${command.name} is only for bridge administrators.`;
    let redaction: Promise<boolean> | undefined;
    // Once per message, whoever asks first (the runner for a secret, or the command itself).
    const redactRequest = (): Promise<boolean> => (redaction ??= this.redact(message));
    /** The reply, with a word when a message that carried a secret could not be removed. */
    const withNote = async (reply: string, secret: boolean): Promise<string> => (secret && !(await redactRequest()) ? `${reply}${NOT_REDACTED}` : reply);
    const ctx: CommandContext = { ...context, userId, commands, rawArgs: parsed.rest };
    const mayHoldSecret = command.carriesSecret !== undefined;
    let secret = command.carriesSecret?.(parsed.argv) ?? false;
    try {
      if (command.takesNetwork !== true) {
        if (secret) await redactRequest();
        return await withNote(await command.run(ctx, parsed.argv), secret);
      }
      // A command that may carry a secret never has its first argument repeated (it may be the secret).
      const resolved = resolveNetwork(command, context.networks, parsed.argv, !mayHoldSecret);
      if (typeof resolved === "string") return await withNote(resolved, secret);
      secret = command.carriesSecret?.(resolved.argv) ?? false;
      if (secret) await redactRequest();
      const rawArgs = resolved.argv.length < parsed.argv.length ? afterFirstWord(parsed.rest) : parsed.rest;
      return await withNote(await command.run({ ...ctx, rawArgs, target: resolved.network }, resolved.argv), secret);
    } catch (err) {
      if (err instanceof UserFacingError) return await withNote(err.userMessage, secret);
      log.error("an admin command failed", { command: command.name, user: userId, error: errorText(err) });
      return await withNote(`!${command.name} failed; the bridge's log has the details.`, secret);
    }
  }

  /** Redacts the message that carried a command; false when it could not (the user is told). True when there is no message (a call from code). */
  private async redact(message: CommandMessage): Promise<boolean> {
    if (message.eventId === undefined) return true;
    try {
      await this.deps.redact(message.roomId, message.eventId);
      return true;
    } catch (err) {
      this.deps.log.warn("cannot redact a command message", { room: message.roomId, error: errorText(err) });
      return false;
    }
  }
}

/** The network a command is about and the arguments after it, or the reply that asks which. */
export function resolveNetwork(
  command: AdminCommand,
  networks: readonly AdminNetwork[],
  argv: readonly string[],
  mayEcho = true,
): { readonly network: AdminNetwork; readonly argv: readonly string[] } | string {
  const first = argv[0];
  const named = first === undefined ? undefined : networks.find((n) => n.id === first.toLowerCase());
  if (named !== undefined) return { network: named, argv: argv.slice(1) };
  const only = networks.length === 1 ? networks[0] : undefined;
  if (only !== undefined) return { network: only, argv };
  const choices = networks.map((n) => `${n.id} (${n.name})`).join(", ");
  const problem = first === undefined ? "Which network?" : mayEcho ? `There is no network "${echo(first)}".` : "There is no network by that name.";
  return `${problem} Say !${command.name} <network>, with one of: ${choices}.`;
}

/** User input repeated in a reply, cut short. */
function echo(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}
