import { asMatrixEvent, type MatrixEvent } from "./events";
import { HomeserverHttp, type HttpAnswer } from "./homeserverHttp";

/**
 * The client-server API calls the bridge makes, as the application service (as_token) acting for
 * its bot or a ghost (`user_id` impersonation). Transport only. Failures throw MatrixApiError with
 * the status and errcode, so callers can tell a refusal (4xx) from an outage (5xx, network).
 */
export class MatrixApiError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
    this.name = "MatrixApiError";
  }

  /** Worth retrying: the homeserver is down, overloaded or rate-limiting. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

export type Json = Record<string, unknown>;

export class MatrixApi {
  private readonly http: HomeserverHttp;

  constructor(baseUrl: string, private readonly asToken: string, requestTimeoutMs = 30000) {
    this.http = new HomeserverHttp(baseUrl, requestTimeoutMs);
  }

  async request(method: string, path: string, as: string | undefined, body?: unknown, query: Record<string, string> = {}): Promise<Json> {
    const params = new URLSearchParams(query);
    if (as !== undefined) params.set("user_id", as);
    const search = params.toString();
    let res: HttpAnswer;
    try {
      res = await this.http.request(method, search === "" ? path : `${path}?${search}`, { Authorization: `Bearer ${this.asToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) }, body === undefined ? undefined : JSON.stringify(body));
    } catch (err) {
      throw new MatrixApiError(0, "M_UNREACHABLE", `homeserver unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = res.text;
    let json: Json = {};
    try {
      json = text ? (JSON.parse(text) as Json) : {};
    } catch {
      json = {};
    }
    if (res.status >= 300 && res.status <= 399) {
      const where = res.location === undefined ? "elsewhere" : `to ${res.location}`;
      throw new MatrixApiError(res.status, "M_REDIRECTED", `${method} ${path}: ${res.status}, the homeserver redirected ${where}; homeserver.url must name where it answers (redirects are not followed)`);
    }
    if (res.status < 200 || res.status > 299) {
      const errcode = typeof json.errcode === "string" ? json.errcode : "M_UNKNOWN";
      const error = typeof json.error === "string" ? json.error : text.slice(0, 200);
      throw new MatrixApiError(res.status, errcode, `${method} ${path}: ${res.status} ${errcode} ${error}`);
    }
    return json;
  }

  /** Ends the kept-alive connections to the homeserver (the bridge is stopping). */
  close(): void {
    this.http.close();
  }

  /** Registers a user in our namespace; an existing one counts as success. */
  async register(localpart: string): Promise<void> {
    try {
      await this.request("POST", "/_matrix/client/v3/register", undefined, { type: "m.login.application_service", username: localpart, inhibit_login: true });
    } catch (err) {
      if (err instanceof MatrixApiError && err.errcode === "M_USER_IN_USE") return;
      throw err;
    }
  }

  async displayname(userId: string): Promise<string | undefined> {
    try {
      const res = await this.request("GET", `/_matrix/client/v3/profile/${encodeURIComponent(userId)}/displayname`, undefined);
      return typeof res.displayname === "string" ? res.displayname : undefined;
    } catch (err) {
      if (err instanceof MatrixApiError && !err.transient) return undefined;
      throw err;
    }
  }

  /** Whether the homeserver knows the user (has a profile for them); transient failures throw. */
  async userExists(userId: string): Promise<boolean> {
    try {
      await this.request("GET", `/_matrix/client/v3/profile/${encodeURIComponent(userId)}`, undefined);
      return true;
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return false;
      throw err;
    }
  }

  async setDisplayname(userId: string, displayname: string): Promise<void> {
    await this.request("PUT", `/_matrix/client/v3/profile/${encodeURIComponent(userId)}/displayname`, userId, { displayname });
  }

  async join(roomIdOrAlias: string, as: string): Promise<string> {
    const res = await this.request("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`, as, {});
    return typeof res.room_id === "string" ? res.room_id : roomIdOrAlias;
  }

  async leave(roomId: string, as: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, as, {});
  }

  async invite(roomId: string, as: string, userId: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, as, { user_id: userId });
  }

  async kick(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, as, { user_id: userId, reason });
  }

  async ban(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, as, { user_id: userId, reason });
  }

  async unban(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/unban`, as, { user_id: userId, reason });
  }

  /** Sends an event; `txnId` makes a retry idempotent; `ts` backdates it (appservice only). */
  async send(roomId: string, as: string, type: string, content: Json, txnId: string, ts?: number): Promise<string> {
    const query: Record<string, string> = ts === undefined ? {} : { ts: String(Math.floor(ts)) };
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;
    const res = await this.request("PUT", path, as, content, query);
    return typeof res.event_id === "string" ? res.event_id : "";
  }

  /** Redacts an event (the sender needs the power to redact others' events, or to be its sender). */
  async redact(roomId: string, as: string, eventId: string, reason: string, txnId: string): Promise<void> {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/${encodeURIComponent(txnId)}`;
    await this.request("PUT", path, as, { reason });
  }

  /** Shows `userId` typing in the room for up to `timeoutMs` (true), or no longer typing (false). */
  async typing(roomId: string, userId: string, typing: boolean, timeoutMs: number): Promise<void> {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(userId)}`;
    await this.request("PUT", path, userId, typing ? { typing, timeout: timeoutMs } : { typing });
  }

  async setState(roomId: string, as: string, type: string, stateKey: string, content: Json): Promise<void> {
    await this.request("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`, as, content);
  }

  async getState(roomId: string, as: string, type: string, stateKey = ""): Promise<Json | undefined> {
    try {
      return await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`, as);
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Every current state event of the room (as far as `as` may see it). */
  async roomState(roomId: string, as: string): Promise<MatrixEvent[]> {
    const res: unknown = await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, as);
    const events: unknown[] = Array.isArray(res) ? res : [];
    return events.map(asMatrixEvent).flatMap((e) => (e === undefined ? [] : [{ ...e, room_id: e.room_id ?? roomId }]));
  }

  /**
   * Takes the room out of the homeserver's public room directory (visibility "private"). Only
   * setDirectoryVisibility publishes a room, and only for the decisions of discovery/directoryListing.ts.
   */
  async hideFromDirectory(roomId: string, as: string): Promise<void> {
    await this.request("PUT", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, as, { visibility: "private" });
  }

  /**
   * Lists the room in the room directory (or takes it out): in the application service's own list
   * for one network (`networkId`: clients see it under that third-party instance), or, with none, in
   * the homeserver's main list.
   */
  async setDirectoryVisibility(roomId: string, as: string, visibility: "public" | "private", networkId: string | undefined): Promise<void> {
    const room = encodeURIComponent(roomId);
    const path = networkId === undefined ? `/_matrix/client/v3/directory/list/room/${room}` : `/_matrix/client/v3/directory/list/appservice/${encodeURIComponent(networkId)}/${room}`;
    await this.request("PUT", path, as, { visibility });
  }

  /** The room's local aliases (GET /rooms/{roomId}/aliases; `as` must be in the room). */
  async localAliases(roomId: string, as: string): Promise<string[]> {
    const res = await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/aliases`, as);
    return Array.isArray(res.aliases) ? res.aliases.filter((a): a is string => typeof a === "string") : [];
  }

  /** The room an alias points at; undefined when it does not exist. */
  async resolveAlias(alias: string, as?: string): Promise<string | undefined> {
    try {
      const res = await this.request("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, as);
      return typeof res.room_id === "string" ? res.room_id : undefined;
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Points a (free) alias at a room. */
  async setAlias(alias: string, roomId: string, as: string): Promise<void> {
    await this.request("PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, as, { room_id: roomId });
  }

  async deleteAlias(alias: string, as: string): Promise<void> {
    await this.request("DELETE", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, as);
  }

  async createRoom(as: string, body: Json): Promise<string> {
    const res = await this.request("POST", "/_matrix/client/v3/createRoom", as, body);
    if (typeof res.room_id !== "string") throw new MatrixApiError(500, "M_UNKNOWN", "createRoom returned no room_id");
    return res.room_id;
  }

  /** One event of a room (as far as `as` may see it); undefined when the homeserver does not know it (404). */
  async event(roomId: string, as: string, eventId: string): Promise<MatrixEvent | undefined> {
    try {
      const res = await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`, as);
      const event = asMatrixEvent(res);
      return event === undefined ? undefined : { ...event, room_id: event.room_id ?? roomId };
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The room's latest events, newest first (as far as `as` may see them). */
  async messages(roomId: string, as: string, limit: number): Promise<MatrixEvent[]> {
    const res = await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, as, undefined, { dir: "b", limit: String(limit) });
    const chunk = Array.isArray(res.chunk) ? (res.chunk as unknown[]) : [];
    return chunk.map(asMatrixEvent).flatMap((e) => (e === undefined ? [] : [{ ...e, room_id: e.room_id ?? roomId }]));
  }

  async joinedMembers(roomId: string, as: string): Promise<string[]> {
    const res = await this.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`, as);
    return typeof res.joined === "object" && res.joined !== null ? Object.keys(res.joined) : [];
  }
}
