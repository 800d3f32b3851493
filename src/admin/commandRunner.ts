/**
 * Runs the command a user sent in their admin room and replies there. Checks, once for every
 * command: the message is a clean single line (parse.ts), the command exists, the user may run it
 * (adminOnly), and which network it is about (an optional first argument naming a configured
 * network; it may be left out when only one is configured). A command that fails is answered with
 * its UserFacingError's message, or a generic one (the details go to the log, never the
 * arguments). Never throws.
 */
import { errorText, UserFacingError } from "../errors";
import type { Logger } from "../observability/logger";
import type { AdminCommand, AdminContext, AdminNetwork, CommandContext } from "./command";
import { afterFirstWord, parseCommand } from "./parse";

const HELP_HINT = "Say !help for the list of commands.";
const MAX_ECHO = 40;

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
    const redactRequest = async (): Promise<boolean> => {
      if (message.eventId === undefined) return false;
      try {
        await this.deps.redact(message.roomId, message.eventId);
        return true;
      } catch (err) {
        log.warn("cannot redact a command message", { room: message.roomId, error: errorText(err) });
        return false;
      }
    };
    const ctx: CommandContext = { ...context, userId, commands, rawArgs: parsed.rest, redactRequest };
    try {
      if (command.takesNetwork !== true) return await command.run(ctx, parsed.argv);
      const resolved = resolveNetwork(command, context.networks, parsed.argv);
      if (typeof resolved === "string") return resolved;
      const rawArgs = resolved.argv.length < parsed.argv.length ? afterFirstWord(parsed.rest) : parsed.rest;
      return await command.run({ ...ctx, rawArgs, target: resolved.network }, resolved.argv);
    } catch (err) {
      if (err instanceof UserFacingError) return err.userMessage;
      log.error("an admin command failed", { command: command.name, user: userId, error: errorText(err) });
      return `!${command.name} failed; the bridge's log has the details.`;
    }
  }
}

/** The network a command is about and the arguments after it, or the reply that asks which. */
export function resolveNetwork(
  command: AdminCommand,
  networks: readonly AdminNetwork[],
  argv: readonly string[],
): { readonly network: AdminNetwork; readonly argv: readonly string[] } | string {
  const first = argv[0];
  const named = first === undefined ? undefined : networks.find((n) => n.id === first.toLowerCase());
  if (named !== undefined) return { network: named, argv: argv.slice(1) };
  const only = networks.length === 1 ? networks[0] : undefined;
  if (only !== undefined) return { network: only, argv };
  const choices = networks.map((n) => `${n.id} (${n.name})`).join(", ");
  const problem = first === undefined ? "Which network?" : `There is no network "${echo(first)}".`;
  return `${problem} Say !${command.name} <network>, with one of: ${choices}.`;
}

/** User input repeated in a reply, cut short. */
function echo(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}
