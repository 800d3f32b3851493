/**
 * The connection process's wire: what the bridge and the connection processes (connectors) put on
 * Redis streams, and the keys they live under. Pure: names, encoding and decoding only.
 *
 * Streams (all under one prefix, the config's connectionProcess.streamPrefix):
 * - `<p>:open`          bridge -> connectors: "open this connection" requests, read by the consumer
 *                       group "connectors", so exactly one connector takes each request.
 * - `<p>:out:<owner>`   bridge -> one connector: lines to write, "close", and "open" again for a
 *                       connection that connector already holds (a resume after a bridge restart).
 * - `<p>:in`            connectors -> bridge: "open" (socket up, or resumed), received lines,
 *                       "resumed", "close"; read by the bridge's consumer group "bridge" and
 *                       acknowledged only once handled, so nothing is lost while the bridge is down.
 * Keys: `<p>:owner` (hash connection id -> owner id), `<p>:alive:<owner>` (the owner's lease,
 * expiring unless renewed).
 *
 * A line the connector made up itself (its answer to a resuming registration, resume.ts) is marked
 * `replay`: it belongs to that session only, never to a backlog.
 *
 * Every entry names its connection (`c`) and the bridge's session of it (`s`): each connect of the
 * bridge's transport is a new session, so lines received for an earlier session (the backlog of a
 * bridge restart) are told apart from the answers to the new session's registration.
 */

export interface StreamNames {
  readonly open: string;
  readonly inbound: string;
  readonly owners: string;
  out(owner: string): string;
  alive(owner: string): string;
}

export function streamNames(prefix: string): StreamNames {
  return {
    open: `${prefix}:open`,
    inbound: `${prefix}:in`,
    owners: `${prefix}:owner`,
    out: (owner) => `${prefix}:out:${owner}`,
    alive: (owner) => `${prefix}:alive:${owner}`,
  };
}

/** The consumer groups. */
export const BRIDGE_GROUP = "bridge";
export const CONNECTOR_GROUP = "connectors";

/** Where to dial and how: what a connector needs besides the network's own config. */
export interface OpenRequest {
  readonly connection: string;
  readonly session: string;
  /** The network's id in the config (its TLS settings, encoding fallback and keepalive come from there). */
  readonly network: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly family: 4 | 6 | undefined;
  readonly localAddress: string | undefined;
  /** The user's client certificate (PEM), only on TLS; it crosses Redis, which must be private. */
  readonly certificate: { readonly key: string; readonly cert: string } | undefined;
  /** When the bridge asked (ms since the epoch): a connector drops a request the bridge gave up on. */
  readonly at: number;
}

/** Bridge -> connector, on `<p>:out:<owner>`. */
export type OutEntry =
  | { readonly t: "line"; readonly connection: string; readonly session: string; readonly line: string }
  | { readonly t: "close"; readonly connection: string; readonly session: string; readonly force: boolean }
  | ({ readonly t: "open" } & OpenRequest);

/** Connector -> bridge, on `<p>:in`. */
export type InEntry =
  | { readonly t: "open"; readonly connection: string; readonly session: string; readonly owner: string; readonly resumed: boolean }
  | { readonly t: "line"; readonly connection: string; readonly session: string; readonly line: string; readonly replay?: true }
  | { readonly t: "resumed"; readonly connection: string; readonly session: string }
  | { readonly t: "close"; readonly connection: string; readonly session: string; readonly reason: string | undefined; readonly owner?: string };

/**
 * The session of a "close" a connector sends for a connection an earlier run of its name held (it
 * does not know the bridge's session): it closes the current session if that one is held by `owner`.
 */
export const ANY_SESSION = "*";

/** A stream entry's fields as Redis returns them: [name, value, name, value, ...]. */
export type Fields = readonly string[];

function fieldMap(fields: Fields): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? "", fields[i + 1] ?? "");
  return map;
}

