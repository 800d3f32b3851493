/**
 * Command-line arguments, with matrix-appservice-bridge's Cli conventions:
 *   -r -u <url> -f <registration.yaml> -c <config.yaml>   write a registration
 *   -c <config.yaml> -f <registration.yaml> [-p <port>]    run the bridge
 */
export type CliCommand =
  | { readonly kind: "help" }
  | { readonly kind: "register"; readonly url: string; readonly registrationPath: string; readonly configPath: string }
  | { readonly kind: "run"; readonly registrationPath: string; readonly configPath: string; readonly port: number | undefined };

export const USAGE = `Usage:
  matrix-irc-bridge -r -u <url> -c <config.yaml> [-f <registration.yaml>]
      Write the application-service registration. <url> is how the homeserver reaches the bridge.
  matrix-irc-bridge -c <config.yaml> [-f <registration.yaml>] [-p <port>]
      Run the bridge.
Options:
  -r, --generate-registration   write a registration file instead of running
  -u, --url <url>               the bridge's URL as the homeserver sees it (with -r)
  -c, --config <file>           the bridge config (YAML)
  -f, --file <file>             the registration file (default: registration.yaml)
  -p, --port <port>             listen port (overrides bridge.port)
  -h, --help                    show this help`;

export class UsageError extends Error {}

const FLAGS: Readonly<Record<string, string>> = {
  "-r": "register",
  "--generate-registration": "register",
  "-u": "url",
  "--url": "url",
  "-c": "config",
  "--config": "config",
  "-f": "file",
  "--file": "file",
  "-p": "port",
  "--port": "port",
  "-h": "help",
  "--help": "help",
};

export function parseArgs(argv: readonly string[]): CliCommand {
  const seen = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const name = FLAGS[arg];
    if (name === undefined) throw new UsageError(`unknown argument: ${arg}`);
    if (name === "register" || name === "help") {
      seen.set(name, true);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("-")) throw new UsageError(`${arg} needs a value`);
    seen.set(name, value);
    i++;
  }
  if (seen.has("help")) return { kind: "help" };
  const get = (k: string) => {
    const v = seen.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const configPath = get("config");
  if (configPath === undefined) throw new UsageError("-c <config.yaml> is required");
  const registrationPath = get("file") ?? "registration.yaml";
  if (seen.has("register")) {
    const url = get("url");
    if (url === undefined) throw new UsageError("-u <url> is required with -r");
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`-u must be an http(s) URL, got ${url}`);
    return { kind: "register", url, registrationPath, configPath };
  }
  if (seen.has("url")) throw new UsageError("-u only makes sense with -r");
  const portText = get("port");
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`-p must be a port number, got ${portText}`);
  }
  return { kind: "run", registrationPath, configPath, port };
}
