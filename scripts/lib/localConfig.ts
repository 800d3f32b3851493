import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { bridges, testenv } from "./testenv";

const root = join(__dirname, "..", "..", "..");

type Doc = Record<string, unknown>;

/**
 * A runnable config for the "sample" bridge: the committed config.sample.yaml with only what must
 * change to run here (homeserver URL, ports, the IRC server, a data directory).
 */
export function sampleBasedConfig(overrides: (doc: Doc) => void = () => undefined): { path: string; dir: string } {
  const doc = yaml.load(readFileSync(join(root, "config.sample.yaml"), "utf8")) as Doc;
  const dir = mkdtempSync(join(tmpdir(), "ircbridge-e2e-"));
  (doc.homeserver as Doc).url = testenv.synapseUrl;
  (doc.bridge as Doc).port = bridges.sample.port;
  (doc.metrics as Doc).port = bridges.sample.metricsPort;
  doc.datastore = { path: join(dir, "data") };
  const network = (doc.ircNetworks as Doc[])[0] as Doc;
  network.address = testenv.ergo.host;
  network.port = testenv.ergo.port;
  network.tls = false;
  overrides(doc);
  const path = join(dir, "config.yaml");
  writeFileSync(path, yaml.dump(doc));
  return { path, dir };
}

export function writeConfig(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
