import { createHmac } from "node:crypto";
import { testenv } from "../../../scripts/lib/testenv";

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

/** Registers a fresh user through Synapse's shared-secret admin registration. */
export async function registerUser(localpart: string): Promise<TestUser> {
  const nonce = (await csApi<{ nonce: string }>("GET", "/_synapse/admin/v1/register", undefined)).body.nonce;
  const password = `pw-${localpart}`;
  const mac = createHmac("sha1", testenv.sharedSecret).update(`${nonce}\0${localpart}\0${password}\0notadmin`).digest("hex");
  const res = await csApi<{ user_id: string; access_token: string }>("POST", "/_synapse/admin/v1/register", undefined, {
    nonce,
    username: localpart,
    password,
    admin: false,
    mac,
  });
  if (res.status !== 200) throw new Error(`cannot register ${localpart}: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user_id, token: res.body.access_token };
}

export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
