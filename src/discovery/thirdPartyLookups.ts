/**
 * The third-party lookups of the AS API for the "irc" protocol: a channel on a network -> its portal
 * alias, a nick -> its ghost's user id, and back (an alias -> the channel, a ghost -> the nick).
 *
 * Guarantees:
 * - Answers come from the config and the names given alone: nothing is asked of IRC, no room is
 *   created, and nothing is said about a channel's state (members, modes, whether it exists), so a
 *   secret channel reveals nothing. A channel is answered when the network would bridge it as a
 *   portal (portals enabled, not excluded, not a mapped channel unless portals.aliasForMappedChannels):
 *   the same rule a join of the alias meets, which may still refuse it (modes, limits, the bot's join).
 * - The alias is written with the channel's ASCII letters in lower case, so every spelling of one
 *   channel gets one alias on every casemapping; the nick's ghost id is lower case anyway.
 * - A value that cannot be a channel, nick, alias or ghost id is refused (400 M_INVALID_PARAM, saying
 *   why); a network the bridge does not have, or a channel it would not bridge: 404 M_NOT_FOUND
 *   ("no mappings were found", as the spec has it); another protocol: 404 M_NOT_FOUND.
 */
import { channelProblem } from "../irc/syntax";
import type { NetworkContext } from "../irc/networkContext";
import { targetNickProblem } from "../irc/nickRules";
import { PROTOCOL, describeProtocol, domainOf, type Protocol } from "./thirdPartyProtocol";

export interface Location {
  readonly alias: string;
  readonly protocol: string;
  readonly fields: { readonly domain: string; readonly channel: string };
}

export interface ThirdPartyUser {
  readonly userid: string;
  readonly protocol: string;
  readonly fields: { readonly domain: string; readonly nick: string };
}

export type Lookup<T> = { readonly ok: true; readonly body: T } | { readonly ok: false; readonly status: 400 | 404; readonly errcode: string; readonly error: string };

const notFound = (error: string): Lookup<never> => ({ ok: false, status: 404, errcode: "M_NOT_FOUND", error });
const invalid = (error: string): Lookup<never> => ({ ok: false, status: 400, errcode: "M_INVALID_PARAM", error });
const missing = (field: string): Lookup<never> => ({ ok: false, status: 400, errcode: "M_MISSING_PARAM", error: `the ${field} field is required` });
const unknownProtocol = (protocol: string) => notFound(`this bridge serves the "${PROTOCOL}" protocol only, not "${protocol}"`);

/** ASCII letters lowered: equal on every IRC casemapping, and changes nothing else. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export class ThirdPartyLookups {
  constructor(private readonly networks: readonly NetworkContext[]) {}

  protocol(protocol: string): Lookup<Protocol> {
    return protocol === PROTOCOL ? { ok: true, body: describeProtocol(this.networks) } : unknownProtocol(protocol);
  }

  location(protocol: string, fields: Readonly<Record<string, string>>): Lookup<Location[]> {
    if (protocol !== PROTOCOL) return unknownProtocol(protocol);
    const found = this.networkOf(fields);
    if (!found.ok) return found;
    const channel = fields.channel;
    if (channel === undefined || channel === "") return missing("channel");
    const problem = channelProblem(channel);
    if (problem !== undefined) return invalid(`"${channel}" is not an IRC channel: ${problem}`);
    return this.locationOf(found.body, asciiLower(channel));
  }

  user(protocol: string, fields: Readonly<Record<string, string>>): Lookup<ThirdPartyUser[]> {
    if (protocol !== PROTOCOL) return unknownProtocol(protocol);
    const found = this.networkOf(fields);
    if (!found.ok) return found;
    const nick = fields.nick;
    if (nick === undefined || nick === "") return missing("nick");
    const problem = targetNickProblem(nick, found.body.nickLimits);
    if (problem !== undefined) return invalid(`"${nick}" is not an IRC nick: ${problem}`);
    return { ok: true, body: [userOf(found.body, nick)] };
  }

  /** An alias -> the channel it stands for, when it is a portal alias of a channel the network bridges. */
  locationByAlias(alias: string | undefined): Lookup<Location[]> {
    if (alias === undefined || alias === "") return missing("alias");
    if (!/^#[^:]+:\S+$/.test(alias)) return invalid(`"${alias}" is not a room alias (#name:server)`);
    for (const network of this.networks) {
      const channel = network.ids.channelOfAlias(alias);
      if (channel !== undefined) return this.locationOf(network, channel, alias);
    }
    return notFound(`${alias} is not a portal alias of this bridge`);
  }

  /** A ghost's user id -> the nick it stands for. */
  userById(userId: string | undefined): Lookup<ThirdPartyUser[]> {
    if (userId === undefined || userId === "") return missing("userid");
    if (!/^@[^:]+:\S+$/.test(userId)) return invalid(`"${userId}" is not a Matrix user id (@name:server)`);
    for (const network of this.networks) {
      const nick = network.ids.nickOfGhost(userId);
      // A ghost id anyone can write: it must stand for one IRC nick.
      if (nick !== undefined && targetNickProblem(nick, network.nickLimits) === undefined) return { ok: true, body: [userOf(network, nick)] };
    }
    return notFound(`${userId} is not an IRC user of this bridge`);
  }

  private locationOf(network: NetworkContext, channel: string, alias = network.ids.portalAlias(channel)): Lookup<Location[]> {
    if (!network.channels.portalFor(channel).allowed) return notFound(`${network.name} has no portal room for ${channel}`);
    return { ok: true, body: [{ alias, protocol: PROTOCOL, fields: { domain: domainOf(network), channel } }] };
  }

  /** The network a lookup names in its domain field: by its server's address, or by its id. */
  private networkOf(fields: Readonly<Record<string, string>>): Lookup<NetworkContext> {
    const domain = fields.domain;
    if (domain === undefined || domain === "") return missing("domain");
    const wanted = domain.toLowerCase();
    const network = this.networks.find((n) => domainOf(n) === wanted) ?? this.networks.find((n) => n.id === wanted);
    return network === undefined ? notFound(`this bridge has no IRC network ${domain}`) : { ok: true, body: network };
  }
}

function userOf(network: NetworkContext, nick: string): ThirdPartyUser {
  return { userid: network.ids.ghostUserId(nick), protocol: PROTOCOL, fields: { domain: domainOf(network), nick } };
}
