#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The connection process: `node --max-semi-space-size=4 dist/src/pool/main.js -c config.yaml [--name <name>]` (npm run
 * connector). It reads the bridge's config (connectionProcess, ircNetworks, logging) and holds IRC
 * connections for the bridge until stopped (SIGTERM/SIGINT quit them). Exit codes as the bridge's:
 * 2 bad command line, 3 bad config.
 */
import { hostname } from "node:os";
import { loadConfigFile } from "../config/load";
import { ConfigError } from "../config/validate";
import { errorText } from "../errors";
import { createLogger } from "../observability/logger";
import { Connector } from "./connector";
import { dialer, keepAliveMs } from "./dial";

const USAGE = `Usage:
  node --max-semi-space-size=4 dist/src/pool/main.js -c <config.yaml> [--name <name>]
      Run a connection process for the bridge configured in <config.yaml> (connectionProcess.enabled).
Options:
  -c, --config <file>   the bridge config (YAML)
  -n, --name <name>     this process's name among the connection processes (default: host name and process id)
  -h, --help            show this help`;

function parse(argv: readonly string[]): { kind: "run"; config: string; name: string } | { kind: "help" } | { kind: "error"; message: string } {
  let config: string | undefined;
  let name = `${hostname()}-${process.pid}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (value === undefined || value.startsWith("-")) return { kind: "error", message: `${arg ?? ""} needs a value` };
    if (arg === "-c" || arg === "--config") config = value;
    else if (arg === "-n" || arg === "--name") name = value;
    else return { kind: "error", message: `unknown argument: ${arg ?? ""}` };
    i++;
  }
  if (config === undefined) return { kind: "error", message: "-c <config.yaml> is required" };
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) return { kind: "error", message: `--name must be 1 to 64 letters, digits or _ . -, got ${name}` };
  return { kind: "run", config, name };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (args.kind === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  if (args.kind === "error") {
    process.stderr.write(`error: ${args.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfigFile(args.config);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof ConfigError ? err.message : errorText(err)}\n`);
    process.exit(3);
  }
  const log = createLogger(config.logging).child({ module: "connector" });
  if (!config.connectionProcess.enabled) log.warn("connectionProcess.enabled is false in this config: the bridge will not use this process");
  const { redisUrl, streamPrefix, leaseSeconds, openTimeoutSeconds } = config.connectionProcess;
  const connector = new Connector({ redisUrl, prefix: streamPrefix, owner: args.name, leaseMs: leaseSeconds * 1000, openTimeoutMs: openTimeoutSeconds * 1000, dial: dialer(config), keepAliveMs: keepAliveMs(config), log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    connector.stop("connection process shutting down").then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  await connector.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${errorText(err)}\n`);
  process.exit(1);
});
