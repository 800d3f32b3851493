/**
 * The secrets of one configured network, read once at start (see configSecret.ts for how each is
 * read and what is guaranteed): the server password every connection sends, and the account the
 * IRC bot logs in to. Kept in memory only, in the network's context; never logged.
 */
import type { NetworkConfig } from "../config/schema";
import type { Credentials } from "../irc/connectionTypes";
import { ConfigError } from "../config/validate";
import { collectProblems, looseFileWarning, readConfigSecret } from "./configSecret";
import type { PasswordSeal } from "./passwordSeal";

export interface NetworkSecrets {
  /** Server password (PASS), in clear. */
  readonly serverPassword: string | undefined;
  /** The IRC bot's account and password, when it has a password. */
  readonly bot: Credentials | undefined;
  /** Things the operator should fix that do not stop the bridge (a secret file others may read). */
  readonly warnings: readonly string[];
}

/** Reads a network's secrets; throws ConfigError naming every key that is wrong. `path`: e.g. ircNetworks[0]. */
export function networkSecrets(network: NetworkConfig, path: string, seal: PasswordSeal | undefined): NetworkSecrets {
  const [serverPassword, botPassword] = collectProblems([
    () =>
      readConfigSecret(
        { value: network.password, file: network.passwordFile },
        { path: `${path}.password`, filePath: `${path}.passwordFile`, network: network.id, key: "password", oneWord: true },
        seal,
      ),
    () =>
      readConfigSecret(
        { value: network.bot.password, file: network.bot.passwordFile },
        { path: `${path}.bot.password`, filePath: `${path}.bot.passwordFile`, network: network.id, key: "bot.password", oneWord: false },
        seal,
      ),
  ]);
  const account = network.bot.account;
  if (account !== undefined && botPassword === undefined) {
    throw new ConfigError("the config", [{ path: `${path}.bot.account`, message: "needs bot.password or bot.passwordFile (the account's password)" }]);
  }
  const warnings = [looseFileWarning(network.passwordFile, `${path}.passwordFile`), looseFileWarning(network.bot.passwordFile, `${path}.bot.passwordFile`)].filter(
    (w): w is string => w !== undefined,
  );
  return {
    serverPassword,
    bot: botPassword === undefined ? undefined : { account: account ?? network.bot.nick, password: botPassword },
    warnings,
  };
}
