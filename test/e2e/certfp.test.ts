/**
 * Client certificates (real Synapse, the TLS Ergo with a server password): a user runs !certfp,
 * registers the certificate's fingerprint with Ergo's NickServ from their own connection, and the
 * next connection logs in with SASL EXTERNAL. A certificate Ergo does not know falls back to the
 * stored password (SASL PLAIN), and the user is told.
 *
 * The test Ergo's certificate is self-signed; until the network config can pin it, the bridge
 * process trusts it through NODE_EXTRA_CA_CERTS (it is a CA-capable certificate with an IP SAN for
 * 127.0.0.1), which touches nothing in the bridge's code or config.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command } from "./support/adminRoom";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

describe("client certificates on the TLS Ergo", () => {
  const secure = testenv.ergoSecure;
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    Object.assign(network, { address: secure.host, port: secure.tlsPort, tls: true, password: secure.password, sendSuccessNotices: true });
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("cfp")}`;
  let alice: TestUser;
  let nick = "";
  let adminRoom = "";
  const re = (text: string) => text.replace(/[[\]\\^$.|?*+(){}]/g, "\\$&");
  const say = (text: string) => command(alice, adminRoom, bot, text);
  /** The first notice after `from` notices that matches. */
  const notice = (from: number, match: RegExp, what: string) =>
    eventually(async () => (await botNotices(alice, adminRoom, bot)).slice(from).find((n) => match.test(n)), 30000, what);
  /** !reconnect, then the notices of the new connection up to its "Connected to" (the login is told before it registers). */
  const reconnect = async () => {
    const from = (await botNotices(alice, adminRoom, bot)).length;
    await say("!reconnect");
    // A notice of its own, or repeated in the summary of notices held back by the admin room's rate limit.
    await notice(from, /(?:^|: |— )Connected to .* as /, "the new connection");
    return (await botNotices(alice, adminRoom, bot)).slice(from);
  };
  const fingerprintIn = (reply: string) => /\b([0-9a-f]{64})\b/.exec(reply)?.[1] ?? assert.fail(`no fingerprint in: ${reply}`);
  const password = `pw-${uniqueName("")}`;
  let previousCa: string | undefined;

  before(async () => {
    previousCa = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = secure.certFile;
    await bridge.start();
    alice = await registerUser(uniqueName("alice"));
    nick = puppetNick(alice);
  });
  after(async () => {
    await bridge.dispose();
    if (previousCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previousCa;
  });

  it("a user connects over TLS with the server password and gets an admin room", async () => {
    await joinRoom(alice, bridge.alias(channel));
    adminRoom = await acceptInviteFrom(alice, bot);
    await notice(0, new RegExp(`^Connected to .* as ${re(nick)}\\.`), "the first connection's notice");
    // The server password is not an account login: nobody tried it as one (a login is told before "Connected").
    assert.deepEqual((await botNotices(alice, adminRoom, bot)).filter((n) => /identify|log in/i.test(n)), []);
  });

  it("!certfp creates a certificate and shows its fingerprint; run again, it shows the same one", async () => {
    const reply = await say("!certfp");
    assert.match(reply, /^Created a client certificate for you/);
    assert.match(reply, /NickServ CERT ADD [0-9a-f]{64}/);
    assert.doesNotMatch(reply, /without TLS/);
    const again = await say("!certfp");
    assert.equal(fingerprintIn(again), fingerprintIn(reply));
    assert.match(again, /!certfp new/);
  });

  it("registered with NickServ, the certificate logs the user in with SASL EXTERNAL at the next connection", async () => {
    const fp = fingerprintIn(await say("!certfp"));
    // The user registers their nick as an account and adds the fingerprint, from their own connection.
    assert.match(await say(`!cmd PRIVMSG NickServ :REGISTER ${password}`), /created|registered/i);
    assert.match(await say(`!cmd PRIVMSG NickServ :CERT ADD ${fp}`), /added/i);
    const told = await reconnect();
    assert.ok(told.some((n) => new RegExp(`(?:^|: |— )Identified to .* as ${re(nick)} \\(SASL EXTERNAL, your client certificate\\)\\.`, "i").test(n)), told.join("\n"));
    // The server agrees (WHOIS 330), without a password stored.
    assert.match(await say(`!whois ${nick}`), new RegExp(`account: ${re(nick)}`, "i"));
  });

  it("a certificate the server does not know: logged in with the stored password instead, and told", async () => {
    assert.match(await say(`!storepass ${password}`), /^Password stored/);
    assert.match(await say("!certfp new"), /^Created/);
    const told = await reconnect();
    assert.ok(told.some((n) => /(?:^|: |— )Logged in to .* with your password; the certificate was not accepted: the server refused it/.test(n)), told.join("\n"));
    assert.match(await say(`!whois ${nick}`), new RegExp(`account: ${re(nick)}`, "i"));
  });

  it("without a password, a refused certificate is told as such", async () => {
    assert.match(await say("!removepass"), /removed/);
    const told = await reconnect();
    assert.ok(told.some((n) => /(?:^|: |— )Could not log in to .* with your client certificate: the server refused it/.test(n)), told.join("\n"));
    // Not logged in, Ergo keeps the account's nick from her: she is told which nick she got.
    const got = told.map((n) => /(?:^|: |— )Connected to \S.*? as (\S+?)(?: \(|\. Say)/.exec(n)?.[1]).find((n) => n !== undefined) ?? assert.fail(told.join("\n"));
    assert.match(await say(`!whois ${got}`), /account: not logged in/);
  });
});
