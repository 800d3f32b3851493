#!/usr/bin/env -S node --max-semi-space-size=4
import { readFileSync, writeFileSync } from "node:fs";
import { App } from "./app";
import { USAGE, UsageError, parseArgs } from "./cli/args";
import { loadConfigFile } from "./config/load";
import { ConfigError } from "./config/validate";
import { errorText } from "./errors";
import { buildRegistration, parseRegistration, renderRegistration } from "./matrix/registration";

/** Exit codes: 0 ok, 1 failure while running, 2 bad command line, 3 bad config or registration. */
const EXIT_USAGE = 2;
const EXIT_CONFIG = 3;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseArgs(argv);
  if (command.kind === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const config = loadConfigFile(command.configPath);
  if (command.kind === "register") {
    const registration = buildRegistration(config, command.url);
    writeFileSync(command.registrationPath, renderRegistration(registration), { mode: 0o600 });
    process.stdout.write(`wrote ${command.registrationPath}: give it to your homeserver (Synapse: app_service_config_files)\n`);
    return 0;
  }
  let registrationText: string;
  try {
    registrationText = readFileSync(command.registrationPath, "utf8");
  } catch (err) {
    throw new ConfigError(command.registrationPath, [{ path: "(file)", message: `cannot read the registration (${errorText(err)}); write one with -r` }]);
  }
  const registration = parseRegistration(registrationText, command.registrationPath);
  const app = new App({ config, registration, port: command.port });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info("stopping", { signal });
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error("error while stopping", { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // SIGHUP: read the config again; logging and access lists change now, the rest is named as needing a restart.
  process.on("SIGHUP", () => {
    try {
      app.reload(loadConfigFile(command.configPath));
    } catch (err) {
      // One log line: the problems, each naming its key, joined.
      const why = (err instanceof ConfigError ? err.message : errorText(err)).split("\n").map((l) => l.trim()).filter((l) => l !== "").join("; ");
      app.log.error("the config was not reloaded: nothing changed", { error: why });
    }
  });
  // The last line, not the fix: a rejection nothing handled is logged and shown as degraded.
  process.on("unhandledRejection", (reason) => app.unhandledRejection(reason));
  await app.start();
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      process.exit(EXIT_USAGE);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(`error: ${errorText(err)}\n`);
    process.exit(1);
  },
);
