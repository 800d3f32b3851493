/**
 * Per-user IPv6 source addresses, so network staff can tell bridged users apart and ban one.
 *
 * Guarantee: the same Matrix user always gets the same address inside the configured prefix (it is
 * derived from the user id alone, nothing is stored, so restarts and other bridge instances agree),
 * never the prefix's all-zero host part (the subnet-router anycast address). Different users get
 * different addresses with overwhelming probability, not with certainty: the host bits are the
 * first bits of SHA-256 of the user id, and the prefix leaves at least MIN_HOST_BITS of them (two
 * users of a bridge with 100,000 users share an address with a chance below 2e-5 at 48 bits, and
 * far below at /64).
 */
import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";

/** A prefix must leave at least this many host bits (see the guarantee above). */
export const MIN_HOST_BITS = 48;

export interface Ipv6Prefix {
  /** The 16 bytes of the network address (host bits zero). */
  readonly bytes: Uint8Array;
  readonly length: number;
}

/** Parses "2001:db8:1::/64". Returns a reason (for the config error) when it is not acceptable. */
export function parseIpv6Prefix(text: string): Ipv6Prefix | string {
  const slash = text.indexOf("/");
  if (slash < 0) return "must be an IPv6 prefix with its length, such as 2001:db8:1::/64";
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return `the prefix length must be a number, got ${JSON.stringify(lengthText)}`;
  const length = Number(lengthText);
  if (length < 8 || length > 128 - MIN_HOST_BITS) return `the prefix length must be from 8 to ${128 - MIN_HOST_BITS} (at least ${MIN_HOST_BITS} bits for users' addresses), got ${length}`;
  const bytes = ipv6Bytes(address);
  if (bytes === undefined) return `${JSON.stringify(address)} is not an IPv6 address`;
  for (let bit = length; bit < 128; bit++) {
    if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) return `${address}/${length} has bits set after the first ${length}: write the network address`;
  }
  return { bytes, length };
}

/** The 16 bytes of an IPv6 address in text (hex groups, "::"; no embedded IPv4), else undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes(".") || text.includes("%")) return undefined;
  const halves = text.split("::");
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  const all = halves.length === 2 ? [...head, ...Array<string>(missing).fill("0"), ...tail] : head;
  if (all.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** The user's own address inside the prefix (see the guarantee at the top). */
export function userAddress(prefix: Ipv6Prefix, userId: string): string {
  const digest = createHash("sha256").update(userId, "utf8").digest();
  const bytes = new Uint8Array(prefix.bytes);
  let hostZero = true;
  for (let bit = prefix.length; bit < 128; bit++) {
    const mask = 0x80 >> (bit & 7);
    const on = ((digest[bit >> 3] ?? 0) & mask) !== 0;
    if (on) {
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | mask;
      hostZero = false;
    }
  }
  if (hostZero) bytes[15] = (bytes[15] ?? 0) | 1;
  return formatIpv6(bytes);
}
