/**
 * The incumbent bridge's (matrix-appservice-irc) PostgreSQL database, read into the same neutral
 * entries as its NeDB files (incumbentEntries.ts). Its tables: rooms (origin, room_id, type,
 * irc_domain, irc_channel), admin_rooms (room_id, user_id), pm_rooms (room_id, irc_domain, irc_nick,
 * matrix_user_id, virtual_user_id), client_config (user_id, domain, config JSON with nick, username
 * and ipv6; password: sealed with its key), and tables with no home here, counted. Only SELECTs.
 */
import { createHash } from "node:crypto";
import { Client } from "pg";
import { describePg } from "../../store/migrationTarget";
import { isChannelName, type IncumbentEntry, type IncumbentSource, type Unsupported } from "./incumbentEntries";

const COUNTED: readonly (readonly [string, Unsupported])[] = [
  ["user_features", "features"],
  ["last_seen", "lastSeen"],
  ["deactivated_users", "deactivated"],
  ["room_visibility", "visibility"],
  ["user_activity", "activity"],
  ["ipv6_counter", "ipv6Counters"],
  ["provisioner_sessions", "sessions"],
];

export async function readIncumbentPg(url: string): Promise<IncumbentSource> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot reach matrix-appservice-irc's PostgreSQL database ${describePg(url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const exists = async (table: string) => (await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [table])).rows[0]?.t != null;
    if (!(await exists("rooms")) || !(await exists("client_config"))) throw new Error(`${describePg(url)} has no rooms and client_config tables: not a matrix-appservice-irc database`);
    const entries: IncumbentEntry[] = [];
    const rooms = await client.query<{ origin: string; room_id: string; type: string; irc_domain: string; irc_channel: string }>(
      "SELECT origin, room_id, type, irc_domain, irc_channel FROM rooms ORDER BY room_id, irc_domain, irc_channel",
    );
    for (const r of rooms.rows) {
      if (r.type === "channel" || isChannelName(r.irc_channel)) entries.push({ kind: "channel", roomId: r.room_id, server: r.irc_domain, channel: r.irc_channel, origin: r.origin });
      else entries.push({ kind: "unsupported", what: "bareRooms", count: 1 });
    }
    if (await exists("admin_rooms")) {
      const admins = await client.query<{ room_id: string; user_id: string | null }>("SELECT room_id, user_id FROM admin_rooms ORDER BY room_id");
      for (const a of admins.rows) entries.push(a.user_id === null || a.user_id === "" ? { kind: "unsupported", what: "adminWithoutUser", count: 1 } : { kind: "admin", roomId: a.room_id, userId: a.user_id });
    }
    if (await exists("pm_rooms")) {
      const pms = await client.query<{ room_id: string; irc_domain: string; irc_nick: string; matrix_user_id: string | null; virtual_user_id: string | null }>(
        "SELECT room_id, irc_domain, irc_nick, matrix_user_id, virtual_user_id FROM pm_rooms ORDER BY room_id",
      );
      for (const p of pms.rows) entries.push({ kind: "pm", roomId: p.room_id, server: p.irc_domain, nick: p.irc_nick, userId: p.matrix_user_id ?? "", ghostId: p.virtual_user_id ?? "" });
    }
    const clients = await client.query<{ user_id: string; domain: string; config: Record<string, unknown> | null; sealed: boolean }>(
      "SELECT user_id, domain, config, password IS NOT NULL AS sealed FROM client_config ORDER BY user_id, domain",
    );
    for (const c of clients.rows) {
      const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
      entries.push({
        kind: "client",
        userId: c.user_id,
        server: c.domain,
        nick: text(c.config?.nick),
        username: text(c.config?.username),
        hasPassword: c.sealed,
        hasIpv6: text(c.config?.ipv6) !== undefined,
      });
    }
    for (const [table, what] of COUNTED) {
      if (!(await exists(table))) continue;
      const n = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
      if (n > 0) entries.push({ kind: "unsupported", what, count: n });
    }
    const stamp = `pg:${createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 16)}`;
    return { describe: `matrix-appservice-irc PostgreSQL database ${describePg(url)}`, stamp, entries };
  } finally {
    await client.end().catch(() => undefined);
  }
}
