/**
 * The Identification Protocol (RFC 1413), pure: a query line in, the answer line out.
 *
 * Guarantee: only a query of exactly two decimal ports separated by a comma (spaces and tabs
 * allowed around them) is answered; the answer names a user only when `lookup` finds the
 * connection with exactly that port pair between exactly the two hosts of the query, otherwise it
 * is an ERROR. Anything else gets no answer (the server closes the connection).
 */

/** The longest query line accepted (RFC 1413 queries are under 20 bytes). */
export const MAX_QUERY_BYTES = 64;

export interface IdentQuery {
  /** Our side of the connection asked about (the port on the ident server's host). */
  readonly localPort: number;
  /** The querying host's side (the IRC server's port, e.g. 6667). */
  readonly remotePort: number;
}

import type { SocketPair } from "../irc/connectionTypes";

/** A connection the bridge holds, as an ident lookup sees it. */
export type { SocketPair };

export type ParsedQuery = { readonly ok: true; readonly query: IdentQuery } | { readonly ok: false; readonly answer: string | undefined };

/** Parses one query line (without its line ending). */
export function parseIdentQuery(line: string): ParsedQuery {
  const match = /^[ \t]*(\d{1,5})[ \t]*,[ \t]*(\d{1,5})[ \t]*$/.exec(line);
  if (match === null) return { ok: false, answer: undefined };
  const localPort = Number(match[1]);
  const remotePort = Number(match[2]);
  if (!validPort(localPort) || !validPort(remotePort)) return { ok: false, answer: `${localPort} , ${remotePort} : ERROR : INVALID-PORT` };
  return { ok: true, query: { localPort, remotePort } };
}

function validPort(port: number): boolean {
  return port >= 1 && port <= 65535;
}

/** "::ffff:127.0.0.1" (an IPv4 peer on a dual-stack socket) is 127.0.0.1; IPv6 text lower case. */
export function sameHost(a: string, b: string): boolean {
  const plain = (s: string) => s.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  return plain(a) === plain(b);
}

/** Whether a connection of ours is the one the query asks about, seen from the query's socket. */
export function matches(pair: SocketPair, query: IdentQuery, asked: { readonly ourAddress: string; readonly querier: string }): boolean {
  return (
    pair.localPort === query.localPort && pair.remotePort === query.remotePort && sameHost(pair.localAddress, asked.ourAddress) && sameHost(pair.remoteAddress, asked.querier)
  );
}

/**
 * The answer for a query: the username when found, else NO-USER. A username that could not stand
 * in an answer line (spaces, colons, control characters) is never sent: NO-USER instead.
 */
export function identAnswer(query: IdentQuery, username: string | undefined): string {
  const ports = `${query.localPort} , ${query.remotePort}`;
  if (username === undefined || !/^[\x21-\x7e]{1,64}$/.test(username) || /[:,]/.test(username)) return `${ports} : ERROR : NO-USER`;
  return `${ports} : USERID : UNIX : ${username}`;
}
