/**
 * How a Matrix user's IRC connection presents itself to the network's staff: its username and
 * realname (userTemplates.ts), its own IPv6 source address (ipv6Address.ts), the WEBIRC line that
 * tells a trusting server that address, and the CTCP VERSION reply naming the bridge and the
 * homeserver. Built once per network from its config.
 */
import type { NetworkConfig } from "../config/schema";
import type { ConfigProblem } from "../config/validate";
import type { WebircLine } from "../irc/connectionTypes";
import { parseIpv6Prefix, userAddress, type Ipv6Prefix } from "./ipv6Address";
import { renderRealname, type UserTemplates } from "./userTemplates";

/** The name the bridge gives itself on IRC (CTCP VERSION, the WEBIRC gateway). */
export const BRIDGE_NAME = "matrix-irc-puppet-bridge";

export interface PuppetFace {
  readonly templates: UserTemplates;
  readonly ipv6: Ipv6Prefix | undefined;
  readonly webirc: { readonly password: string; readonly hostname: string | undefined; readonly address: string | undefined } | undefined;
  /** The homeserver whose users the bridge brings (named in the CTCP VERSION reply). */
  readonly domain: string;
}

export function buildPuppetFace(network: NetworkConfig, domain: string): PuppetFace {
  const prefix = network.ipv6.prefix === undefined ? undefined : parseIpv6Prefix(network.ipv6.prefix);
  const { password, hostname, address } = network.webirc;
  return {
    templates: { userTemplate: network.userTemplate, realnameFormat: network.realnameFormat, realnameTemplate: network.realnameTemplate },
    ipv6: typeof prefix === "string" ? undefined : prefix,
    webirc: password === undefined ? undefined : { password, hostname, address },
    domain,
  };
}

/** Keys that only make sense together (see load.ts crossChecks; ipv6.prefix against the addresses: irc/addressProblems.ts). */
export function puppetFaceProblems(network: NetworkConfig, path: string): ConfigProblem[] {
  if (network.webirc.password !== undefined && network.webirc.address === undefined && network.ipv6.prefix === undefined) {
    return [{ path: `${path}.webirc.address`, message: "is required with webirc.password when the network has no ipv6.prefix (the address WEBIRC sends)" }];
  }
  return [];
}

/** What one user's connection is opened with. */
export interface UserFace {
  readonly realname: string;
  /** Their own source address, when the network has an ipv6.prefix. */
  readonly bindAddress: string | undefined;
  readonly webirc: WebircLine | undefined;
}

export function userFace(face: PuppetFace, userId: string): UserFace {
  const bindAddress = face.ipv6 === undefined ? undefined : userAddress(face.ipv6, userId);
  const address = bindAddress ?? face.webirc?.address;
  const webirc =
    face.webirc === undefined || address === undefined
      ? undefined
      : { password: face.webirc.password, username: BRIDGE_NAME, hostname: face.webirc.hostname ?? address, address };
  return { realname: renderRealname(face.templates, userId), bindAddress, webirc };
}

/** The CTCP VERSION reply of a user's connection. */
export function versionReply(version: string, domain: string): string {
  return `${BRIDGE_NAME} ${version}, bridging Matrix users of ${domain}`;
}
