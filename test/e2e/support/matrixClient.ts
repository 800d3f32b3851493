import { createHmac } from "node:crypto";
import { testenv } from "../../../scripts/lib/testenv";
import { bridgeTail } from "./bridgeOutput";

/** A minimal client-server API client for test users (never used by the bridge itself). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- callers name the JSON shape they expect
export async function csApi<T = Record<string, unknown>>(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${testenv.synapseUrl}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface TestUser {
  readonly userId: string;
  readonly token: string;
}

/** The IRC nick of a Matrix user's puppet under the sample config's nickTemplate (`{localpart}[m]`). */
export function puppetNick(user: Pick<TestUser, "userId">): string {
  return `${user.userId.slice(1, user.userId.indexOf(":"))}[m]`;
}

export class RegistrationError extends Error {
  constructor(
    readonly errcode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Registers a user through Synapse's shared-secret admin registration. */
export async function registerUser(localpart: string, password = `pw-${localpart}`, serverAdmin = false): Promise<TestUser> {
  const nonce = (await csApi<{ nonce: string }>("GET", "/_synapse/admin/v1/register", undefined)).body.nonce;
  const mac = createHmac("sha1", testenv.sharedSecret).update(`${nonce}\0${localpart}\0${password}\0${serverAdmin ? "admin" : "notadmin"}`).digest("hex");
  const res = await csApi<{ user_id: string; access_token: string; errcode?: string }>("POST", "/_synapse/admin/v1/register", undefined, {
    nonce,
    username: localpart,
    password,
    admin: serverAdmin,
    mac,
  });
  if (res.status !== 200) throw new RegistrationError(res.body.errcode, `cannot register ${localpart}: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user_id, token: res.body.access_token };
}

export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface RoomEvent {
  readonly type: string;
  readonly sender: string;
  readonly event_id: string;
  readonly origin_server_ts: number;
  readonly state_key?: string;
  readonly content: Record<string, unknown>;
}

/** The room's timeline (oldest first), as the user sees it. */
export async function timeline(user: TestUser, roomId: string, limit = 1000): Promise<RoomEvent[]> {
  const res = await csApi<{ chunk: RoomEvent[] }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${limit}`, user.token);
  if (res.status !== 200) throw new Error(`messages: ${res.status} ${JSON.stringify(res.body)}`);
  return [...res.body.chunk].reverse();
}

export async function joinRoom(user: TestUser, roomIdOrAlias: string): Promise<string> {
  const res = await csApi<{ room_id: string }>("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`, user.token, {});
  if (res.status !== 200) throw new Error(`join ${roomIdOrAlias}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.room_id;
}

let txn = 0;
export async function sendText(user: TestUser, roomId: string, body: string, msgtype = "m.text"): Promise<string> {
  const res = await csApi<{ event_id: string }>("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${Date.now()}.${txn++}`, user.token, { msgtype, body });
  if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.event_id;
}

export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}${bridgeTail()}`);
}
