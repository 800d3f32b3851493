import type { MatrixEvent } from "../../src/matrix/events";
import { MatrixApi, MatrixApiError, type Json } from "../../src/matrix/matrixApi";

export interface SentEvent {
  readonly roomId: string;
  readonly as: string;
  readonly type: string;
  readonly content: Json;
  readonly txnId: string;
  readonly ts: number | undefined;
}

/**
 * A MatrixApi that talks to no homeserver: every call is recorded in `calls` as one readable line
 * ("join !room:x @user:x"), successful sends also in `sent` with all their fields, created rooms in
 * `created`; `getState` answers from `state` (see `given`, `stateOf`). A method named in
 * `failures` ("send", or "send !room:x" for one room) rejects with that error (every call, until it
 * is removed). Any other request throws.
 */
export class FakeMatrixApi extends MatrixApi {
  readonly calls: string[] = [];
  readonly sent: SentEvent[] = [];
  readonly failures = new Map<string, MatrixApiError>();
  readonly displaynames = new Map<string, string>();
  /** Users the homeserver does not know. */
  readonly unknownUsers = new Set<string>();
  /** Bodies of the rooms created, in order; the n-th call makes "!created<n>:example.org". */
  readonly created: Json[] = [];
  private roomsMade = 0;
  /** Members `joinedMembers` reports per room (none when unset). */
  readonly members = new Map<string, string[]>();
  /** Room state by "room\0type\0stateKey": what getState answers (undefined, as for a 404, when unset); setState writes it. */
  readonly state = new Map<string, Json>();
  /** getState calls ("getState !room:x m.room.power_levels"), apart from `calls` (reads change nothing). */
  readonly reads: string[] = [];
  /** Room aliases -> the room each points at (setAlias of an existing alias fails with 409, as on Synapse). */
  readonly aliasTable = new Map<string, string>();
  /** Events `messages` reports per room, newest first. */
  readonly history = new Map<string, MatrixEvent[]>();

  constructor() {
    super("http://homeserver.invalid", "fake-as-token");
  }

  override request(method: string, path: string): Promise<Json> {
    return Promise.reject(new Error(`FakeMatrixApi: unexpected request ${method} ${path}`));
  }

  /** Calls made to one room, in order. */
  callsIn(roomId: string): string[] {
    return this.calls.filter((c) => c.split(" ")[1] === roomId);
  }

  private record(method: string, ...args: string[]): Promise<void> {
    this.calls.push([method, ...args].join(" "));
    const failure = this.failures.get(method) ?? this.failures.get(`${method} ${args[0] ?? ""}`);
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  override register(localpart: string): Promise<void> {
    return this.record("register", localpart);
  }

  override userExists(userId: string): Promise<boolean> {
    return Promise.resolve(!this.unknownUsers.has(userId));
  }

  override displayname(userId: string): Promise<string | undefined> {
    return Promise.resolve(this.displaynames.get(userId));
  }

  override setDisplayname(userId: string, displayname: string): Promise<void> {
    return this.record("setDisplayname", userId, displayname);
  }

  override async join(roomIdOrAlias: string, as: string): Promise<string> {
    await this.record("join", roomIdOrAlias, as);
    return roomIdOrAlias;
  }

  override redact(roomId: string, as: string, eventId: string): Promise<void> {
    return this.record("redact", roomId, as, eventId);
  }

  /** Recorded as "typing !room:x @ghost:x true". */
  override typing(roomId: string, userId: string, typing: boolean): Promise<void> {
    return this.record("typing", roomId, userId, String(typing));
  }

  override leave(roomId: string, as: string): Promise<void> {
    return this.record("leave", roomId, as);
  }

  override invite(roomId: string, as: string, userId: string): Promise<void> {
    return this.record("invite", roomId, as, userId);
  }

  override kick(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    return this.record("kick", roomId, as, userId, reason);
  }

  override ban(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    return this.record("ban", roomId, as, userId, reason);
  }

  override unban(roomId: string, as: string, userId: string, reason: string): Promise<void> {
    return this.record("unban", roomId, as, userId, reason);
  }

  override async send(roomId: string, as: string, type: string, content: Json, txnId: string, ts?: number): Promise<string> {
    await this.record("send", roomId, as, type);
    this.sent.push({ roomId, as, type, content, txnId, ts });
    return `$event${this.sent.length}`;
  }

  override async setState(roomId: string, as: string, type: string, stateKey: string, content: Json): Promise<void> {
    await this.record("setState", roomId, as, type, stateKey, JSON.stringify(content));
    this.state.set(`${roomId}\0${type}\0${stateKey}`, content);
    // The state is written, its answer not yet back (a slow network): until this settles.
    await this.answerHeld;
  }

  /** setState's answers wait for this once the state is written (see setState). */
  answerHeld: Promise<void> = Promise.resolve();

  override async getState(roomId: string, as: string, type: string, stateKey = ""): Promise<Json | undefined> {
    this.reads.push(`getState ${roomId} ${type}`);
    await this.record("getState", roomId, as, type, stateKey);
    return this.state.get(`${roomId}\0${type}\0${stateKey}`);
  }

  /** Sets a room's state as if it had been there (no call recorded). */
  given(roomId: string, type: string, content: Json, stateKey = ""): void {
    this.state.set(`${roomId}\0${type}\0${stateKey}`, content);
  }

  /** A room's state now. */
  stateOf(roomId: string, type: string, stateKey = ""): Json | undefined {
    return this.state.get(`${roomId}\0${type}\0${stateKey}`);
  }

  override hideFromDirectory(roomId: string, as: string): Promise<void> {
    return this.record("hideFromDirectory", roomId, as);
  }

  /** Recorded as "setDirectoryVisibility !room:x public appservice/<network>" (or "homeserver"). */
  override setDirectoryVisibility(roomId: string, as: string, visibility: "public" | "private", networkId: string | undefined): Promise<void> {
    return this.record("setDirectoryVisibility", roomId, visibility, networkId === undefined ? "homeserver" : `appservice/${networkId}`);
  }

  override async createRoom(as: string, body: Json): Promise<string> {
    const roomId = `!created${++this.roomsMade}:example.org`;
    await this.record("createRoom", as, roomId);
    this.created.push(body);
    return roomId;
  }

  override async messages(roomId: string, as: string, limit: number): Promise<MatrixEvent[]> {
    await this.record("messages", roomId, as, String(limit));
    return (this.history.get(roomId) ?? []).slice(0, limit);
  }

  override async localAliases(roomId: string, as: string): Promise<string[]> {
    await this.record("localAliases", roomId, as);
    return [...this.aliasTable].filter(([, room]) => room === roomId).map(([alias]) => alias);
  }

  override resolveAlias(alias: string): Promise<string | undefined> {
    return Promise.resolve(this.aliasTable.get(alias));
  }

  override async setAlias(alias: string, roomId: string, as: string): Promise<void> {
    await this.record("setAlias", alias, roomId, as);
    if (this.aliasTable.has(alias)) throw new MatrixApiError(409, "M_UNKNOWN", `Room alias ${alias} already exists`);
    this.aliasTable.set(alias, roomId);
  }

  override async deleteAlias(alias: string, as: string): Promise<void> {
    await this.record("deleteAlias", alias, as);
    if (!this.aliasTable.delete(alias)) throw new MatrixApiError(404, "M_NOT_FOUND", `Room alias ${alias} not found`);
  }

  override async joinedMembers(roomId: string, as: string): Promise<string[]> {
    await this.record("joinedMembers", roomId, as);
    return this.members.get(roomId) ?? [];
  }
}
