/**
 * Reads a command from the body of a message in an admin room. Only the first line counts (a line
 * ends at LF or CRLF); the rest is ignored. A body with a NUL anywhere, or a CR inside its first
 * line, is refused: such characters would end or corrupt an IRC line in later commands, and no
 * client types them by accident.
 */
export type ParsedCommand =
  /** `rest`: the text after the name as written (spaces kept), for arguments that may hold spaces. */
  | { readonly kind: "command"; readonly name: string; readonly argv: readonly string[]; readonly rest: string }
  /** Text that is not a command (does not start with "!"). */
  | { readonly kind: "chat" }
  | { readonly kind: "refused"; readonly reason: string };

const NUL = "\u0000";
const CR = "\r";

export function parseCommand(body: string): ParsedCommand {
  if (body.includes(NUL)) return { kind: "refused", reason: "Your message contains a NUL character; commands must be plain text." };
  const end = body.indexOf("\n");
  let line = end === -1 ? body : body.slice(0, end);
  if (end !== -1 && line.endsWith(CR)) line = line.slice(0, -1);
  if (line.includes(CR)) return { kind: "refused", reason: "Your command contains a carriage return; send it as one plain line." };
  const text = line.trim();
  if (!text.startsWith("!")) return { kind: "chat" };
  const [name = "", ...argv] = text.slice(1).split(/\s+/);
  return { kind: "command", name: name.toLowerCase(), argv, rest: afterFirstWord(text.slice(1)) };
}

/** The text after the first word, without the spaces that separate them. */
export function afterFirstWord(text: string): string {
  const match = /^\S*\s*/.exec(text);
  return text.slice(match?.[0].length ?? 0);
}
