import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { CredentialStore } from "../../src/puppets/credentialStore";
import { PasswordSeal, sealContext } from "../../src/secrets/passwordSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import { recordingLogger } from "../support/recordingLogger";

const alice = { userId: "@alice:x", network: "net", nick: "alice[m]", username: "alice", channels: ["#c"], nickNote: undefined };

async function setup(seal: PasswordSeal | undefined) {
  const store = await openNedbStore(undefined);
  await store.puppets.put(alice);
  const { log, lines, settled } = recordingLogger();
  return { store, credentials: new CredentialStore(store.puppets, seal, log), lines, settled };
}

describe("stored IRC passwords: beyond the happy path", () => {
  it("a user with no record on the network is refused even when a nick is given, and nothing is written", async () => {
    const { store, credentials } = await setup(PasswordSeal.fromKey(randomBytes(32)));
    const outcome = await credentials.store("net", "@bob:x", "pw", "bob");
    assert.ok(!outcome.ok && /join a bridged room first/.test(outcome.reason), JSON.stringify(outcome));
    assert.equal(await store.puppets.get("net", "@bob:x"), undefined);
    assert.deepEqual((await store.puppets.all("net")).map((r) => r.userId), ["@alice:x"], "no half record was added");
  });

  it("nothing stored: no credentials, remove says there was none, and nothing is logged", async () => {
    const { credentials, lines, settled } = await setup(PasswordSeal.fromKey(randomBytes(32)));
    assert.equal(await credentials.get("net", "@alice:x"), undefined, "a record without a password");
    assert.equal(await credentials.get("net", "@nobody:x"), undefined, "no record at all");
    assert.equal(await credentials.remove("net", "@nobody:x"), false);
    assert.equal(await credentials.remove("net", "@alice:x"), false);
    await settled();
    assert.deepEqual(lines, [], "no warning: there was nothing to open");
  });

  it("a bridge started without a key does not try to open a stored password (no credentials, no warning)", async () => {
    const keyed = await setup(PasswordSeal.fromKey(randomBytes(32)));
    assert.equal((await keyed.credentials.store("net", "@alice:x", "pw", undefined)).ok, true);
    const { log, lines, settled } = recordingLogger();
    const keyless = new CredentialStore(keyed.store.puppets, undefined, log);
    assert.equal(await keyless.get("net", "@alice:x"), undefined);
    await settled();
    assert.deepEqual(lines, []);
  });

  it("a sealed password without an account name is not used", async () => {
    const seal = PasswordSeal.fromKey(randomBytes(32));
    const { store, credentials, lines, settled } = await setup(seal);
    await store.puppets.put({ ...alice, sealedPassword: seal.seal("pw", sealContext("net", "@alice:x")) });
    assert.equal(await credentials.get("net", "@alice:x"), undefined);
    await settled();
    assert.deepEqual(lines, []);
  });
});
