/**
 * The username (ident) and realname (gecos) a Matrix user's IRC connection registers with, from the
 * network's templates (userTemplate, realnameFormat / realnameTemplate: the incumbent bridge's words).
 *
 * Guarantee: whatever the Matrix user id or the template holds, the username is 1 to
 * USERNAME_MAX characters of [a-z0-9._-] starting with a letter or digit, and the realname is at
 * most REALNAME_MAX_BYTES of UTF-8, cut on a character boundary, with no CR, LF, NUL or other
 * control or format characters (nothing that could end or reshape the USER line, or hide text).
 */

export const USERNAME_MAX = 10;
export const REALNAME_MAX_BYTES = 64;

export type RealnameFormat = "mxid" | "reverse-mxid";

export interface UserTemplates {
  /** Placeholders: {localpart}. */
  readonly userTemplate: string;
  readonly realnameFormat: RealnameFormat;
  /** Overrides realnameFormat. Placeholders: {mxid}, {localpart}, {domain}, {reversemxid}. */
  readonly realnameTemplate: string | undefined;
}

function parts(userId: string): { localpart: string; domain: string } {
  const colon = userId.indexOf(":");
  return colon < 0 ? { localpart: userId.replace(/^@/, ""), domain: "" } : { localpart: userId.slice(1, colon), domain: userId.slice(colon + 1) };
}

/** `base` with the numeric suffix `i` (cut to make room, within USERNAME_MAX); `base` itself for 0. */
export function usernameWithSuffix(base: string, i: number): string {
  if (i === 0) return base;
  const suffix = String(i);
  return base.slice(0, USERNAME_MAX - suffix.length) + suffix;
}

/** The characters of an ident a server takes from anyone: the rest are dropped. */
export function cleanUsername(text: string): string {
  const kept = text.toLowerCase().replace(/[^a-z0-9._-]/g, "").replace(/^[._-]+/, "");
  return kept.slice(0, USERNAME_MAX).replace(/[._-]+$/, "");
}

/**
 * The username before it is made unique on the network (see identity.ts). The localpart fills
 * {localpart} with its letters and digits only; "matrix" when nothing is left.
 */
export function renderUsername(template: string, userId: string): string {
  const localpart = parts(userId).localpart.toLowerCase().replace(/[^a-z0-9]/g, "");
  return cleanUsername(template.split("{localpart}").join(localpart)) || "matrix";
}

/** Control characters (C0, DEL, C1, line breaks) become spaces, format characters (zero-width, bidi) go; trimmed. */
export function cleanRealname(text: string): string {
  const clean = text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " ").replace(/\p{Cf}/gu, "").replace(/\s+/g, " ").trim();
  return truncateUtf8(clean, REALNAME_MAX_BYTES);
}

/** At most `max` bytes of UTF-8, never cutting a character (code point) in two. */
export function truncateUtf8(text: string, max: number): string {
  if (Buffer.byteLength(text, "utf8") <= max) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > max) break;
    out += ch;
    bytes += size;
  }
  return out;
}

export function renderRealname(templates: UserTemplates, userId: string): string {
  const { localpart, domain } = parts(userId);
  const reverse = `${domain}:${localpart}`;
  const template = templates.realnameTemplate ?? (templates.realnameFormat === "reverse-mxid" ? "{reversemxid}" : "{mxid}");
  const filled = template.replace(/\{(mxid|localpart|domain|reversemxid)\}/g, (_, name: string) =>
    name === "mxid" ? userId : name === "localpart" ? localpart : name === "domain" ? domain : reverse,
  );
  return cleanRealname(filled) || "Matrix user";
}
