import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { bridges, testenv, type LocalBridge } from "./testenv";

const root = join(__dirname, "..", "..", "..");

export type Doc = Record<string, unknown>;

/** The provisioning API's secret of the local bridges (a test value, not a secret). */
export const PROVISIONING_SECRET = "local-provisioning-secret";

/**
 * A runnable config for one of the local bridges: the committed config.sample.yaml with only what
 * must change to run here (homeserver URL, ports, the IRC server, a data directory) and, for the
 * InspIRCd bridge, its own ids so both bridges can share one homeserver.
 */
export function localBridgeConfig(bridge: LocalBridge, overrides: (doc: Doc) => void = () => undefined): { path: string; dir: string } {
  const doc = yaml.load(readFileSync(join(root, "config.sample.yaml"), "utf8")) as Doc;
  const dir = mkdtempSync(join(tmpdir(), `ircbridge-${bridge.name}-`));
  (doc.homeserver as Doc).url = testenv.synapseUrl;
  const b = doc.bridge as Doc;
  b.port = bridge.port;
  (doc.metrics as Doc).port = bridge.metricsPort;
  doc.datastore = { path: join(dir, "data") };
  // A key for the passwords users store (!storepass), as an operator would create one.
  const keyFile = join(dir, "passkey");
  writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  b.passwordKeyFile = keyFile;
  const network = (doc.ircNetworks as Doc[])[0] as Doc;
  const server = bridge.ircd === "ergo" ? testenv.ergo : testenv.inspircd;
  network.address = server.host;
  network.port = server.port;
  network.tls = false;
  network.mappings = {};
  // The bridge bot on IRC: it reads a channel's modes before its portal is created, so a story's
  // portal opens at once (without any connection up, a new portal starts invite-only).
  network.bot = { ...(network.bot as Doc), enabled: true, nick: bridge.name === "sample" ? "matrixbridge" : `${bridge.name}bridge` };
  if (bridge.name !== "sample") {
    b.id = `${bridge.name}-bridge`;
    b.botLocalpart = `${bridge.name}bridge`;
    network.id = bridge.name;
    network.name = `${bridge.name} test network`;
    network.ghostTemplate = `${bridge.name}_{nick}`;
    network.aliasTemplate = `${bridge.name}_{channel}`;
  }
  // The provisioning API (test/e2e/provisioning.test.ts), as an integration would call it.
  doc.provisioning = { ...(doc.provisioning as Doc), enabled: true, secret: PROVISIONING_SECRET };
  // The test servers exempt loopback from their connection limits: connect as fast as they answer.
  network.connect = { perSecond: 200, burst: 50, concurrent: 50, jitterMs: 100, probeIntervalMs: 250, breakerMinSeconds: 2, breakerMaxSeconds: 30 };
  if (bridge.ircd === "inspircd") {
    // Paced under the test InspIRCd's connect class (10 commands/s after a burst of 20 points).
    network.sendPacing = { burstLines: 8, lineIntervalMs: 150, maxQueuedLines: 200 };
  }
  overrides(doc);
  const path = join(dir, "config.yaml");
  writeFileSync(path, yaml.dump(doc));
  return { path, dir };
}

/** The sample bridge's config (Ergo), as the demo runs it. */
export function sampleBasedConfig(overrides?: (doc: Doc) => void): { path: string; dir: string } {
  return localBridgeConfig(bridges.sample, overrides);
}

export function writeConfig(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
