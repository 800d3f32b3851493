/**
 * Secrets the operator puts in the config: a network's server password (PASS) and the IRC bot's
 * account password. Each is given in the config (`password`) or in a file (`passwordFile`), and
 * either may be sealed: `sealed:v1:...`, made by `npm run seal-secret` (cli/sealSecret.ts) with the
 * key of bridge.passwordKeyFile, the key that seals users' !storepass passwords.
 *
 * Guarantees:
 * - At most one source per secret: both `password` and `passwordFile` is a config error naming both.
 * - A file's text is the secret without its final line break; a missing, unreadable or empty file,
 *   or one whose text is not one line, is a config error naming the key and the file.
 * - A sealed value opens only with the key it was sealed with, for the network and key it was sealed
 *   for (the associated data), so a sealed value copied to another network or key does not open.
 *   A sealed value with no key file, or that does not open, is a config error naming the key and
 *   bridge.passwordKeyFile.
 * - No error message, and nothing this file logs, contains a secret or a sealed value.
 * Not guaranteed: that a file's mode keeps the secret private (that is the operator's; a file others
 * may read is reported by `looseFileWarning`, not refused: container secrets are often world-readable
 * inside a private mount).
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError, type ConfigProblem } from "../config/validate";
import { errorText } from "../errors";
import type { PasswordSeal } from "./passwordSeal";

/** What a sealed config value starts with. */
export const SEALED_PREFIX = "sealed:";

/** The config keys a sealed value can be made for (the associated data names one of them). */
export const SEALABLE_KEYS = ["password", "bot.password"] as const;
export type SealableKey = (typeof SEALABLE_KEYS)[number];

/** The associated data a config secret is sealed under: the network's id and the key it is for. */
export function configSecretContext(network: string, key: SealableKey): string {
  return `ircbridge-config-secret\u0000${network}\u0000${key}`;
}

/** Seals a secret for a network's key; the value to write in the config. */
export function sealConfigSecret(seal: PasswordSeal, secret: string, network: string, key: SealableKey): string {
  return SEALED_PREFIX + seal.seal(secret, configSecretContext(network, key));
}

/** Where one secret comes from, as the config gives it. */
export interface SecretSource {
  /** The value in the config (clear or sealed). */
  readonly value: string | undefined;
  /** A file holding the value (clear or sealed). */
  readonly file: string | undefined;
}

export interface SecretPlace {
  /** Config path of the value key, e.g. ircNetworks[0].password. */
  readonly path: string;
  /** Config path of the file key, e.g. ircNetworks[0].passwordFile. */
  readonly filePath: string;
  readonly network: string;
  readonly key: SealableKey;
  /** What the text must not contain beyond line breaks and NUL (the server password: spaces). */
  readonly oneWord: boolean;
}

/** The secret in clear, or undefined when none is configured. Throws ConfigError naming the key. */
export function readConfigSecret(source: SecretSource, place: SecretPlace, seal: PasswordSeal | undefined): string | undefined {
  const problem = (path: string, message: string) => new ConfigError("the config", [{ path, message }]);
  if (source.value !== undefined && source.file !== undefined) {
    throw new ConfigError("the config", [
      { path: place.path, message: `give the secret once: here or in ${place.filePath}, not both` },
      { path: place.filePath, message: `give the secret once: here or in ${place.path}, not both` },
    ]);
  }
  let text: string;
  let path: string;
  if (source.file !== undefined) {
    path = place.filePath;
    text = readSecretFile(source.file, path);
  } else if (source.value !== undefined) {
    path = place.path;
    text = source.value;
  } else return undefined;
  if (text.startsWith(SEALED_PREFIX)) text = openSealed(text, path, place, seal);
  const bad = secretTextProblem(text, place.oneWord);
  if (bad !== undefined) throw problem(path, bad);
  return text;
}

/** What is wrong with a secret's text, without quoting it; undefined when it is fine. */
export function secretTextProblem(text: string, oneWord: boolean): string | undefined {
  if (text === "") return "is empty";
  if (/[\r\n\0]/.test(text)) return "must be one line, without line breaks or NUL";
  if (oneWord && /\s/.test(text)) return "must be one word without spaces";
  return undefined;
}

function readSecretFile(file: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError("the config", [{ path, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}` }]);
  }
  const body = text.replace(/\r?\n$/, "");
  if (body === "") throw new ConfigError("the config", [{ path, message: `${file} is empty` }]);
  return body;
}

function openSealed(text: string, path: string, place: SecretPlace, seal: PasswordSeal | undefined): string {
  if (seal === undefined) {
    throw new ConfigError("the config", [{ path, message: "is sealed, but there is no bridge.passwordKeyFile to open it with: set bridge.passwordKeyFile to the key it was sealed with" }]);
  }
  try {
    return seal.open(text.slice(SEALED_PREFIX.length), configSecretContext(place.network, place.key));
  } catch {
    throw new ConfigError("the config", [
      {
        path,
        message: `is sealed but does not open with bridge.passwordKeyFile: it was sealed with another key, or for another network or key than ${place.network} ${place.key} (seal it again: npm run -s seal-secret -- -c <config> --network ${place.network} --key ${place.key})`,
      },
    ]);
  }
}

/** A warning for a secret file that group or others may read, or undefined. */
export function looseFileWarning(file: string | undefined, path: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    const mode = statSync(file).mode & 0o777;
    return (mode & 0o077) === 0 ? undefined : `${path}: ${file} may be read by group or others (mode ${mode.toString(8).padStart(4, "0")}); chmod 600 it unless its directory is private`;
  } catch {
    return undefined;
  }
}

/** Collects the problems of several reads into one ConfigError (so the operator fixes them at once). */
export function collectProblems<T>(reads: readonly (() => T)[]): T[] {
  const problems: ConfigProblem[] = [];
  const out: T[] = [];
  for (const read of reads) {
    try {
      out.push(read());
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError("the config", problems);
  return out;
}
