import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfiguredAccess } from "../../src/access/accessPolicy";
import { applyReload } from "../../src/compose/reload";
import { changedKeys } from "../../src/config/configChanges";
import { parseConfig } from "../../src/config/load";
import type { BridgeConfig } from "../../src/config/schema";
import { Writable } from "node:stream";
import winston from "winston";
import { configureLogger, createLogger } from "../../src/observability/logger";

const BASE = `
homeserver: { url: "http://localhost:8008", domain: example.org }
ircNetworks:
  - id: net
    name: Net
    address: irc.example.org
`;

function config(extra = ""): BridgeConfig {
  return parseConfig(`${BASE}${extra}`, "test.yaml");
}

describe("changedKeys: what differs between two configs", () => {
  it("names nested settings, a network's field, and a list as a whole; nothing for equal configs", () => {
    assert.deepEqual(changedKeys(config(), config()), []);
    const before = config("logging: { level: info }\naccess: { deniedUsers: ['@a:x'] }\n");
    const after = config("logging: { level: debug }\naccess: { deniedUsers: ['@a:x', '@b:x'] }\n");
    assert.deepEqual(changedKeys(before, after), ["access.deniedUsers", "logging.level"]);
    const lines = parseConfig(`${BASE}    lineLimit: 5\n`, "t.yaml");
    assert.deepEqual(changedKeys(config(), lines), ["ircNetworks[0].lineLimit"]);
    assert.deepEqual(changedKeys({ a: [1, 2] }, { a: [1, 2] }), []);
    assert.deepEqual(changedKeys({ a: 1 }, { a: 1, b: 2 }), ["b"]);
  });
});

describe("applyReload (SIGHUP)", () => {
  function targets(lists: BridgeConfig["access"]) {
    const log = createLogger({ level: "error", file: undefined });
    const access = new ConfiguredAccess(lists, { match: () => undefined, listName: (r) => r });
    let enforced = 0;
    return { log, access, enforceAccess: () => ++enforced, enforced: () => enforced };
  }

  it("applies a new log level and new access lists at once, and closes what the lists now refuse", () => {
    const before = config("logging: { level: error }\n");
    const after = config("logging: { level: debug }\naccess: { deniedUsers: ['@mallory:*'] }\n");
    const t = targets(before.access);
    assert.equal(t.access.check("@mallory:example.org").ok, true);
    const outcome = applyReload(before, after, t);
    assert.deepEqual(outcome.applied, ["access.deniedUsers", "logging.level"]);
    assert.deepEqual(outcome.needRestart, []);
    assert.equal(t.log.level, "debug");
    assert.equal(t.access.check("@mallory:example.org").ok, false, "the new deny list is in force");
    assert.equal(t.access.check("@alice:example.org").ok, true);
    assert.equal(t.enforced(), 1, "connections were checked against the new lists");
    assert.deepEqual(outcome.config.access.deniedUsers, ["@mallory:*"]);
  });

  it("names what takes a restart and applies none of it; the config in effect keeps the old values", () => {
    const before = config();
    const after = parseConfig(`${BASE}    lineLimit: 9\nbridge: { port: 9999 }\n`, "t.yaml");
    const t = targets(before.access);
    const outcome = applyReload(before, after, t);
    assert.deepEqual(outcome.applied, []);
    assert.deepEqual(outcome.needRestart, ["bridge.port", "ircNetworks[0].lineLimit"]);
    assert.equal(outcome.config.bridge.port, before.bridge.port);
    assert.equal(outcome.config.ircNetworks[0]?.lineLimit, before.ircNetworks[0]?.lineLimit);
    assert.equal(t.enforced(), 0);
  });
});

describe("log output", () => {
  it("a line below the level is dropped before winston reads its fields; a new level (SIGHUP) applies to existing children at once", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    // winston's typings declare its transports through a second copy of TransportStream's class.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const capture = (): winston.transport => new winston.transports.Stream({ stream, format: winston.format.json() });
    const log = createLogger({ level: "warn", file: undefined }, [capture()]);
    log.clear();
    log.add(capture());
    const child = log.child({ module: "test" });
    let reads = 0;
    const readCount = (): number => reads;
    const fields = {
      get user(): string {
        reads++;
        return "@a:x";
      },
    };
    child.info("dropped", fields);
    log.debug("dropped too", fields);
    child.warn("kept", { user: "@b:x" });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(readCount(), 0, "the fields of a line below the level are never read");
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { message: string }).message), ["kept"]);
    configureLogger(log, { level: "info", file: undefined }, []);
    log.clear();
    log.add(capture());
    child.info("now kept", fields);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(readCount() > 0, "at the new level the line is built");
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { message: string }).message), ["kept", "now kept"]);
  });

  it("json: one JSON object per line with level, message, time and fields", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ircbridge-log-"));
    try {
      const file = join(dir, "bridge.log");
      const log = createLogger({ level: "info", format: "json", file });
      log.child({ module: "test" }).info("hello", { user: "@a:x" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const line = JSON.parse(readFileSync(file, "utf8").trim().split("\n")[0] ?? "") as Record<string, unknown>;
      assert.equal(line.level, "info");
      assert.equal(line.message, "hello");
      assert.equal(line.module, "test");
      assert.equal(line.user, "@a:x");
      assert.match(String(line.timestamp), /^\d{4}-\d\d-\d\dT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file with rotation: rotated at fileMaxBytes, at most fileMaxFiles files, the newest lines in the file itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ircbridge-log-"));
    try {
      const file = join(dir, "bridge.log");
      const log = createLogger({ level: "info", format: "text", file, fileMaxBytes: 2000, fileMaxFiles: 3 });
      for (let i = 0; i < 200; i++) {
        log.info(`line ${i}`);
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, ["bridge.log", "bridge1.log", "bridge2.log"]);
      // winston checks the size after each write it flushes: a file ends within one burst (10 lines here) of the limit.
      for (const f of files) assert.ok(statSync(join(dir, f)).size <= 2000 + 1000, `${f} rotated at fileMaxBytes`);
      assert.match(readFileSync(file, "utf8"), /line 199\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
