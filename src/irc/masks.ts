/**
 * IRC ban masks: `nick!user@host` globs (`*` any run of characters, `?` one character) matched
 * against a user's full hostmask.
 *
 * Guarantee: both sides are folded with the server's casemapping before comparing, so `[m]` and
 * `{M}` match under rfc1459 and not under ascii; a short mask is completed the way servers do
 * (`nick` -> `nick!*@*`, `user@host` -> `*!user@host`, `nick!user` -> `nick!user@*`). Not handled:
 * extended bans (`$a:account`, `~q:...`, InspIRCd's `m:...`) and CIDR masks (`*!*@192.0.2.0/24`) never
 * match, since what they match is not in a hostmask; callers must not read "no match" as "not banned".
 */
import { foldCase, type Casemapping } from "./casemapping";

/** Extended bans name a type before a colon or start with $ or ~. */
const EXTBAN = /^(\$|~|[A-Za-z]:)/;

/** The mask as servers store it, or undefined for an extended ban. */
export function completeMask(mask: string): string | undefined {
  if (mask === "" || EXTBAN.test(mask)) return undefined;
  const bang = mask.indexOf("!");
  const at = mask.indexOf("@");
  if (bang === -1 && at === -1) return `${mask}!*@*`;
  if (bang === -1) return `*!${mask}`;
  if (at === -1) return `${mask}@*`;
  return mask;
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const ch of glob) {
    if (ch === "*") source += "[^]*";
    else if (ch === "?") source += "[^]";
    else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Does the ban mask match `nick!user@host` on a server with this casemapping? */
export function maskMatches(mask: string, hostmask: string, casemapping: Casemapping): boolean {
  const complete = completeMask(mask);
  if (complete === undefined) return false;
  return globToRegExp(foldCase(complete, casemapping)).test(foldCase(hostmask, casemapping));
}
