import { BlockList, isIP } from "node:net";

/**
 * The address ranges the bridge never contacts on behalf of an OpenID exchange (the incumbent's
 * `openIdDisallowedIpRanges`): a widget names any Matrix server it likes, so without this a caller
 * could make the bridge send requests into its own private network.
 *
 * Guarantee: `contains` is true for every address inside one of the ranges, IPv4-mapped IPv6
 * addresses (::ffff:10.0.0.1) included, since they reach the same IPv4 host.
 */

/** Synapse's default `ip_range_blacklist`, plus the "this host" ranges it always adds (0.0.0.0/8, ::). */
export const DEFAULT_DISALLOWED_IP_RANGES: readonly string[] = [
  "0.0.0.0/8",
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "192.0.0.0/24",
  "169.254.0.0/16",
  "192.88.99.0/24",
  "198.18.0.0/15",
  "192.0.2.0/24",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "::/128",
  "::1/128",
  "fe80::/10",
  "fc00::/7",
  "2001:db8::/32",
  "ff00::/8",
  "fec0::/10",
];

interface Range {
  readonly address: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
}

/** `10.0.0.0/8` or `fc00::/7` (a bare address is a single host); undefined when it is not one. */
function parseRange(text: string): Range | undefined {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** Why a config entry is not a range (config validation), or undefined when it is one. */
export function rangeProblem(text: string): string | undefined {
  return parseRange(text) === undefined ? `${JSON.stringify(text)} is not an IP range such as 10.0.0.0/8 or fc00::/7` : undefined;
}

export class IpRanges {
  private readonly list = new BlockList();

  constructor(ranges: readonly string[]) {
    for (const text of ranges) {
      const range = parseRange(text);
      if (range === undefined) throw new Error(rangeProblem(text));
      this.list.addSubnet(range.address, range.prefix, range.family);
    }
  }

  /** Whether `address` (an IP literal) lies in one of the ranges; anything that is no IP counts as inside. */
  contains(address: string): boolean {
    const version = isIP(address);
    if (version === 0) return true;
    return this.list.check(address, version === 4 ? "ipv4" : "ipv6");
  }
}
