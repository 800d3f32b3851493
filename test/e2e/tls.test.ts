/**
 * TLS as networks run it (real Synapse and ergo-secure: a self-signed certificate made by openssl,
 * a server password, and an IRCv3 STS policy on its plaintext port).
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Doc } from "../../scripts/lib/localConfig";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { botNotices, command, openAdminRoom } from "./support/adminRoom";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";
import { remotePortsOf } from "./support/processSockets";

const secure = testenv.ergoSecure;
/** What an operator pins: the SHA-256 of the server's certificate, as openssl and Node show it. */
const fingerprint = new X509Certificate(readFileSync(secure.certFile)).fingerprint256;

/** The sample bridge pointed at ergo-secure: at its TLS port, or (`plaintext`) at its STS-advertising plaintext port. */
function secureBridge(options: { readonly plaintext?: boolean; readonly pin?: boolean }): RunningBridge {
  return new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.address = secure.host;
    network.port = options.plaintext === true ? secure.port : secure.tlsPort;
    network.tls = options.plaintext !== true;
    network.password = secure.password;
    if (options.pin === true) network.tlsOptions = { fingerprints: [fingerprint.toLowerCase()] };
  });
}


const nickOf = (user: TestUser) => puppetNick(user);
const watch = () => TestIrcClient.connect(secure.host, secure.port, uniqueName("tw").slice(0, 12), [], { password: secure.password });

/** A Matrix user joins the channel's portal and speaks: the IRC watcher in the channel reads it. */
async function speaks(bridge: RunningBridge, watcher: TestIrcClient, channel: string, user: TestUser): Promise<void> {
  const roomId = await joinRoom(user, bridge.alias(channel));
  const from = watcher.lines.length;
  await watcher.waitFor(new RegExp(`:${escape(nickOf(user))}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000, from);
  const text = `over tls ${uniqueName("m")}`;
  await sendText(user, roomId, text);
  await watcher.waitFor(new RegExp(`:${escape(nickOf(user))}!\\S+ PRIVMSG ${escape(channel)} :${escape(text)}$`, "i"), 30000, from);
}

describe("TLS to a server with a self-signed certificate (ergo-secure)", () => {
  // One channel per bridge: a portal room belongs to the bridge (and data directory) that made it.
  const channel = `#${uniqueName("tls")}`;
  const stsChannel = `#${uniqueName("sts")}`;
  let watcher: TestIrcClient;

  before(async () => {
    watcher = await watch();
    await watcher.join(channel);
    await watcher.join(stsChannel);
  });
  after(async () => {
    await watcher.quit();
  });

  describe("without the pin", () => {
    const bridge = secureBridge({});
    const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
    before(() => bridge.start());
    after(() => bridge.dispose());

    it("a user's connection is refused, and their admin room says why: self-signed, with the fingerprint to pin", async () => {
      const alice = await registerUser(uniqueName("tlsno"));
      const adminRoom = await openAdminRoom(alice, bot);
      await sendText(alice, adminRoom, `!join ${channel}`);
      const notice = await eventually(async () => (await botNotices(alice, adminRoom, bot)).find((n) => /^Cannot connect to /.test(n)), 30000, "the TLS refusal in the admin room");
      assert.match(notice, /the server's TLS certificate is self-signed and not pinned/);
      assert.ok(notice.includes(fingerprint), `the fingerprint to pin: ${notice}`);
      // Told once: the retries that follow say nothing more. Positive control: three more refusals
      // in the log, then the answer to a command sent after them.
      const refusals = () => (bridge.process?.lines ?? []).filter((l) => /connection closed.*self-signed/.test(l)).length;
      const seen = refusals();
      await eventually(() => refusals() >= seen + 3, 30000, "the bridge retrying");
      const help = await command(alice, adminRoom, bot, "!help");
      assert.doesNotMatch(help, /^Cannot connect/);
      assert.equal((await botNotices(alice, adminRoom, bot)).filter((n) => /^Cannot connect to /.test(n)).length, 1);
      // Alice never got onto IRC.
      const from = watcher.lines.length;
      watcher.raw(`ISON ${nickOf(alice)}`);
      assert.doesNotMatch(await watcher.waitFor(/ 303 /, 5000, from), new RegExp(escape(nickOf(alice)), "i"));
    });
  });

  describe("with the pin", () => {
    const bridge = secureBridge({ pin: true });
    before(() => bridge.start());
    after(() => bridge.dispose());

    it("the user is connected, and their message reaches the IRC channel", async () => {
      await watcher.waitOnline(bridge.botNick);
      await speaks(bridge, watcher, channel, await registerUser(uniqueName("tlspin")));
      const ports = remotePortsOf(bridge.process?.pid ?? 0);
      assert.ok(ports.includes(secure.tlsPort), `connected to the TLS port: ${ports.join(", ")}`);
    });
  });

  describe("STS: configured at the plaintext port, with the pin", () => {
    const bridge = secureBridge({ plaintext: true, pin: true });
    before(() => bridge.start());
    after(() => bridge.dispose());

    it("the connections are upgraded to the advertised TLS port, and the policy is remembered", async () => {
      await watcher.waitOnline(bridge.botNick);
      await bridge.process?.waitForLine(/upgrading to TLS as the server's STS policy asks/, 10000);
      await bridge.process?.waitForLine(/remembering the server's STS policy/, 10000);
      await speaks(bridge, watcher, stsChannel, await registerUser(uniqueName("tlssts")));
      const ports = remotePortsOf(bridge.process?.pid ?? 0);
      assert.ok(ports.includes(secure.tlsPort), `on the TLS port: ${ports.join(", ")}`);
      assert.ok(!ports.includes(secure.port), `none left on the plaintext port: ${ports.join(", ")}`);
    });

    it("after a restart, the bridge goes to TLS directly", async () => {
      await bridge.stop();
      await bridge.start();
      await bridge.process?.waitForLine(/remembered STS policies hold/, 10000);
      await watcher.waitOnline(bridge.botNick);
      await speaks(bridge, watcher, stsChannel, await registerUser(uniqueName("tlsre")));
      const ports = remotePortsOf(bridge.process?.pid ?? 0);
      assert.ok(ports.includes(secure.tlsPort) && !ports.includes(secure.port), `TLS only: ${ports.join(", ")}`);
      // The connections are up (positive control above): none of them went through plaintext first.
      assert.deepEqual(bridge.process?.lines.filter((l) => /upgrading to TLS/.test(l)), []);
    });
  });
});
