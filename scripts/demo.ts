/**
 * `npm run demo`: the bridge's main job on this machine. Brings up (via scripts/demo.sh) the local
 * Synapse and Ergo, then runs the bridge with the committed sample config pointed at them and the
 * embedded NeDB store, and prints how to connect an IRC client and a Matrix account.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { NODE_FLAGS } from "../src/runtimeFlags";
import { RegistrationError, registerUser } from "../test/e2e/support/matrixClient";
import { sampleBasedConfig } from "./lib/localConfig";
import { bridges, testenv } from "./lib/testenv";

const DEMO_USER = "demo";
const DEMO_PASSWORD = "demo-password";

async function ensureDemoUser(): Promise<string> {
  try {
    await registerUser(DEMO_USER, DEMO_PASSWORD);
    return "created";
  } catch (err) {
    if (err instanceof RegistrationError && err.errcode === "M_USER_IN_USE") return "already there";
    throw err;
  }
}

async function main(): Promise<void> {
  const config = sampleBasedConfig();
  const userState = await ensureDemoUser();
  const registration = join(testenv.appserviceDir, bridges.sample.registrationFile);
  process.stdout.write(`
  Matrix <-> IRC bridge demo
  --------------------------
  Homeserver (Synapse): ${testenv.synapseUrl}   server name: ${testenv.domain}
    Matrix account: @${DEMO_USER}:${testenv.domain}  password: ${DEMO_PASSWORD}  (${userState});
    registration is open, so any Matrix client pointed at the URL above can also create accounts.
  IRC server (Ergo): ${testenv.ergo.host}:${testenv.ergo.port}, plain text, e.g.  irssi -c ${testenv.ergo.host} -p ${testenv.ergo.port}
  Bridge: application service on 127.0.0.1:${bridges.sample.port}, metrics on http://127.0.0.1:${bridges.sample.metricsPort}/metrics
    config ${config.path} (config.sample.yaml pointed at the servers above)
    registration ${registration}
  Try it: in your Matrix client join #irc_#demo:${testenv.domain}; in your IRC client /join #demo.
    Your Matrix user appears on IRC as <localpart>[m]; IRC users appear in Matrix as @irc_<nick>:${testenv.domain}.
  Stop with Ctrl-C; "npm run testenv -- down" stops Synapse and the IRC servers.

`);
  const child = spawn(process.execPath, [...NODE_FLAGS, join(__dirname, "..", "src", "main.js"), "-c", config.path, "-f", registration, "-p", String(bridges.sample.port)], {
    stdio: "inherit",
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
