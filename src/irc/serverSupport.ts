/**
 * What a connection reads of its server's ISUPPORT on every line (whether a target is a channel,
 * how names compare), kept as values: learnt when an RPL_ISUPPORT line was handled, not looked up
 * in irc-framework's options (and a casemapping parsed again) for each line read.
 */
import { parseCasemapping, type Casemapping } from "./casemapping";

/** RFC 2812's channel prefixes, until the server announces its CHANTYPES. */
const DEFAULT_CHANTYPES = "#&";

/** Tokens irc-framework splits into a list of characters, joined back to the announced text. */
const CHARACTER_LISTS = new Set(["CHANTYPES", "STATUSMSG"]);

/** An ISUPPORT value as irc-framework keeps it, as the announced text (undefined: absent, or kept in another shape). */
export function isupportText(name: string, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value) && CHARACTER_LISTS.has(name.toUpperCase()) && value.every((v) => typeof v === "string")) return value.join("");
  return undefined;
}

export class ServerSupport {
  private chantypes = DEFAULT_CHANTYPES;
  private mapping: Casemapping = parseCasemapping(undefined);

  get casemapping(): Casemapping {
    return this.mapping;
  }

  /** Whether a target names a channel (the server's CHANTYPES: # and & until announced). */
  isChannelName(name: string): boolean {
    return name !== "" && this.chantypes.includes(name.charAt(0));
  }

  /** Reads the values again (after each RPL_ISUPPORT line). */
  learn(isupport: (name: string) => string | undefined): void {
    this.chantypes = isupport("CHANTYPES") ?? DEFAULT_CHANTYPES;
    this.mapping = parseCasemapping(isupport("CASEMAPPING"));
  }

  /** A new registration: nothing is announced yet. */
  reset(): void {
    this.chantypes = DEFAULT_CHANTYPES;
    this.mapping = parseCasemapping(undefined);
  }
}
