import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { NODE_FLAGS } from "../../../src/runtimeFlags";
import { keepBridgeLine } from "./bridgeOutput";

const main = join(__dirname, "..", "..", "..", "src", "main.js");

/** The connection process's entry (`npm run connector`), for `new BridgeProcess(args, CONNECTOR)`. */
export const CONNECTOR = join(__dirname, "..", "..", "..", "src", "pool", "main.js");

/** The bridge run as an operator runs it: `node <its flags> dist/src/main.js ...` (or another entry), its output collected. */
export class BridgeProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; resolve: (line: string) => void }[] = [];

  /**
   * `script`: the entry to run (the bridge's main by default; the connection process's for pool/);
   * `options.nodeFlags`: node flags for this process (after the bridge's own, src/runtimeFlags.ts, and
   * those of BRIDGE_NODE_FLAGS; the last of a flag given twice counts), e.g. the
   * bench's --heapsnapshot-signal or --cpu-prof; `options.cwd`: its working directory (where node
   * writes heap snapshots).
   */
  constructor(args: readonly string[], script: string = main, options: { readonly nodeFlags?: readonly string[]; readonly cwd?: string } = {}) {
    const nodeFlags = [...NODE_FLAGS, ...(process.env.BRIDGE_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""), ...(options.nodeFlags ?? [])];
    this.child = spawn(process.execPath, [...nodeFlags, script, ...args], { stdio: ["ignore", "pipe", "pipe"], ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        this.lines.push(line);
        keepBridgeLine(this.pid, line);
        if (process.env.BRIDGE_E2E_VERBOSE) process.stderr.write(`[bridge] ${line}\n`);
        this.waiters = this.waiters.filter((w) => {
          if (!w.re.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    };
    this.child.stdout?.on("data", onData);
    this.child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Resolves with the first output line matching `re` (already printed or future). */
  waitForLine(re: RegExp, timeoutMs = 30000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${String(re)} within ${timeoutMs} ms; output:\n${this.lines.slice(-30).join("\n")}`)), timeoutMs);
      this.waiters.push({
        re,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  exitCode(): Promise<number | null> {
    return this.exited;
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
