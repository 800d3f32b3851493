import { randomBytes } from "node:crypto";
import yaml from "js-yaml";
import type { BridgeConfig } from "../config/schema";
import { ConfigError } from "../config/validate";
import { escapeRegExp } from "./localpart";
import { NetworkIds } from "./networkIds";

/** The application-service registration the homeserver loads (Matrix AS API, "Registration"). */
export interface Registration {
  readonly id: string;
  readonly url: string;
  readonly as_token: string;
  readonly hs_token: string;
  readonly sender_localpart: string;
  readonly namespaces: {
    readonly users: readonly Namespace[];
    readonly aliases: readonly Namespace[];
    readonly rooms: readonly Namespace[];
  };
  readonly rate_limited: boolean;
  readonly protocols: readonly string[];
  readonly receive_ephemeral: boolean;
  readonly "de.sorunome.msc2409.push_ephemeral": boolean;
}

export interface Namespace {
  readonly exclusive: boolean;
  readonly regex: string;
}

export function randomToken(): string {
  return randomBytes(32).toString("hex");
}

/**
 * Ghost users and portal aliases are claimed exclusively (nobody else may take them); the room ids
 * of static mappings are claimed non-exclusively, so the bridge hears their events while the rooms
 * stay ordinary rooms that anyone may use.
 */
export function buildRegistration(
  config: BridgeConfig,
  url: string,
  tokens: { asToken: string; hsToken: string } = { asToken: randomToken(), hsToken: randomToken() },
): Registration {
  const ids = config.ircNetworks.map((n) => new NetworkIds(n, config.homeserver.domain));
  const roomIds = [...new Set(config.ircNetworks.flatMap((n) => Object.values(n.mappings).flatMap((m) => m.roomIds)))];
  return {
    id: config.bridge.id,
    url,
    as_token: tokens.asToken,
    hs_token: tokens.hsToken,
    sender_localpart: config.bridge.botLocalpart,
    namespaces: {
      users: ids.map((n) => ({ exclusive: true, regex: `^${n.ghostRegex}$` })),
      aliases: ids.map((n) => ({ exclusive: true, regex: `^${n.aliasRegex}$` })),
      rooms: roomIds.map((roomId) => ({ exclusive: false, regex: `^${escapeRegExp(roomId)}$` })),
    },
    rate_limited: false,
    protocols: ["irc"],
    receive_ephemeral: true,
    "de.sorunome.msc2409.push_ephemeral": true,
  };
}

export function renderRegistration(registration: Registration): string {
  return (
    "# Application service registration for the Matrix <-> IRC bridge. Give this file to the homeserver\n" +
    "# (Synapse: app_service_config_files). It holds secrets: keep it private.\n" +
    yaml.dump(registration, { lineWidth: -1, noRefs: true })
  );
}

export function parseRegistration(text: string, source: string): Registration {
  let raw: Partial<Registration> | undefined;
  try {
    raw = yaml.load(text) as Partial<Registration> | undefined;
  } catch (err) {
    throw new ConfigError(source, [{ path: "(file)", message: `not valid YAML: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  const missing = (["id", "url", "as_token", "hs_token", "sender_localpart"] as const).filter(
    (k) => typeof raw?.[k] !== "string" || raw[k] === "",
  );
  if (raw === undefined || missing.length > 0) {
    throw new ConfigError(source, (missing.length > 0 ? missing : ["id"]).map((k) => ({ path: k, message: "missing required key: expected a string" })));
  }
  return raw as Registration;
}
