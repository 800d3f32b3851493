/**
 * The incumbent bridge's (matrix-appservice-irc) records, read from its NeDB data directory
 * (rooms.db, users.db: matrix-appservice-bridge's room and user stores) into one neutral list that
 * its PostgreSQL tables are read into too (incumbentPg.ts), so the mapping to this bridge's records
 * (incumbentMapping.ts) does not care where they came from. Nothing here writes.
 *
 * Shapes, as that bridge stores them:
 * - rooms.db, a channel mapping: { id: "<roomId> <server> <channel>", matrix_id, remote_id,
 *   remote: { domain, channel (lower-cased), type: "channel" }, data: { origin } } (older: data.from_config);
 * - rooms.db, a private-message room: remote.type "pm" (channel: the IRC nick), data: { real_user_id, virtual_user_id };
 * - rooms.db, an admin room: { id: "ADMIN_<userId>", matrix_id, matrix: { extras: { admin_id } } };
 * - users.db, a Matrix user: { type: "matrix", id, data: { client_config: { <server, dots as _>:
 *   { nick, username, password (sealed with its key), ipv6 } }, features, last_seen_ts, deactivated } };
 * - users.db, IRC users (type "remote", "union") and its IPv6 counters (remote id "config").
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { redactUrls } from "./migrateArgs";
import { fileStamp, readNedbFile } from "../../store/nedbFile";

/** What the incumbent keeps that has no home in this bridge's store, by kind. */
export type Unsupported =
  | "features"
  | "lastSeen"
  | "deactivated"
  | "ircUsers"
  | "ipv6Counters"
  | "visibility"
  | "bareRooms"
  | "activity"
  | "sessions"
  | "corrupt"
  | "adminWithoutUser";

export type IncumbentEntry =
  | { readonly kind: "channel"; readonly roomId: string; readonly server: string; readonly channel: string; readonly origin: string | undefined }
  | { readonly kind: "pm"; readonly roomId: string; readonly server: string; readonly nick: string; readonly userId: string; readonly ghostId: string }
  | { readonly kind: "admin"; readonly roomId: string; readonly userId: string }
  | {
      readonly kind: "client";
      readonly userId: string;
      /** The server's name, or (NeDB) its name with dots written as underscores. */
      readonly server: string;
      readonly nick: string | undefined;
      readonly username: string | undefined;
      readonly hasPassword: boolean;
      readonly hasIpv6: boolean;
    }
  | { readonly kind: "unsupported"; readonly what: Unsupported; readonly count: number };

export interface IncumbentSource {
  /** Shown to the operator: where the entries came from. */
  readonly describe: string;
  /** Changes when the source changed (a run then starts over). */
  readonly stamp: string;
  readonly entries: readonly IncumbentEntry[];
}

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Doc) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** A channel's name, whatever type the incumbent gave its room. */
export const isChannelName = (name: string): boolean => /^[#&]/.test(name);

export function roomEntry(doc: Doc): IncumbentEntry {
  const remote = obj(doc.remote);
  const data = obj(doc.data) ?? {};
  const extras = obj(obj(doc.matrix)?.extras) ?? {};
  const roomId = str(doc.matrix_id);
  const id = str(doc.id) ?? "";
  const adminOf = str(extras.admin_id) ?? (id.startsWith("ADMIN_") ? id.slice(6) : undefined);
  if (roomId !== undefined && remote === undefined && adminOf !== undefined) return adminOf === "" ? { kind: "unsupported", what: "adminWithoutUser", count: 1 } : { kind: "admin", roomId, userId: adminOf };
  const server = str(remote?.domain);
  const channel = str(remote?.channel);
  if (roomId === undefined || server === undefined || channel === undefined) return { kind: "unsupported", what: extras.visibility === undefined ? "bareRooms" : "visibility", count: 1 };
  const realUser = str(data.real_user_id);
  // The incumbent types every name not starting with # as "pm", & channels too; no nick starts with & or #.
  if ((remote?.type === "pm" || realUser !== undefined) && !isChannelName(channel)) {
    return { kind: "pm", roomId, server, nick: channel, userId: realUser ?? "", ghostId: str(data.virtual_user_id) ?? "" };
  }
  const origin = str(data.origin) ?? (data.from_config === true ? "config" : undefined);
  return { kind: "channel", roomId, server, channel, origin };
}

export function userEntries(doc: Doc): IncumbentEntry[] {
  const id = str(doc.id) ?? "";
  if (doc.type === "remote" && id === "config") return [{ kind: "unsupported", what: "ipv6Counters", count: 1 }];
  if (doc.type !== "matrix") return [{ kind: "unsupported", what: "ircUsers", count: 1 }];
  const data = obj(doc.data) ?? {};
  const out: IncumbentEntry[] = [];
  for (const [server, value] of Object.entries(obj(data.client_config) ?? {})) {
    const config = obj(value) ?? {};
    out.push({
      kind: "client",
      userId: id,
      server,
      nick: str(config.nick),
      username: str(config.username),
      hasPassword: str(config.password) !== undefined,
      hasIpv6: str(config.ipv6) !== undefined,
    });
  }
  if (Object.keys(obj(data.features) ?? {}).length > 0) out.push({ kind: "unsupported", what: "features", count: 1 });
  if (data.last_seen_ts !== undefined) out.push({ kind: "unsupported", what: "lastSeen", count: 1 });
  if (data.deactivated === true) out.push({ kind: "unsupported", what: "deactivated", count: 1 });
  return out;
}

/** The incumbent's NeDB data directory; an error naming what is missing when it is not one. */
export function readIncumbentNedb(dir: string): IncumbentSource {
  const rooms = join(dir, "rooms.db");
  const users = join(dir, "users.db");
  if (!existsSync(dir)) throw new Error(`no matrix-appservice-irc data directory at ${redactUrls(dir)}`);
  if (!existsSync(rooms) && !existsSync(users)) throw new Error(`${redactUrls(dir)} holds neither rooms.db nor users.db: not a matrix-appservice-irc data directory`);
  const entries: IncumbentEntry[] = [];
  const stamps: string[] = [];
  if (existsSync(rooms)) {
    const read = readNedbFile(rooms);
    for (const doc of read.docs) entries.push(roomEntry(doc));
    if (read.corrupt > 0) entries.push({ kind: "unsupported", what: "corrupt", count: read.corrupt });
    stamps.push(fileStamp(rooms));
  }
  if (existsSync(users)) {
    const read = readNedbFile(users);
    for (const doc of read.docs) entries.push(...userEntries(doc));
    if (read.corrupt > 0) entries.push({ kind: "unsupported", what: "corrupt", count: read.corrupt });
    stamps.push(fileStamp(users));
  }
  return { describe: `matrix-appservice-irc NeDB data in ${dir}`, stamp: `nedb:${stamps.join("/")}`, entries };
}
