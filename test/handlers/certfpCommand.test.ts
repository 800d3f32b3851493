import assert from "node:assert/strict";
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import type { AdminNetwork } from "../../src/admin/command";
import { CommandRunner } from "../../src/admin/commandRunner";
import { COMMANDS } from "../../src/admin/commands";
import { ClientCertificates } from "../../src/puppets/clientCertificates";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import { recordingAdminContext, storedCertificates } from "../support/fakeAdmin";
import { recordingLogger } from "../support/recordingLogger";
import { silentLogger } from "../support/silentLogger";

const ALICE = "@alice:example.org";
const TESTNET: AdminNetwork = { id: "testnet", name: "TestNet" };

async function setup(options: { seal?: PasswordSeal | undefined; tls?: boolean; identity?: boolean } = {}) {
  const seal = "seal" in options ? options.seal : PasswordSeal.fromKey(randomBytes(32));
  const store = await openNedbStore(undefined);
  if (options.identity !== false) await store.puppets.put({ userId: ALICE, network: "testnet", nick: "alice[m]", username: "alice", channels: ["#c"], nickNote: undefined });
  const { context } = recordingAdminContext([TESTNET]);
  const runner = new CommandRunner({
    commands: COMMANDS,
    context: { ...context, certificates: storedCertificates(store, seal, options.tls ?? true) },
    redact: () => Promise.resolve(),
    reply: () => undefined,
    log: silentLogger(),
  });
  const fingerprintIn = (reply: string) => /\b([0-9a-f]{64})\b/.exec(reply)?.[1] ?? assert.fail(`no fingerprint in: ${reply}`);
  return { store, seal, say: (body: string) => runner.run(ALICE, body), fingerprintIn };
}

describe("!certfp", () => {
  it("creates a certificate, stores it with its key sealed, and shows its fingerprint and how to register it", async () => {
    const { store, say, fingerprintIn } = await setup();
    const reply = await say("!certfp");
    assert.match(reply, /^Created a client certificate for you on TestNet/);
    assert.match(reply, /NickServ CERT ADD [0-9a-f]{64}/);
    assert.match(reply, /SASL EXTERNAL/);
    assert.doesNotMatch(reply, /without TLS/);
    assert.doesNotMatch(reply, /PRIVATE KEY/);
    const record = await store.puppets.get("testnet", ALICE);
    const cert = new X509Certificate(record?.certificate ?? assert.fail("the certificate is stored"));
    assert.equal(fingerprintIn(reply), cert.fingerprint256.replace(/:/g, "").toLowerCase());
    assert.equal(cert.subject, "CN=alice", "named after the user's IRC username");
    assert.ok(record?.sealedCertificateKey !== undefined && !record.sealedCertificateKey.includes("PRIVATE KEY"), "the key is sealed");
    assert.deepEqual(record.channels, ["#c"], "the rest of the record is kept");
  });

  it("shows the same certificate again, replaces it with new, deletes it with remove", async () => {
    const { store, say, fingerprintIn } = await setup();
    const first = fingerprintIn(await say("!certfp"));
    const again = await say("!certfp");
    assert.match(again, /^Your client certificate on TestNet has the SHA-256 fingerprint/);
    assert.equal(fingerprintIn(again), first);
    assert.match(again, /!certfp new/);
    const replaced = await say("!certfp new");
    assert.match(replaced, /^Created/);
    assert.notEqual(fingerprintIn(replaced), first);
    const removed = await say("!certfp remove");
    assert.match(removed, /was removed/);
    assert.equal(fingerprintIn(removed), fingerprintIn(replaced), "says which fingerprint to remove from the account");
    const record = await store.puppets.get("testnet", ALICE);
    assert.equal(record?.certificate, undefined);
    assert.equal(record?.sealedCertificateKey, undefined);
    assert.match(await say("!certfp remove"), /You have no client certificate for TestNet/);
  });

  it("refuses without a key file, without an IRC identity, and with other arguments, storing nothing", async () => {
    const noKey = await setup({ seal: undefined });
    assert.match(await noKey.say("!certfp"), /No client certificate was created: .*bridge\.passwordKeyFile/);
    assert.equal((await noKey.store.puppets.get("testnet", ALICE))?.certificate, undefined);
    const stranger = await setup({ identity: false });
    assert.match(await stranger.say("!certfp"), /join a bridged room first/);
    const { store, say } = await setup();
    assert.match(await say("!certfp show please"), /Usage: !certfp/);
    assert.match(await say("!certfp renew"), /Usage: !certfp/);
    assert.equal((await store.puppets.get("testnet", ALICE))?.certificate, undefined);
  });

  it("says that no certificate is sent to a network reached without TLS", async () => {
    const { say } = await setup({ tls: false });
    assert.match(await say("!certfp"), /without TLS, so no client certificate is sent there/);
  });
});

describe("stored client certificates", () => {
  it("are opened for the user's connection, and not for another user or under another key", async () => {
    const seal = PasswordSeal.fromKey(randomBytes(32));
    const store = await openNedbStore(undefined);
    const { log, lines, settled } = recordingLogger();
    for (const userId of [ALICE, "@bob:example.org"]) await store.puppets.put({ userId, network: "testnet", nick: "n", username: "u", channels: [], nickNote: undefined });
    const certificates = new ClientCertificates(store.puppets, seal, log);
    assert.equal(await certificates.get("testnet", ALICE), undefined, "none before !certfp");
    const created = await certificates.create("testnet", ALICE, false);
    assert.ok(created.ok);
    const pair = (await certificates.get("testnet", ALICE)) ?? assert.fail("the pair opens");
    assert.ok(new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key)));
    // Alice's sealed key copied into Bob's record does not open: it is bound to her.
    const alice = await store.puppets.get("testnet", ALICE);
    const bob = await store.puppets.get("testnet", "@bob:example.org");
    assert.ok(alice !== undefined && bob !== undefined);
    await store.puppets.put({ ...bob, certificate: alice.certificate, sealedCertificateKey: alice.sealedCertificateKey });
    assert.equal(await certificates.get("testnet", "@bob:example.org"), undefined);
    assert.equal(await new ClientCertificates(store.puppets, PasswordSeal.fromKey(randomBytes(32)), log).get("testnet", ALICE), undefined, "another key file");
    await settled();
    assert.ok(lines.some((l) => /cannot be opened/.test(l.message)));
    // A certificate that does not match its key (replaced in the store) is not used.
    const other = await certificates.create("testnet", "@bob:example.org", true);
    assert.ok(other.ok);
    const bobNow = await store.puppets.get("testnet", "@bob:example.org");
    await store.puppets.put({ ...alice, certificate: bobNow?.certificate });
    assert.equal(await certificates.get("testnet", ALICE), undefined);
    await settled();
    assert.ok(lines.some((l) => /does not match its key/.test(l.message)));
    assert.ok(!lines.some((l) => l.text.includes("PRIVATE KEY")), "the key is never logged");
  });
});
