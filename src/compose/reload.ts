import type { ConfiguredAccess } from "../access/accessPolicy";
import { changedKeys } from "../config/configChanges";
import type { BridgeConfig } from "../config/schema";
import { configureLogger, type Logger } from "../observability/logger";

/** What SIGHUP can change in a running bridge: every other setting takes a restart. */
export const RELOADABLE = ["logging", "access.allowedUsers", "access.deniedUsers", "access.allowedServers", "access.deniedServers", "access.excludedUsers"] as const;

export interface ReloadTargets {
  readonly log: Logger;
  readonly access: ConfiguredAccess;
  /** Closes the connections of users the access lists no longer allow; how many were closed. */
  readonly enforceAccess: () => number;
}

export interface ReloadOutcome {
  /** Settings now in effect. */
  readonly applied: readonly string[];
  /** Settings that changed in the file but take effect only after a restart. */
  readonly needRestart: readonly string[];
  /** The config now in effect: the current one with what was applied. */
  readonly config: BridgeConfig;
}

function reloadable(key: string): boolean {
  return RELOADABLE.some((r) => key === r || key.startsWith(`${r}.`) || key.startsWith(`${r}[`));
}

/**
 * Applies a config read again (SIGHUP) to a running bridge: the logging settings and the access
 * lists take effect at once (a user the new lists refuse loses their connections, as a ban list
 * does); any other change is listed in one log line as needing a restart, and is not applied (the
 * bridge keeps running with what it started with). The caller keeps `next` as the config only for
 * the settings applied.
 */
export function applyReload(current: BridgeConfig, next: BridgeConfig, targets: ReloadTargets): ReloadOutcome {
  const changed = changedKeys(current, next);
  const applied = changed.filter(reloadable);
  const needRestart = changed.filter((k) => !reloadable(k));
  if (applied.some((k) => k.startsWith("logging"))) configureLogger(targets.log, next.logging);
  if (applied.some((k) => k.startsWith("access."))) {
    targets.access.replaceLists(next.access);
    const closed = targets.enforceAccess();
    if (closed > 0) targets.log.info("closed connections the new access lists refuse", { count: closed });
  }
  if (changed.length === 0) targets.log.info("config reloaded: nothing changed");
  if (applied.length > 0) targets.log.info("config reloaded: now in effect", { keys: applied.join(", ") });
  if (needRestart.length > 0) targets.log.warn("config reloaded: these changes take effect only after a restart, and were not applied", { keys: needRestart.join(", ") });
  const config = { ...current, logging: next.logging, access: { ...current.access, ...accessLists(next.access) } };
  return { applied, needRestart, config };
}

/** The access settings a reload applies (the ban list subscriptions take a restart). */
function accessLists(access: BridgeConfig["access"]): Pick<BridgeConfig["access"], "allowedUsers" | "deniedUsers" | "allowedServers" | "deniedServers" | "excludedUsers"> {
  const { allowedUsers, deniedUsers, allowedServers, deniedServers, excludedUsers } = access;
  return { allowedUsers, deniedUsers, allowedServers, deniedServers, excludedUsers };
}
