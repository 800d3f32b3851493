import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { configSchema, type BridgeConfig } from "./schema";
import { NetworkIds } from "../matrix/networkIds";
import { puppetFaceProblems } from "../puppets/puppetFace";
import { addressProblems } from "../irc/addressProblems";
import { ConfigError, validateConfig, type ConfigProblem } from "./validate";

/** Checks that involve more than one key: things the per-key schema cannot see. */
function crossChecks(config: BridgeConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.provisioning.enabled && (config.provisioning.secret ?? "") === "") {
    problems.push({ path: "provisioning.secret", message: "is required when provisioning.enabled is true (the Bearer token integrations present)" });
  }
  if (config.datastore.engine === "postgres" && config.datastore.connectionString === undefined) {
    problems.push({ path: "datastore.connectionString", message: "is required when datastore.engine is postgres" });
  }
  const bot = `@${config.bridge.botLocalpart}:${config.homeserver.domain}`;
  const ids = config.ircNetworks.map((n) => new NetworkIds(n, config.homeserver.domain));
  config.ircNetworks.forEach((network, i) => {
    const mine = ids[i];
    if (mine === undefined) return;
    const c = network.connections;
    if (c.reconnectMinMs > c.reconnectMaxMs) {
      problems.push({ path: `ircNetworks[${i}].connections.reconnectMinMs`, message: `must not exceed reconnectMaxMs (${c.reconnectMaxMs})` });
    }
    if (c.pingTimeoutSeconds <= c.pingIntervalSeconds) {
      problems.push({
        path: `ircNetworks[${i}].connections.pingTimeoutSeconds`,
        message: `must be longer than pingIntervalSeconds (${c.pingIntervalSeconds}; its default is 30 since PINGs go only after quiet), or every quiet connection would time out: raise it, or set pingIntervalSeconds lower`,
      });
    }
    if (network.portals.requireBotJoin && !network.bot.enabled) {
      problems.push({ path: `ircNetworks[${i}].portals.requireBotJoin`, message: "needs bot.enabled: the bridge bot is the one that joins the channel first" });
    }
    problems.push(...puppetFaceProblems(network, `ircNetworks[${i}]`));
    problems.push(...addressProblems(network, `ircNetworks[${i}]`));
    const levels = network.chanops.levels;
    if (levels.v > 0 && levels.o > 0 && levels.v > levels.o) {
      problems.push({ path: `ircNetworks[${i}].chanops.levels.v`, message: `must not exceed levels.o (${levels.o}): voice is the lower mode` });
    }
    if (new RegExp(`^${mine.ghostRegex}$`).test(bot)) {
      problems.push({ path: `ircNetworks[${i}].ghostTemplate`, message: `must not produce the bridge bot's user id ${bot}` });
    }
    config.ircNetworks.forEach((other, j) => {
      const theirs = ids[j];
      if (j >= i || theirs === undefined) return;
      if (other.id === network.id) problems.push({ path: `ircNetworks[${i}].id`, message: `must differ from ircNetworks[${j}].id` });
      // Probe each template with sample values: overlapping namespaces would let one network's ids
      // be routed to the other.
      for (const [a, b] of [[mine, theirs], [theirs, mine]] as const) {
        if (new RegExp(`^${b.ghostRegex}$`).test(a.ghostUserId("probe"))) {
          problems.push({ path: `ircNetworks[${i}].ghostTemplate`, message: `overlaps ircNetworks[${j}].ghostTemplate; each network needs its own` });
          break;
        }
      }
      for (const [a, b] of [[mine, theirs], [theirs, mine]] as const) {
        if (new RegExp(`^${b.aliasRegex}$`).test(a.portalAlias("#probe"))) {
          problems.push({ path: `ircNetworks[${i}].aliasTemplate`, message: `overlaps ircNetworks[${j}].aliasTemplate; each network needs its own` });
          break;
        }
      }
    });
  });
  return problems;
}

/** Parses and validates config text. Throws ConfigError with every problem and its key path. */
export function parseConfig(text: string, source: string): BridgeConfig {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: source });
  } catch (err) {
    const mark = err instanceof yaml.YAMLException ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : "";
    const reason = err instanceof yaml.YAMLException ? err.reason : String(err);
    throw new ConfigError(source, [{ path: "(file)", message: `not valid YAML${mark}: ${reason}` }]);
  }
  const config = validateConfig(configSchema, raw, source);
  const problems = crossChecks(config);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return config;
}

export function loadConfigFile(path: string): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(path, [{ path: "(file)", message: `cannot read the config file (${code})` }]);
  }
  return parseConfig(text, path);
}
