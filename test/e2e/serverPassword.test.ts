/**
 * A network that asks for a server password (ergo-secure, real Synapse), configured at its plaintext
 * port 127.0.0.1:16690 (it advertises STS: the bridge goes on with TLS, pinning the certificate):
 * - The operator gives the right password in a file and the bot's account password sealed with
 *   `npm run seal-secret`: the bot logs in, a Matrix user connects, and their message reaches an
 *   IRC client. Neither password appears in the bridge's output.
 * - The operator gives a wrong password (sealed): the user is told plainly, once, in their admin
 *   room that the network refused the bridge's server password, and nothing they say reaches IRC.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Doc } from "../../scripts/lib/localConfig";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

const secure = testenv.ergoSecure;
const sealCli = join(__dirname, "..", "..", "src", "cli", "sealSecret.js");

/** What an operator does: pipes the secret into seal-secret, with the bridge's key file. */
function sealed(keyFile: string, network: string, key: "password" | "bot.password", secret: string): string {
  return execFileSync(process.execPath, [sealCli, "--key-file", keyFile, "--network", network, "--key", key], { input: `${secret}\n`, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] }).trim();
}

/** Points the local bridge's network at ergo-secure's plaintext port; `secrets` sets its passwords. */
function onSecureErgo(secrets: (network: Doc, keyFile: string, dir: string) => void): (doc: Doc) => void {
  return (doc) => {
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.address = secure.host;
    network.port = secure.port;
    network.tls = false;
    // The plaintext port advertises STS: the bridge goes on with TLS, whose self-signed certificate it pins.
    network.tlsOptions = { fingerprints: [new X509Certificate(readFileSync(secure.certFile)).fingerprint256] };
    const keyFile = String((doc.bridge as Doc).passwordKeyFile);
    secrets(network, keyFile, String((doc.datastore as Doc).path).replace(/\/data$/, ""));
  };
}

describe("a network with a server password, given right (in a file) and the bot's password sealed", () => {
  const botNick = uniqueName("pwbot").slice(0, 14);
  const botPassword = `botpass-${uniqueName("x")}`;
  const bridge = new RunningBridge(
    bridges.sample,
    onSecureErgo((network, keyFile, dir) => {
      const file = join(dir, "server-password");
      writeFileSync(file, `${secure.password}\n`, { mode: 0o600 });
      network.passwordFile = file;
      network.bot = { ...(network.bot as Doc), enabled: true, nick: botNick, password: sealed(keyFile, String(network.id), "bot.password", botPassword) };
    }),
  );
  const channel = `#${uniqueName("pass")}`;
  let alice: TestUser;
  let watcher: TestIrcClient;

  before(async () => {
    // The bot's account, registered with the network's services as an operator would.
    const registrar = await TestIrcClient.connect(secure.host, secure.port, botNick, [], { password: secure.password });
    registrar.raw(`PRIVMSG NickServ :REGISTER ${botPassword}`);
    await registrar.waitFor(/NOTICE \S+ :Account created/i, 15000);
    await registrar.quit();
    const config = readFileSync(bridge.config.path, "utf8");
    assert.ok(!config.includes(secure.password) && !config.includes(botPassword), "the config holds no password in clear");
    await bridge.start();
    watcher = await TestIrcClient.connect(secure.host, secure.port, uniqueName("w").slice(0, 12), [], { password: secure.password });
    await watcher.join(channel);
    alice = await registerUser(uniqueName("alice"));
  });

  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("the bot connects and logs in to its account with the sealed password", async () => {
    await watcher.waitOnline(botNick);
    await bridge.process?.waitForLine(new RegExp(`the IRC bot logged in.*${escape(botNick)}`, "i"), 20000);
  });

  it("a Matrix user connects, and their message reaches an IRC client", async () => {
    const nick = puppetNick(alice);
    const roomId = await joinRoom(alice, bridge.alias(channel));
    await watcher.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
    await sendText(alice, roomId, "through the password-protected network");
    await watcher.waitFor(/PRIVMSG \S+ :through the password-protected network$/, 20000);
  });

  it("no password is in the bridge's output", () => {
    const output = bridge.process?.lines ?? [];
    assert.ok(output.length > 0);
    assert.ok(!output.some((l) => l.includes(secure.password) || l.includes(botPassword)), "a password was printed");
  });
});

describe("a network that refuses the bridge's server password", () => {
  const wrong = `wrong-${uniqueName("pw")}`;
  const channel = `#${uniqueName("nopass")}`;
  let owner: TestUser;
  let roomId: string;
  let bridge: RunningBridge;
  let watcher: TestIrcClient;

  before(async () => {
    owner = await registerUser(uniqueName("owner"));
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "behind a wrong password" });
    roomId = created.body.room_id;
    bridge = new RunningBridge(
      bridges.sample,
      onSecureErgo((network, keyFile) => {
        network.password = sealed(keyFile, String(network.id), "password", wrong);
        network.mappings = { [channel]: { roomIds: [roomId] } };
      }),
    );
    const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, owner.token, { user_id: `@${bridge.registration.sender_localpart}:${testenv.domain}` });
    assert.equal(invite.status, 200);
    watcher = await TestIrcClient.connect(secure.host, secure.port, uniqueName("w").slice(0, 12), [], { password: secure.password });
    await watcher.join(channel);
    await bridge.start();
  });

  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("the user is told once, plainly, in their admin room; nothing they say reaches IRC", async () => {
    const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
    await eventually(async () => (await timeline(owner, roomId)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot to join the mapped room");
    await sendText(owner, roomId, "this must not reach IRC");
    const adminRoom = await acceptInviteFrom(owner, bot);
    const told = await eventually(async () => {
      const notices = await botNotices(owner, adminRoom, bot);
      const about = notices.filter((n) => /refused the bridge's server password/.test(n));
      return about.length > 0 ? about : undefined;
    }, 30000, "the notice about the server password");
    assert.match(told[0] ?? "", /tell the bridge's operator/);
    await bridge.process?.waitForLine(/refused the bridge's server password: fix ircNetworks\[\]\.password/, 20000);
    // The bridge retries (the breaker's 2 s, then 4 s): once two more refusals are in the log, still one notice.
    const refusals = () => (bridge.process?.lines ?? []).filter((l) => /refused the bridge's server password: fix/.test(l)).length;
    const seen = refusals();
    await eventually(() => refusals() >= seen + 2, 30000, "two more refused attempts");
    const again = (await botNotices(owner, adminRoom, bot)).filter((n) => /server password/.test(n));
    assert.equal(again.length, 1, `told once: ${JSON.stringify(again)}`);
    // Positive control first: the refusal was told (above); the IRC side never saw the user or the message.
    const nick = puppetNick(owner);
    assert.ok(!(await watcher.names(channel)).some((n) => n.toLowerCase() === nick.toLowerCase()), "the user is not on IRC");
    assert.ok(!watcher.lines.some((l) => l.includes("this must not reach IRC")), "nothing was bridged");
    assert.ok(!(bridge.process?.lines ?? []).some((l) => l.includes(wrong)), "the password is never printed");
  });
});
