/**
 * Moderation policy lists (the Matrix spec's `m.policy.rule.*` state events, and the older
 * `m.room.rule.*` and `org.matrix.mjolnir.rule.*` types that lists still carry): what one state
 * event says. Pure: the rule book (ruleBook.ts) keeps them, banLists.ts reads them from the rooms.
 */
import type { MatrixEvent } from "../matrix/events";

export type RuleKind = "user" | "server";

const KINDS: Readonly<Record<string, RuleKind>> = {
  "m.policy.rule.user": "user",
  "m.room.rule.user": "user",
  "org.matrix.mjolnir.rule.user": "user",
  "m.policy.rule.server": "server",
  "m.room.rule.server": "server",
  "org.matrix.mjolnir.rule.server": "server",
};

/** Recommendations that mean "keep this entity out" (the spec's, and Mjolnir's older one). */
const BAN_RECOMMENDATIONS = new Set(["m.ban", "org.matrix.mjolnir.ban"]);

/** A ban from a policy list: `entity` is a glob of user ids (kind user) or server names (kind server). */
export interface PolicyRule {
  /** The list room it comes from. */
  readonly list: string;
  readonly kind: RuleKind;
  readonly entity: string;
  /** The list's reason, cleaned for display (may be empty). */
  readonly reason: string;
}

/** The kind of rule a state event type carries, or undefined when it is no rule type we read. */
export function ruleKind(type: string): RuleKind | undefined {
  return KINDS[type];
}

/** Where a rule lives in its room's state: one per (event type, state key). */
export function ruleSlot(list: string, type: string, stateKey: string): string {
  return `${list}\u0000${type}\u0000${stateKey}`;
}

/**
 * What a rule state event says: a ban (`rule`), or nothing (`rule` undefined: an empty or redacted
 * content, another recommendation, or no entity, which all end the rule that held the slot).
 * Undefined when the event is not a rule event at all.
 */
export function readRule(list: string, event: MatrixEvent): { readonly slot: string; readonly rule: PolicyRule | undefined } | undefined {
  const kind = ruleKind(event.type);
  if (kind === undefined || event.state_key === undefined) return undefined;
  const slot = ruleSlot(list, event.type, event.state_key);
  const { entity, recommendation, reason } = event.content;
  if (typeof entity !== "string" || entity.trim() === "" || typeof recommendation !== "string" || !BAN_RECOMMENDATIONS.has(recommendation)) {
    return { slot, rule: undefined };
  }
  return { slot, rule: { list, kind, entity, reason: cleanReason(reason) } };
}

/** A list's reason as shown to a user: one line, no control characters, at most 200 characters. */
function cleanReason(reason: unknown): string {
  if (typeof reason !== "string") return "";
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const line = reason.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The event a redaction removes (top-level `redacts`, or `content.redacts` from room version 11). */
export function redactedEventId(event: MatrixEvent & { readonly redacts?: unknown }): string | undefined {
  if (event.type !== "m.room.redaction") return undefined;
  const id = typeof event.redacts === "string" ? event.redacts : event.content.redacts;
  return typeof id === "string" ? id : undefined;
}
