/**
 * Config checks for a network's addresses (address, additionalAddresses, addressFamily, bindAddress,
 * ipv6.prefix): a combination no connection could dial is refused at load, naming the key, instead
 * of failing on every connect.
 */
import { isIP } from "node:net";
import type { NetworkConfig } from "../config/schema";
import type { ConfigProblem } from "../config/validate";
import { parseAddress } from "./endpoints";

/** Refinement of additionalAddresses: the first entry that is not an address, and why. */
export function addressListProblem(list: readonly string[]): string | undefined {
  for (const [i, text] of list.entries()) {
    const parsed = parseAddress(text, 1, false);
    if (typeof parsed === "string") return `entry ${i} ${parsed}`;
  }
  return undefined;
}

/** Every address of the network with its key path, in the order they are tried. */
function addresses(network: NetworkConfig, path: string): { readonly host: string; readonly path: string }[] {
  const more = network.additionalAddresses.flatMap((text, i) => {
    const parsed = parseAddress(text, network.port, network.tls);
    return typeof parsed === "string" ? [] : [{ host: parsed.host, path: `${path}.additionalAddresses[${i}]` }];
  });
  return [{ host: network.address, path: `${path}.address` }, ...more];
}

const familyName = (family: 4 | 6) => (family === 4 ? "IPv4" : "IPv6");

export function addressProblems(network: NetworkConfig, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const all = addresses(network, path);
  const wanted = network.addressFamily === "ipv4" ? 4 : network.addressFamily === "ipv6" ? 6 : undefined;
  if (wanted !== undefined) {
    for (const a of all) {
      const family = isIP(a.host);
      if (family !== 0 && family !== wanted) problems.push({ path: a.path, message: `is an ${familyName(family === 4 ? 4 : 6)} address, but addressFamily is ${network.addressFamily}` });
    }
  }
  const dialable = (family: 4 | 6) => all.some((a) => isIP(a.host) === 0 || isIP(a.host) === family);
  if (network.ipv6.prefix !== undefined) {
    if (wanted === 4) problems.push({ path: `${path}.ipv6.prefix`, message: "needs IPv6, but addressFamily is ipv4" });
    else if (!dialable(6)) problems.push({ path: `${path}.ipv6.prefix`, message: `needs an IPv6 server: every address is IPv4 (give an IPv6 address or a host name)` });
  }
  const bind = network.bindAddress === undefined ? 0 : isIP(network.bindAddress);
  if (bind === 4 || bind === 6) {
    if (wanted !== undefined && wanted !== bind) problems.push({ path: `${path}.bindAddress`, message: `is an ${familyName(bind)} address, but addressFamily is ${network.addressFamily}` });
    else if (!dialable(bind)) problems.push({ path: `${path}.bindAddress`, message: `is an ${familyName(bind)} address, but no address of the network is (give a host name or an ${familyName(bind)} address)` });
  }
  return problems;
}
