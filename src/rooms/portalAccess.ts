/**
 * How a new portal room starts, from what the bridge could read of the channel's modes before the
 * room existed.
 *
 * Guarantee: a portal is never created more open than the channel as read. +i or +k: invite-only.
 * Modes that could not be read (no connection, no answer, a server that hides a secret channel's
 * modes from non-members): invite-only too. In both cases, when the configured rule is public the
 * room is marked to open to it once the bridge itself sees the channel open (a -i/-k, or the
 * channel's modes when one of its connections joins): opening late is safe, closing late is the
 * leak. +s or +p changes nothing here because no portal is ever published in the room directory.
 * Not guaranteed: modes a server hides from non-members (Ergo does not show +k to them) are only
 * known once a connection of the bridge is in the channel; what the member-side gate (the puppet's
 * own JOIN) refuses is what then keeps such a channel's messages from Matrix users.
 */

/** What the bridge could read of the channel's modes before creating its portal. */
export type ModeReading =
  | { readonly kind: "modes"; readonly modes: ReadonlySet<string>; readonly member: boolean }
  | { readonly kind: "unknown"; readonly why: string }
  /** The channel may not get a portal (portals.requireBotJoin: the bot was refused). */
  | { readonly kind: "refused"; readonly why: string };

/** A reading a portal may be created from. */
export type PortalReading = Exclude<ModeReading, { kind: "refused" }>;

export interface PortalStart {
  readonly joinRule: "public" | "invite";
  /** The rule to open to once the bridge sees the channel open (undefined: it starts as it stays). */
  readonly opensTo: "public" | undefined;
  /** Why it starts closed (for the log), if it does. */
  readonly closedBecause: string | undefined;
}

/** Modes that close a channel to someone who was not invited or has no key. */
const CLOSING = ["i", "k"] as const;

export function portalStart(reading: PortalReading, configured: "public" | "invite"): PortalStart {
  const closedBecause = reading.kind === "unknown" ? `its modes are unknown (${reading.why})` : closingModes(reading.modes);
  if (closedBecause === undefined) return { joinRule: configured, opensTo: undefined, closedBecause: undefined };
  return { joinRule: "invite", opensTo: configured === "public" ? "public" : undefined, closedBecause };
}

function closingModes(modes: ReadonlySet<string>): string | undefined {
  const set = CLOSING.filter((m) => modes.has(m));
  return set.length === 0 ? undefined : `the channel is +${set.join("")}`;
}
