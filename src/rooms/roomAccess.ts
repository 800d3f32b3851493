/**
 * Room settings the bridge keeps in step with IRC channel modes: power levels (prefix modes and +m,
 * see powerLevelSync.ts), the join rule (+i, +k) and the room directory (+s, +p). Every change goes
 * through the room's ordered queue and reads the room's state first, so retries are harmless.
 *
 * Guarantees:
 * - Join rule: invite-only while the channel is +i or +k. Only when the bridge itself sees that
 *   neither is set any more (a -i/-k, or the channel's modes when one of its connections joins)
 *   does the room get back the rule it had before (a portal room: the configured portals.joinRule);
 *   a portal created closed (opensLater) opens the same way. Leaving the channel changes nothing:
 *   a room stays closed while the bridge cannot tell (opening late is safe, closing late leaks).
 *   Only a rule the bridge set is reverted: a room a moderator made invite-only (or changed again
 *   after the bridge did) is left alone. What it was is stored (AccessRecords).
 * - Directory: a room of a +s or +p channel is taken out of the room directory each time the bridge
 *   sees the mode, and nothing here publishes a room (-s and -p change nothing). Listing portals of
 *   open channels, where a network asks for it, is `directory` (discovery/directoryListing.ts).
 * Not guaranteed: a room whose state the bot may not change keeps its settings (logged by the
 * queue). Between a +i and the write, a Matrix user may still join.
 */
import { DirectoryListing } from "../discovery/directoryListing";
import type { MatrixApi } from "../matrix/matrixApi";
import type { AccessRecords } from "./accessRecords";
import type { PowerLevelSync } from "./powerLevelSync";
import type { RoomQueues } from "./roomQueues";

export interface RoomAccessDeps {
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly records: AccessRecords;
  readonly powerLevels: PowerLevelSync;
  readonly botUserId: string;
}

export class RoomAccess {
  /** The last join-rule wish per room (true: invite-only), so repeats queue nothing; a room leaves it once restored. */
  private readonly inviteWished = new Map<string, boolean>();
  /** Portals listed in the room directory while their channel is open (portals.published). */
  readonly directory: DirectoryListing;

  constructor(private readonly deps: RoomAccessDeps) {
    this.directory = new DirectoryListing({ api: deps.api, queues: deps.queues, botUserId: deps.botUserId, records: deps.records });
  }

  /** Rooms with a join-rule wish on record (tests). */
  get wishes(): number {
    return this.inviteWished.size;
  }

  get powerLevels(): PowerLevelSync {
    return this.deps.powerLevels;
  }

  /**
   * The channel is (`invite`) or is no longer invite-only or keyed. `restoreTo`: the rule to go back
   * to (a portal's configured rule); undefined: the rule the room had before.
   */
  joinRule(roomId: string, invite: boolean, restoreTo: "public" | "invite" | undefined): void {
    const wished = this.inviteWished.get(roomId);
    if (wished === invite || (wished === undefined && !invite && this.deps.records.get(roomId).joinRulesBefore === undefined)) return;
    this.inviteWished.set(roomId, invite);
    this.deps.queues.enqueue(roomId, {
      what: invite ? "join rule: invite (channel +i/+k)" : "join rule: restore",
      run: () => this.setJoinRule(roomId, invite, restoreTo),
      // Restored: nothing to remember (a repeat finds no rule to restore), so only closed rooms stay.
      settled: () => {
        if (!invite && this.inviteWished.get(roomId) === false) this.inviteWished.delete(roomId);
      },
    });
  }

  /**
   * A portal the bridge created invite-only (the channel was closed, or its modes unknown): it opens
   * to `rule` when the bridge sees the channel open, like a room closed for +i. Call before anything
   * else can touch the room's join rule.
   */
  opensLater(roomId: string, rule: "public"): void {
    this.inviteWished.set(roomId, true);
    this.deps.records.update(roomId, { joinRulesBefore: JSON.stringify({ join_rule: rule }) });
  }

  /** A room upgrade: the bridge's bookkeeping of room `from` (grants, join rule before +i/+k, wishes) is room `to`'s now. */
  moved(from: string, to: string): void {
    this.deps.records.move(from, to);
    const wished = this.inviteWished.get(from);
    if (wished !== undefined) this.inviteWished.set(to, wished);
    this.inviteWished.delete(from);
  }

  /** +s or +p: the room must not be listed in the room directory. */
  unpublish(roomId: string): void {
    this.deps.queues.enqueue(roomId, { what: "unlist from the room directory (channel +s/+p)", run: () => this.deps.api.hideFromDirectory(roomId, this.deps.botUserId) });
  }

  private async setJoinRule(roomId: string, invite: boolean, restoreTo: "public" | "invite" | undefined): Promise<void> {
    const { api, botUserId, records } = this.deps;
    const current = (await api.getState(roomId, botUserId, "m.room.join_rules")) ?? { join_rule: "invite" };
    const before = records.get(roomId).joinRulesBefore;
    if (invite) {
      if (current.join_rule === "invite") return;
      await api.setState(roomId, botUserId, "m.room.join_rules", "", { join_rule: "invite" });
      records.update(roomId, { joinRulesBefore: JSON.stringify(current) });
      return;
    }
    if (before === undefined) return;
    // Only the bridge's own change is undone: a rule changed since is the moderators' choice.
    if (current.join_rule === "invite") await api.setState(roomId, botUserId, "m.room.join_rules", "", restoreTo === undefined ? parseRules(before) : { join_rule: restoreTo });
    records.update(roomId, { joinRulesBefore: undefined });
  }
}

function parseRules(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ...value };
  } catch {
    // fall through
  }
  return { join_rule: "public" };
}
