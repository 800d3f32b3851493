#!/usr/bin/env node
/**
 * seal-secret: seals a password for the config (a network's server password, the IRC bot's
 * password) with the bridge's password key, so the config holds `sealed:v1:...` instead of the
 * clear text (see secrets/configSecret.ts). The secret is read from standard input, never from the
 * command line (which other users may see in the process list and which shells keep in history);
 * typed at a terminal it is not echoed. The sealed value is printed on standard output, nothing else.
 *
 *   npm run -s seal-secret -- -c config.yaml --network <id> --key password|bot.password
 *   npm run -s seal-secret -- --key-file ./passkey --network <id> --key password|bot.password
 */
import { loadConfigFile } from "../config/load";
import { ConfigError } from "../config/validate";
import { errorText } from "../errors";
import { SEALABLE_KEYS, type SealableKey, sealConfigSecret, secretTextProblem } from "../secrets/configSecret";
import { PasswordSeal } from "../secrets/passwordSeal";

const USAGE = `Usage:
  seal-secret -c <config.yaml> --network <id> --key <${SEALABLE_KEYS.join("|")}>
  seal-secret --key-file <file> --network <id> --key <${SEALABLE_KEYS.join("|")}>
Reads the secret from standard input (typed: not shown; piped: its text without the final line
break) and prints the value to put in the config key, sealed with bridge.passwordKeyFile (or --key-file).`;

class UsageError extends Error {}

interface Args {
  readonly config: string | undefined;
  readonly keyFile: string | undefined;
  readonly network: string;
  readonly key: SealableKey;
}

export function parseSealArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  const names: Readonly<Record<string, string>> = { "-c": "config", "--config": "config", "--key-file": "keyFile", "--network": "network", "--key": "key" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i] ?? ""];
    const value = argv[i + 1];
    if (name === undefined) throw new UsageError(`unknown argument ${argv[i] ?? ""}`);
    if (value === undefined) throw new UsageError(`${argv[i] ?? ""} needs a value`);
    values.set(name, value);
  }
  const network = values.get("network");
  const key = values.get("key");
  if (network === undefined) throw new UsageError("--network is required");
  if (!SEALABLE_KEYS.some((k) => k === key)) throw new UsageError(`--key must be one of ${SEALABLE_KEYS.join(", ")}`);
  if ((values.get("config") === undefined) === (values.get("keyFile") === undefined)) throw new UsageError("give either -c <config.yaml> or --key-file <file>");
  return { config: values.get("config"), keyFile: values.get("keyFile"), network, key: key as SealableKey };
}

/** The key file to seal with: --key-file, or the config's bridge.passwordKeyFile (and the network must be in it). */
function keyFileOf(args: Args): string {
  if (args.keyFile !== undefined) return args.keyFile;
  const config = loadConfigFile(args.config ?? "");
  if (!config.ircNetworks.some((n) => n.id === args.network)) {
    throw new UsageError(`${args.config ?? ""} has no network ${args.network} (its networks: ${config.ircNetworks.map((n) => n.id).join(", ")})`);
  }
  const file = config.bridge.passwordKeyFile;
  if (file === undefined) throw new ConfigError(args.config ?? "", [{ path: "bridge.passwordKeyFile", message: "is needed to seal secrets: create a key file and set it here" }]);
  return file;
}

/** The secret from standard input: typed without echo at a terminal, else all of it without the final line break. */
function readSecret(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      input.on("data", (c: Buffer) => chunks.push(c));
      input.on("end", () => resolve(Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "")));
      input.on("error", reject);
    });
  }
  process.stderr.write("Secret (not shown): ");
  input.setRawMode(true);
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          input.setRawMode(false);
          input.pause();
          input.off("data", onData);
          process.stderr.write("\n");
          resolve(typed);
          return;
        }
        if (ch === "\u0003") {
          input.setRawMode(false);
          reject(new UsageError("interrupted"));
          return;
        }
        typed = ch === "\u007f" || ch === "\b" ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.on("data", onData);
  });
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const args = parseSealArgs(argv);
  const seal = PasswordSeal.fromFile(keyFileOf(args));
  const secret = await readSecret();
  const problem = secretTextProblem(secret, args.key === "password");
  if (problem !== undefined) throw new UsageError(`the secret ${problem}`);
  process.stdout.write(sealConfigSecret(seal, secret, args.network, args.key) + "\n");
  process.stderr.write(`Put it in ircNetworks (id ${args.network}) as ${args.key}: "<the line above>"; the bridge opens it with this key file.\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`error: ${errorText(err)}\n`);
    if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exit(err instanceof UsageError ? 2 : err instanceof ConfigError ? 3 : 1);
  });
}
