import { isValidChannelName } from "../irc/channelName";
import type { NetworkConfig } from "../config/schema";
import { LOCALPART_CLASS, escapeNick, escapeRegExp, unescapeNick } from "./localpart";

/**
 * The Matrix ids one IRC network owns: ghost user ids (from ghostTemplate) and portal aliases (from
 * aliasTemplate), both ways, plus the regexes the registration claims for them; and the displayname
 * its ghosts carry (ghostDisplayname).
 */
export class NetworkIds {
  private readonly ghostPrefix: string;
  private readonly ghostSuffix: string;
  private readonly aliasPrefix: string;
  private readonly aliasSuffix: string;
  private readonly displaynameTemplate: string;
  private readonly networkName: string;

  constructor(
    network: Pick<NetworkConfig, "ghostTemplate" | "aliasTemplate"> & Partial<Pick<NetworkConfig, "ghostDisplayname" | "name">>,
    private readonly domain: string,
  ) {
    [this.ghostPrefix, this.ghostSuffix] = split(network.ghostTemplate, "{nick}");
    [this.aliasPrefix, this.aliasSuffix] = split(network.aliasTemplate, "{channel}");
    this.displaynameTemplate = network.ghostDisplayname ?? "{nick}";
    this.networkName = network.name ?? "";
  }

  /**
   * The displayname of the ghost standing for `nick`: the ghostDisplayname template with {nick} and
   * {network} filled in one pass (a nick such as "{network}" stays as written).
   */
  ghostDisplayname(nick: string): string {
    return this.displaynameTemplate.replace(/\{nick\}|\{network\}/g, (placeholder) => (placeholder === "{nick}" ? nick : this.networkName));
  }

  ghostUserId(nick: string): string {
    return `@${this.ghostPrefix}${escapeNick(nick)}${this.ghostSuffix}:${this.domain}`;
  }

  /** The (lower-cased) nick a ghost user id stands for, or undefined if it is not one of ours. */
  nickOfGhost(userId: string): string | undefined {
    const head = `@${this.ghostPrefix}`;
    const tail = `${this.ghostSuffix}:${this.domain}`;
    if (!userId.startsWith(head) || !userId.endsWith(tail) || userId.length <= head.length + tail.length) return undefined;
    return unescapeNick(userId.slice(head.length, userId.length - tail.length));
  }

  portalAlias(channel: string): string {
    return `#${this.aliasPrefix}${channel}${this.aliasSuffix}:${this.domain}`;
  }

  /** The channel a portal alias names, as written in the alias, or undefined if it is not ours. */
  channelOfAlias(alias: string): string | undefined {
    const head = `#${this.aliasPrefix}`;
    const tail = `${this.aliasSuffix}:${this.domain}`;
    if (!alias.startsWith(head) || !alias.endsWith(tail)) return undefined;
    const channel = alias.slice(head.length, alias.length - tail.length);
    return isValidChannelName(channel) ? channel : undefined;
  }

  get ghostRegex(): string {
    return `@${escapeRegExp(this.ghostPrefix)}${LOCALPART_CLASS}+${escapeRegExp(this.ghostSuffix)}:${escapeRegExp(this.domain)}`;
  }

  get aliasRegex(): string {
    return `#${escapeRegExp(this.aliasPrefix)}[#&!+][^:]*${escapeRegExp(this.aliasSuffix)}:${escapeRegExp(this.domain)}`;
  }
}

function split(template: string, placeholder: string): [string, string] {
  const at = template.indexOf(placeholder);
  return [template.slice(0, at), template.slice(at + placeholder.length)];
}
