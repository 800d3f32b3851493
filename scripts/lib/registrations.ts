/**
 * Run before the test environment comes up (scripts/test.sh, scripts/demo.sh): writes the
 * registrations the local bridges use into the directory Synapse loads them from. Each is generated with the bridge's own
 * command line (-r), from the committed sample config. An existing registration is kept when its
 * generated content (all but the random tokens) is unchanged, so Synapse restarts only when needed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { localBridgeConfig } from "./localConfig";
import { bridges, testenv } from "./testenv";

const root = join(__dirname, "..", "..", "..");
const main = join(root, "dist", "src", "main.js");

function withoutTokens(text: string): string {
  const reg = yaml.load(text) as Record<string, unknown>;
  delete reg.as_token;
  delete reg.hs_token;
  return JSON.stringify(reg);
}

export function prepareRegistration(configPath: string, file: string, port: number): string {
  mkdirSync(testenv.appserviceDir, { recursive: true });
  const target = join(testenv.appserviceDir, file);
  const fresh = `${target}.new`;
  execFileSync(process.execPath, [main, "-r", "-u", `http://127.0.0.1:${port}`, "-c", configPath, "-f", fresh], { stdio: "pipe" });
  const next = readFileSync(fresh, "utf8");
  if (!existsSync(target) || withoutTokens(readFileSync(target, "utf8")) !== withoutTokens(next)) {
    writeFileSync(target, next, { mode: 0o600 });
    process.stdout.write(`prepare: wrote ${target}\n`);
  }
  return target;
}

if (require.main === module) {
  // The sample bridge's registration comes from the committed sample config itself.
  prepareRegistration(join(root, "config.sample.yaml"), bridges.sample.registrationFile, bridges.sample.port);
  const insp = localBridgeConfig(bridges.insp);
  prepareRegistration(insp.path, bridges.insp.registrationFile, bridges.insp.port);
  rmSync(insp.dir, { recursive: true, force: true });
  const bench = localBridgeConfig(bridges.bench);
  prepareRegistration(bench.path, bridges.bench.registrationFile, bridges.bench.port);
  rmSync(bench.dir, { recursive: true, force: true });
}
