import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { localBridgeConfig, type Doc } from "../../../scripts/lib/localConfig";
import { testenv, type LocalBridge } from "../../../scripts/lib/testenv";
import { escapeNick } from "../../../src/matrix/localpart";
import { BridgeProcess } from "./bridgeProcess";

export interface Reg {
  readonly id: string;
  readonly as_token: string;
  readonly hs_token: string;
  readonly sender_localpart: string;
}

/** One local bridge process with its config, registration and the ids it uses. */
export class RunningBridge {
  process: BridgeProcess | undefined;
  readonly registration: Reg;
  readonly registrationPath: string;
  readonly config: { path: string; dir: string };
  readonly ghostPrefix: string;
  readonly aliasPrefix: string;

  constructor(
    readonly spec: LocalBridge,
    overrides?: (doc: Doc) => void,
  ) {
    this.registrationPath = join(testenv.appserviceDir, spec.registrationFile);
    this.registration = yaml.load(readFileSync(this.registrationPath, "utf8")) as Reg;
    this.config = localBridgeConfig(spec, overrides);
    const prefix = spec.name === "sample" ? "irc" : spec.name;
    this.ghostPrefix = `${prefix}_`;
    this.aliasPrefix = `${prefix}_`;
  }

  /** The bridge bot's nick on IRC (scripts/lib/localConfig.ts turns the bot on for every local bridge). */
  get botNick(): string {
    return this.spec.name === "sample" ? "matrixbridge" : `${this.spec.name}bridge`;
  }

  get irc(): { host: string; port: number } {
    return this.spec.ircd === "ergo" ? testenv.ergo : testenv.inspircd;
  }

  alias(channel: string): string {
    return `#${this.aliasPrefix}${channel}:${testenv.domain}`;
  }

  ghost(nick: string): string {
    return `@${this.ghostPrefix}${escapeNick(nick)}:${testenv.domain}`;
  }

  async start(): Promise<void> {
    this.process = new BridgeProcess(["-c", this.config.path, "-f", this.registrationPath, "-p", String(this.spec.port)]);
    await this.process.waitForLine(/homeserver reached the bridge/, 30000);
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.process?.stop(signal);
    this.process = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.config.dir, { recursive: true, force: true });
  }
}
