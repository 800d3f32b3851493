import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { CredentialStore } from "../../src/puppets/credentialStore";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import { recordingLogger } from "../support/recordingLogger";
import { silentLogger } from "../support/silentLogger";

async function setup(seal: PasswordSeal | undefined) {
  const store = await openNedbStore(undefined);
  await store.puppets.put({ userId: "@alice:x", network: "net", nick: "alice[m]", username: "alice", channels: ["#c"], nickNote: undefined });
  return { store, credentials: new CredentialStore(store.puppets, seal, silentLogger()) };
}

describe("stored IRC passwords", () => {
  it("are stored sealed, under the user's current nick as account, and opened for the next connection", async () => {
    const { store, credentials } = await setup(PasswordSeal.fromKey(randomBytes(32)));
    assert.deepEqual(await credentials.store("net", "@alice:x", "pass word", "alice_"), { ok: true, account: "alice_" });
    const record = await store.puppets.get("net", "@alice:x");
    assert.ok(record?.sealedPassword !== undefined && !record.sealedPassword.includes("pass word"));
    assert.deepEqual(record.channels, ["#c"], "the rest of the record is kept");
    assert.deepEqual(await credentials.get("net", "@alice:x"), { account: "alice_", password: "pass word" });
    assert.equal(await credentials.remove("net", "@alice:x"), true);
    assert.equal(await credentials.get("net", "@alice:x"), undefined);
    assert.equal(await credentials.remove("net", "@alice:x"), false);
  });

  it("are refused without a key, and for a user with no identity yet", async () => {
    const { credentials } = await setup(undefined);
    const refused = await credentials.store("net", "@alice:x", "pw", undefined);
    assert.ok(!refused.ok && /passwordKeyFile/.test(refused.reason));
    const keyed = await setup(PasswordSeal.fromKey(randomBytes(32)));
    const nobody = await keyed.credentials.store("net", "@bob:x", "pw", undefined);
    assert.ok(!nobody.ok && /join a bridged room first/.test(nobody.reason));
  });

  it("a key that changed: the password is not used (and no secret is logged)", async () => {
    const { store } = await setup(undefined);
    const password = "correct horse battery staple";
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = new CredentialStore(store.puppets, PasswordSeal.fromKey(oldKey), silentLogger());
    assert.deepEqual(await before.store("net", "@alice:x", password, undefined), { ok: true, account: "alice[m]" });
    assert.deepEqual(await before.get("net", "@alice:x"), { account: "alice[m]", password }, "positive control: the key it was sealed with opens it");
    const { log, lines, settled } = recordingLogger();
    const after = new CredentialStore(store.puppets, PasswordSeal.fromKey(newKey), log);
    assert.equal(await after.get("net", "@alice:x"), undefined, "another key: no password for the connection");
    await settled();
    assert.deepEqual(
      lines.map((l) => [l.level, l.message, l.fields.user, l.fields.network]),
      [["warn", "a stored IRC password cannot be opened (was the password key file changed?)", "@alice:x", "net"]],
      "the operator is told, once, whose password and why",
    );
    const sealed = (await store.puppets.get("net", "@alice:x"))?.sealedPassword ?? assert.fail("the sealed password is kept");
    for (const secret of [password, sealed, oldKey.toString("hex"), newKey.toString("hex"), oldKey.toString("base64"), newKey.toString("base64")]) {
      assert.ok(!lines.some((l) => l.text.includes(secret)), "no password, sealed password or key in the log");
    }
  });
});
