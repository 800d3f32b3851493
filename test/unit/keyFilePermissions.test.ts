import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { App } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { buildRegistration } from "../../src/matrix/registration";
import { silentLogger } from "../support/silentLogger";

const dir = mkdtempSync(join(tmpdir(), "keyfile-"));

/** Builds the app (which reads the key file at construction, before anything listens). */
function build(keyFile: string): App {
  const config = parseConfig(
    `
homeserver: { url: "http://hs.example:8008", domain: example.org }
bridge: { passwordKeyFile: ${JSON.stringify(keyFile)} }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`,
    "test.yaml",
  );
  return new App({ config, registration: buildRegistration(config, "http://localhost:9995"), logger: silentLogger() });
}

function refusal(keyFile: string): string {
  try {
    build(keyFile);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError (exit code 3), got ${String(err)}`);
    assert.deepEqual(err.problems.map((p) => p.path), ["bridge.passwordKeyFile"]);
    return err.message;
  }
  return assert.fail("the key file was accepted");
}

describe("the password key file is checked at start", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  const key = `${randomBytes(32).toString("hex")}\n`;

  it("a key file group or others may read is refused, naming the key and the fix", () => {
    const path = join(dir, "open");
    writeFileSync(path, key);
    chmodSync(path, 0o644);
    const message = refusal(path);
    assert.match(message, /bridge\.passwordKeyFile/);
    assert.ok(message.includes(`chmod 600 ${path}`), message);
    assert.match(message, /0644/);
    assert.ok(!message.includes(key.trim()), "the key itself is never shown");
  });

  it("writable by group, or readable by others only, is refused too", () => {
    for (const mode of [0o620, 0o604, 0o640]) {
      const path = join(dir, `m${mode.toString(8)}`);
      writeFileSync(path, key);
      chmodSync(path, mode);
      assert.match(refusal(path), /chmod 600/);
    }
  });

  it("a private key file (0600 or 0400) is accepted", () => {
    for (const mode of [0o600, 0o400]) {
      const path = join(dir, `ok${mode.toString(8)}`);
      writeFileSync(path, key);
      chmodSync(path, mode);
      assert.ok(build(path).networks.length === 1);
    }
  });

  it("a key file that belongs to another user is refused (checked where the test may chown)", (t) => {
    if (process.getuid?.() !== 0) {
      t.skip("only root can give a file to another user");
      return;
    }
    const path = join(dir, "theirs");
    writeFileSync(path, key, { mode: 0o600 });
    chownSync(path, 12345, 12345);
    assert.match(refusal(path), /belongs to uid 12345, not to the user running the bridge/);
  });

  it("a private file of the wrong length or format is a clear error naming the key", () => {
    for (const [name, text] of [["short", "abcd"], ["notkey", "z".repeat(64)], ["long", randomBytes(40).toString("hex")]] as const) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      assert.match(refusal(path), /must hold 32 bytes as 64 hex characters or base64/);
    }
  });

  it("a missing key file is a clear error naming the key", () => {
    assert.match(refusal(join(dir, "missing")), /cannot read the password key file/);
  });
});
