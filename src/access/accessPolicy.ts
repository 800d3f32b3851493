/**
 * Who may use the bridge: the one check every path that gives a Matrix user an IRC connection (a room
 * join, a message, an admin command, a reconnect after a restart) passes, through
 * PuppetRegistry.ensure, and that linking rooms will pass too.
 *
 * Guarantees, in this order: an excluded user is never bridged; a user matching a deny pattern (of
 * users or of their homeserver) is refused even when an allow pattern matches too (deny wins); when
 * any allow pattern is configured, a user matching none of them is refused (no allow pattern: all
 * are allowed); a user banned by a subscribed policy list (by user or server rule) is refused. Each
 * refusal carries a reason written for the user. The check does no I/O and allocates nothing on
 * the allowed path.
 */
import type { PolicyRule } from "./policyRules";
import { PatternIndex } from "./patterns";

export type AccessVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly why: "excluded" | "denied" | "banned"; readonly reason: string };

/** The gate. Injected wherever a Matrix user is about to be bridged. */
export interface AccessPolicy {
  check(userId: string): AccessVerdict;
  /** Never bridged: no connection, no admin room, their events are ignored. */
  isExcluded(userId: string): boolean;
}

/** The config's lists (the `access` section). */
export interface AccessLists {
  readonly allowedUsers: readonly string[];
  readonly deniedUsers: readonly string[];
  readonly allowedServers: readonly string[];
  readonly deniedServers: readonly string[];
  readonly excludedUsers: readonly string[];
}

/** The bans of the subscribed lists (RuleBook), and how to name a list to a user. */
export interface BanSource {
  match(userId: string): PolicyRule | undefined;
  listName(roomId: string): string;
}

const ALLOWED: AccessVerdict = { ok: true };

/** No lists, no bans: everyone may use the bridge (tests, and the default config). */
export const allowEveryone: AccessPolicy = { check: () => ALLOWED, isExcluded: () => false };

function index(patterns: readonly string[]): PatternIndex<true> {
  const out = new PatternIndex<true>();
  for (const pattern of patterns) out.add(pattern, true);
  return out;
}

function serverOf(userId: string): string {
  const colon = userId.indexOf(":");
  return colon < 0 ? "" : userId.slice(colon + 1);
}

export class ConfiguredAccess implements AccessPolicy {
  private allowedUsers!: PatternIndex<true>;
  private deniedUsers!: PatternIndex<true>;
  private allowedServers!: PatternIndex<true>;
  private deniedServers!: PatternIndex<true>;
  private excluded!: PatternIndex<true>;
  private allowListed = false;

  /** Patterns were checked when the config was read (schema.ts); an invalid one throws here. */
  constructor(
    lists: AccessLists,
    private readonly bans: BanSource,
  ) {
    this.replaceLists(lists);
  }

  /** New lists (a config reloaded): every check from now on uses them. */
  replaceLists(lists: AccessLists): void {
    this.allowedUsers = index(lists.allowedUsers);
    this.deniedUsers = index(lists.deniedUsers);
    this.allowedServers = index(lists.allowedServers);
    this.deniedServers = index(lists.deniedServers);
    this.excluded = index(lists.excludedUsers);
    this.allowListed = this.allowedUsers.size + this.allowedServers.size > 0;
  }

  isExcluded(userId: string): boolean {
    return this.excluded.find(userId) !== undefined;
  }

  check(userId: string): AccessVerdict {
    if (this.isExcluded(userId)) return { ok: false, why: "excluded", reason: "this bridge's operators excluded your account from it" };
    const server = serverOf(userId);
    if (this.deniedUsers.find(userId) !== undefined) return { ok: false, why: "denied", reason: "this bridge's operators do not allow your account to use it" };
    if (this.deniedServers.find(server) !== undefined) return { ok: false, why: "denied", reason: `this bridge does not serve users of ${server}` };
    if (this.allowListed && this.allowedUsers.find(userId) === undefined && this.allowedServers.find(server) === undefined) {
      return { ok: false, why: "denied", reason: "this bridge serves only the accounts and homeservers its operators allowed, and yours is not one of them" };
    }
    const ban = this.bans.match(userId);
    if (ban !== undefined) {
      const who = ban.kind === "user" ? "your account is" : `your homeserver ${server} is`;
      const why = ban.reason === "" ? "" : ` (${ban.reason})`;
      return { ok: false, why: "banned", reason: `${who} on the ban list ${this.bans.listName(ban.list)}${why}` };
    }
    return ALLOWED;
  }
}
