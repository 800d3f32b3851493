import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PasswordSeal, sealContext } from "../../src/secrets/passwordSeal";

describe("password seal", () => {
  const seal = PasswordSeal.fromKey(randomBytes(32));
  const ctx = sealContext("net", "@alice:x");

  it("opens what it sealed, and the sealed form does not contain the password", () => {
    const sealed = seal.seal("correct horse battery", ctx);
    assert.ok(!sealed.includes("horse"));
    assert.notEqual(seal.seal("correct horse battery", ctx), sealed, "a fresh nonce each time");
    assert.equal(seal.open(sealed, ctx), "correct horse battery");
  });

  it("refuses a sealed value moved to another user or network, tampered with, or under another key", () => {
    const sealed = seal.seal("secret", ctx);
    assert.throws(() => seal.open(sealed, sealContext("net", "@mallory:x")));
    assert.throws(() => seal.open(sealed, sealContext("other", "@alice:x")));
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[14] = (raw[14] ?? 0) ^ 1;
    assert.throws(() => seal.open(`v1:${raw.toString("base64")}`, ctx));
    assert.throws(() => PasswordSeal.fromKey(randomBytes(32)).open(sealed, ctx));
  });

  it("reads a key file of 64 hex characters or base64, and names the problem with anything else", () => {
    const dir = mkdtempSync(join(tmpdir(), "seal-"));
    try {
      const key = randomBytes(32);
      // Key files are private (0600): a readable one is refused (the next test).
      writeFileSync(join(dir, "hex"), `${key.toString("hex")}\n`, { mode: 0o600 });
      writeFileSync(join(dir, "b64"), key.toString("base64"), { mode: 0o600 });
      writeFileSync(join(dir, "short"), "abcd", { mode: 0o600 });
      const sealed = PasswordSeal.fromFile(join(dir, "hex")).seal("pw", ctx);
      assert.equal(PasswordSeal.fromFile(join(dir, "b64")).open(sealed, ctx), "pw");
      assert.throws(() => PasswordSeal.fromFile(join(dir, "short")), /must hold 32 bytes/);
      assert.throws(() => PasswordSeal.fromFile(join(dir, "missing")), /cannot read the password key file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
