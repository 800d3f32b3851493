import { renderNick } from "../irc/nickTemplate";
import type { NetworkContext } from "../irc/networkContext";
import type { PuppetRecord, PuppetStore } from "../store/store";
import { renderUsername, usernameWithSuffix } from "./userTemplates";

/**
 * The nick and username (ident) a Matrix user gets on a network. A stored choice wins (the user keeps
 * their nick across restarts; the nick they chose with !nick, `desiredNick`, over the one they last
 * had, which may be an alternative the server's nick collision gave them); otherwise the nick comes from the network's template and the user's
 * displayname, and the username from the network's userTemplate (see userTemplates.ts: at most 10
 * characters of a-z 0-9 . _ -), made unique on the network with a numeric suffix, then stored. Identities of one
 * store are worked out one at a time, so two users set up at once never pick the same username.
 *
 * Guarantee: the username given is one the store said no other user on the network has. The
 * suffix search for a base starts after the suffix last given to it (`nextSuffixes`), so N users
 * whose usernames clean to the same base cost about N store lookups, not N² / 2 (the bench's
 * users, and any homeserver whose localparts share 10 characters, did that). A suffix freed since
 * is not given again: usernames need only be unique, not small.
 */
const chains = new WeakMap<PuppetStore, Promise<unknown>>();
/** Per store: for each network and username base found taken, the next suffix to try. */
const nextSuffixes = new WeakMap<PuppetStore, Map<string, number>>();

/**
 * Runs `work` after every identity change of the store already started, and before any started
 * later (so a username checked free is still free when it is stored). `work` must not wait for
 * another serialized call: it would wait for itself.
 */
export function serialized<T>(puppets: PuppetStore, work: () => Promise<T>): Promise<T> {
  const next = (chains.get(puppets) ?? Promise.resolve()).then(work);
  chains.set(puppets, next.catch(() => undefined));
  return next;
}

/** The nick the network's nickTemplate gives a user with this displayname, within the server's NICKLEN (the RFC's 30 until a connection heard it). */
export function templateNick(network: Pick<NetworkContext, "nickTemplate" | "nickLimits">, userId: string, displayname: string | undefined): string {
  const localpart = userId.slice(1, userId.indexOf(":"));
  return renderNick(network.nickTemplate, { localpart, displayname }, network.nickLimits.nicklen);
}

/**
 * A user's identity on the network, with the record it was read from or stored as: the user's
 * stored password and certificate are opened from that record (app.ts), not read again.
 */
export interface PuppetIdentity {
  readonly nick: string;
  readonly username: string;
  readonly record: PuppetRecord;
}

export function puppetIdentity(
  network: NetworkContext,
  userId: string,
  puppets: PuppetStore,
  displayname: () => Promise<string | undefined>,
): Promise<PuppetIdentity> {
  return serialized(puppets, () => pick(network, userId, puppets, displayname));
}

async function pick(
  network: NetworkContext,
  userId: string,
  puppets: PuppetStore,
  displayname: () => Promise<string | undefined>,
): Promise<PuppetIdentity> {
  const stored = await puppets.get(network.id, userId);
  if (stored !== undefined) return { nick: stored.desiredNick ?? stored.nick, username: stored.username, record: stored };
  const nick = templateNick(network, userId, await displayname());
  const base = renderUsername(network.face.templates.userTemplate, userId);
  const username = await freeUsername(network.id, base, userId, puppets);
  const record: PuppetRecord = { userId, network: network.id, nick, username, channels: [], nickNote: undefined };
  await puppets.put(record);
  return { nick, username, record };
}

/** The first of base, base1, base2, … no other user of the network has, from where the last search for this base ended. */
async function freeUsername(network: string, base: string, userId: string, puppets: PuppetStore): Promise<string> {
  let hints = nextSuffixes.get(puppets);
  if (hints === undefined) nextSuffixes.set(puppets, (hints = new Map<string, number>()));
  const key = `${network}\n${base}`;
  let i = hints.get(key) ?? 0;
  while (await puppets.usernameTaken(network, usernameWithSuffix(base, i), userId)) i++;
  if (i > 0) hints.set(key, i + 1);
  return usernameWithSuffix(base, i);
}
