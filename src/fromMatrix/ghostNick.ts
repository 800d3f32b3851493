import type { NetworkContext } from "../irc/networkContext";
import { targetNickProblem } from "../irc/nickRules";

/**
 * The IRC nick a ghost user id stands for, when something is to be done to that nick on IRC (a
 * kick, a ban, a private message). Anyone can write a ghost id (`@irc_=2a:server` decodes to `*`),
 * so the decoded nick must pass targetNickProblem (nickRules.ts) under the server's NICKLEN and
 * CHANTYPES; otherwise nothing may be sent, and `why` says so in words for the user.
 */
export type GhostNick = { readonly ok: true; readonly nick: string } | { readonly ok: false; readonly why: string };

/** The ghost's nick, or why it names no IRC user; undefined when the id is not one of the network's ghosts. */
export function ghostNick(network: Pick<NetworkContext, "ids" | "nickLimits">, ghost: string): GhostNick | undefined {
  const nick = network.ids.nickOfGhost(ghost);
  if (nick === undefined) return undefined;
  const problem = targetNickProblem(nick, network.nickLimits);
  return problem === undefined ? { ok: true, nick } : { ok: false, why: `${ghost} does not stand for an IRC nick: "${printable(nick)}" is not a valid nick (${problem})` };
}

/** The decoded text as it may be shown: control characters as \uXXXX, cut short. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- exactly the characters that must not be shown raw
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
}
