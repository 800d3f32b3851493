/**
 * The bans of every subscribed policy list, indexed for the check on the join path.
 *
 * Guarantees: each (list room, event type, state key) slot holds at most one rule, the one its
 * latest state event says (a newer event replaces it, an empty or redacted one removes it), exactly
 * as the room's state does; `match` answers from all slots at once in time that does not grow with
 * the number of literal entities (see PatternIndex). A rule whose entity is not a usable glob is
 * ignored (and counted), never fatal. Not guaranteed: that a list's rules are current while the
 * bridge is not in its room (see banLists.ts).
 */
import { PatternIndex } from "./patterns";
import type { PolicyRule } from "./policyRules";

export interface RuleChange {
  /** A rule that keeps someone out arrived (connections may now have to close). */
  readonly added: boolean;
}

export class RuleBook {
  private readonly slots = new Map<string, { readonly rule: PolicyRule; readonly eventId: string | undefined }>();
  private readonly slotOfEvent = new Map<string, string>();
  private readonly users = new PatternIndex<PolicyRule>();
  private readonly servers = new PatternIndex<PolicyRule>();
  /** Rules whose entity could not be used as a pattern. */
  unusable = 0;

  get size(): number {
    return this.slots.size;
  }

  /** The slot now holds `rule` (undefined: nothing). Returns whether a ban was added. */
  set(slot: string, rule: PolicyRule | undefined, eventId: string | undefined): RuleChange {
    this.clear(slot);
    if (rule === undefined) return { added: false };
    try {
      (rule.kind === "user" ? this.users : this.servers).add(rule.entity, rule);
    } catch {
      this.unusable++;
      return { added: false };
    }
    this.slots.set(slot, { rule, eventId });
    if (eventId !== undefined) this.slotOfEvent.set(eventId, slot);
    return { added: true };
  }

  /** A redaction: the rule set by that event (if it still holds its slot) is gone. */
  redact(eventId: string): void {
    const slot = this.slotOfEvent.get(eventId);
    if (slot !== undefined) this.clear(slot);
  }

  /** Replaces every rule of one list (its state, read in full). Returns whether a ban was added. */
  replaceList(list: string, rules: readonly { readonly slot: string; readonly rule: PolicyRule | undefined; readonly eventId: string | undefined }[]): RuleChange {
    for (const [slot, held] of [...this.slots]) if (held.rule.list === list) this.clear(slot);
    let added = false;
    for (const { slot, rule, eventId } of rules) added = this.set(slot, rule, eventId).added || added;
    return { added };
  }

  /** The ban that keeps `userId` out (a user rule first, then one on their server), or undefined. */
  match(userId: string): PolicyRule | undefined {
    const user = this.users.find(userId);
    if (user !== undefined) return user;
    const colon = userId.indexOf(":");
    return colon < 0 ? undefined : this.servers.find(userId.slice(colon + 1));
  }

  private clear(slot: string): void {
    const held = this.slots.get(slot);
    if (held === undefined) return;
    this.slots.delete(slot);
    if (held.eventId !== undefined) this.slotOfEvent.delete(held.eventId);
    (held.rule.kind === "user" ? this.users : this.servers).remove(held.rule.entity, held.rule);
  }
}