/** An entry's fields by name, with the connection and session every entry names; undefined when one is missing. */
function entryHead(fields: Fields): { m: Map<string, string>; connection: string; session: string } | undefined {
  const m = fieldMap(fields);
  const connection = m.get("c");
  const session = m.get("s");
  return connection === undefined || session === undefined ? undefined : { m, connection, session };
}

export function encodeOpen(r: OpenRequest): string[] {
  const f = ["t", "open", "c", r.connection, "s", r.session, "n", r.network, "h", r.host, "p", String(r.port), "tls", r.tls ? "1" : "0", "at", String(r.at)];
  if (r.family !== undefined) f.push("fam", String(r.family));
  if (r.localAddress !== undefined) f.push("la", r.localAddress);
  if (r.certificate !== undefined) f.push("ck", r.certificate.key, "cc", r.certificate.cert);
  return f;
}

function decodeOpen(m: Map<string, string>, connection: string, session: string): OpenRequest | undefined {
  const network = m.get("n");
  const host = m.get("h");
  const port = Number(m.get("p"));
  if (network === undefined || host === undefined || !Number.isInteger(port)) return undefined;
  const fam = m.get("fam");
  const key = m.get("ck");
  const cert = m.get("cc");
  return {
    connection,
    session,
    network,
    host,
    port,
    tls: m.get("tls") === "1",
    family: fam === "4" ? 4 : fam === "6" ? 6 : undefined,
    localAddress: m.get("la"),
    certificate: key !== undefined && cert !== undefined ? { key, cert } : undefined,
    at: Number(m.get("at") ?? 0),
  };
}

export function encodeOut(e: OutEntry): string[] {
  if (e.t === "open") return encodeOpen(e);
  if (e.t === "line") return ["t", "line", "c", e.connection, "s", e.session, "l", e.line];
  return ["t", "close", "c", e.connection, "s", e.session, "force", e.force ? "1" : "0"];
}

/** An entry of `<p>:open` or `<p>:out:<owner>`, or undefined for one this version cannot read. */
export function decodeOut(fields: Fields): OutEntry | undefined {
  const head = entryHead(fields);
  if (head === undefined) return undefined;
  const { m, connection, session } = head;
  switch (m.get("t")) {
    case "line": {
      const line = m.get("l");
      return line === undefined ? undefined : { t: "line", connection, session, line };
    }
    case "close":
      return { t: "close", connection, session, force: m.get("force") === "1" };
    case "open": {
      const open = decodeOpen(m, connection, session);
      return open === undefined ? undefined : { t: "open", ...open };
    }
    default:
      return undefined;
  }
}

export function encodeIn(e: InEntry): string[] {
  const f = ["t", e.t, "c", e.connection, "s", e.session];
  if (e.t === "open") f.push("o", e.owner, "r", e.resumed ? "1" : "0");
  if (e.t === "line") f.push("l", e.line);
  if (e.t === "line" && e.replay === true) f.push("rp", "1");
  if (e.t === "close" && e.reason !== undefined) f.push("e", e.reason);
  if (e.t === "close" && e.owner !== undefined) f.push("o", e.owner);
  return f;
}

export function decodeIn(fields: Fields): InEntry | undefined {
  const head = entryHead(fields);
  if (head === undefined) return undefined;
  const { m, connection, session } = head;
  switch (m.get("t")) {
    case "open":
      return { t: "open", connection, session, owner: m.get("o") ?? "", resumed: m.get("r") === "1" };
    case "line": {
      const line = m.get("l");
      if (line === undefined) return undefined;
      return m.get("rp") === "1" ? { t: "line", connection, session, line, replay: true } : { t: "line", connection, session, line };
    }
    case "resumed":
      return { t: "resumed", connection, session };
    case "close": {
      const owner = m.get("o");
      return owner === undefined ? { t: "close", connection, session, reason: m.get("e") } : { t: "close", connection, session, reason: m.get("e"), owner };
    }
    default:
      return undefined;
  }
}
