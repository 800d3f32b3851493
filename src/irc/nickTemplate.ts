/**
 * The IRC nick for a Matrix user: the network's nickTemplate filled with {displayname} and
 * {localpart}, then cleaned to what IRC allows: letters, digits and []\`_^{|}- (RFC 2812), not
 * starting with a digit or '-', within NICKLEN (the displayname is shortened, so the template's
 * own text such as "[m]" stays). Falls back to the localpart when the display name leaves nothing
 * usable.
 */
export interface NickSource {
  readonly localpart: string;
  readonly displayname: string | undefined;
}

const NOT_NICK = /[^A-Za-z0-9[\]\\`_^{|}-]/g;
const BAD_START = /^[0-9-]+/;

export function cleanNick(raw: string, nicklen: number): string {
  return raw.replace(NOT_NICK, "").replace(BAD_START, "").slice(0, nicklen);
}

export function renderNick(template: string, user: NickSource, nicklen: number): string {
  // What the template adds around the displayname is kept whole; the displayname is shortened.
  const around = cleanNick(template.replace("{displayname}", "").replace("{localpart}", user.localpart), Number.MAX_SAFE_INTEGER).length;
  const fill = (displayname: string) =>
    cleanNick(template.replace("{displayname}", displayname.replace(NOT_NICK, "").replace(BAD_START, "").slice(0, Math.max(1, nicklen - around))).replace("{localpart}", user.localpart), nicklen);
  const fromDisplayname = user.displayname !== undefined ? fill(user.displayname) : "";
  const bare = fill("");
  if (fromDisplayname !== "" && fromDisplayname !== bare) return fromDisplayname;
  const fromLocalpart = cleanNick(template.replace("{displayname}", user.localpart).replace("{localpart}", user.localpart), nicklen);
  return fromLocalpart !== "" ? fromLocalpart : cleanNick(`m-${user.localpart}`, nicklen) || "matrixuser";
}

/**
 * Alternatives to try when the nick is taken, in order: a trailing '_', then digits, each kept within
 * NICKLEN by shortening the base.
 */
export function* nickAlternatives(nick: string, nicklen: number): Generator<string> {
  yield `${nick}_`.length <= nicklen ? `${nick}_` : `${nick.slice(0, nicklen - 1)}_`;
  for (let i = 1; i < 1000; i++) {
    const suffix = String(i);
    yield `${nick.slice(0, Math.max(1, nicklen - suffix.length))}${suffix}`;
  }
}
