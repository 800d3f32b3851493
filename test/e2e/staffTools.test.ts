/**
 * What network staff see of bridged users (real Synapse, the lone InspIRCd "staff.test" that asks
 * every client's ident): each puppet shows its own username without "~" (the server asked the
 * bridge's ident server and got it), its own IPv6 address from the configured prefix (two users,
 * two addresses), its Matrix id as realname, and a CTCP VERSION naming the bridge and homeserver.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { parseIpv6Prefix, userAddress } from "../../src/puppets/ipv6Address";
import { renderUsername } from "../../src/puppets/userTemplates";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { joinRoom, registerUser, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

type Doc = Record<string, unknown>;
const staff = testenv.inspircdStaff;

describe("network staff can tell bridged users apart (InspIRCd with ident, per-user IPv6)", () => {
  const bridge = new RunningBridge(bridges.insp, (doc) => {
    doc.ident = { enabled: true, port: 113, address: "::" };
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.address = staff.host6;
    network.port = staff.port;
    network.ipv6 = { prefix: staff.ipv6Prefix };
  });
  const channel = `#${uniqueName("staff")}`;
  const prefix = parseIpv6Prefix(staff.ipv6Prefix);
  let op: TestIrcClient;
  let alice: TestUser;
  let bob: TestUser;
  const nickOf = (user: TestUser) => puppetNick(user);
  /** "nick!user@host" of each user's puppet as its JOIN reached the channel. */
  const seen = new Map<string, { user: string; host: string }>();

  before(async () => {
    if (typeof prefix === "string") throw new Error(prefix);
    await bridge.start();
    op = await TestIrcClient.connect(staff.host, staff.port, uniqueName("op").slice(0, 12));
    // The bridge bot reads the channel's modes before its portal exists (else it starts closed).
    await op.waitOnline(bridge.botNick);
    await op.join(channel);
    alice = await registerUser(uniqueName("alice"));
    bob = await registerUser(uniqueName("bob"));
    for (const user of [alice, bob]) {
      const started = Date.now();
      await joinRoom(user, bridge.alias(channel));
      const join = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(user))}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
      process.stderr.write(`  (ident + own IPv6 address: Matrix join -> IRC JOIN in ${Date.now() - started} ms)\n`);
      const m = /^(?:@\S+ )?:[^!]+!([^@]+)@(\S+) JOIN/.exec(join);
      assert.ok(m !== null, join);
      seen.set(user.userId, { user: m[1] ?? "", host: m[2] ?? "" });
    }
  });
  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("the server asked ident: each puppet shows its own username, without the ~ of an unanswered ident", async () => {
    // Positive control: the server does ask, and an unknown connection (ours) is refused: "~".
    const ownJoin = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(op.nick)}!(\\S+)@\\S+ JOIN`, "i"));
    assert.match(ownJoin, new RegExp(`^(?:@\\S+ )?:${escape(op.nick)}!~`, "i"), "the test client's ident was not confirmed");
    for (const user of [alice, bob]) {
      assert.equal(seen.get(user.userId)?.user, renderUsername("{localpart}", user.userId), `${user.userId}'s ident as the server shows it`);
    }
  });

  it("two users come from two different IPv6 addresses, each their own stable one in the prefix", () => {
    if (typeof prefix === "string") throw new Error(prefix);
    const hosts = [alice, bob].map((user) => seen.get(user.userId)?.host);
    assert.deepEqual(hosts, [userAddress(prefix, alice.userId), userAddress(prefix, bob.userId)]);
    assert.notEqual(hosts[0], hosts[1]);
    for (const host of hosts) assert.ok(host.startsWith("2001:db8:5afe:"), host);
  });

  it("WHOIS shows the Matrix id as realname, and CTCP VERSION names the bridge and the homeserver", async () => {
    const nick = nickOf(alice);
    let from = op.lines.length;
    op.raw(`WHOIS ${nick}`);
    const whois = await op.waitFor(new RegExp(` 311 \\S+ ${escape(nick)} `, "i"), 20000, from);
    assert.ok(whois.endsWith(` :${alice.userId}`), whois);
    from = op.lines.length;
    op.say(nick, "\u0001VERSION\u0001");
    const reply = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ NOTICE ${escape(op.nick)} :\u0001VERSION `, "i"), 20000, from);
    assert.match(reply, new RegExp(`\u0001VERSION matrix-irc-puppet-bridge \\S+, bridging Matrix users of ${escape(testenv.domain)}\u0001$`));
  });
});

describe("WEBIRC where the network configures it: the server takes the user's address from the bridge", () => {
  // The bridge connects from 127.0.0.1; the address WEBIRC sends is a configured one, so the server
  // showing it proves it took the bridge's word.
  const sent = "192.0.2.77";
  const bridge = new RunningBridge(bridges.insp, (doc) => {
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.address = staff.host;
    network.port = staff.port;
    network.webirc = { password: staff.webircPassword, address: sent };
  });
  const channel = `#${uniqueName("webirc")}`;
  let op: TestIrcClient;

  before(async () => {
    await bridge.start();
    op = await TestIrcClient.connect(staff.host, staff.port, uniqueName("wop").slice(0, 12));
    await op.waitOnline(bridge.botNick);
    await op.join(channel);
  });
  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("a puppet shows the address WEBIRC sent, and the test client (no WEBIRC) its own", async () => {
    const own = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(op.nick)}!\\S+ JOIN`, "i"));
    assert.match(own, /@127\.0\.0\.1 JOIN/, "positive control: without WEBIRC the server shows the real address");
    const carol = await registerUser(uniqueName("carol"));
    const nick = puppetNick(carol);
    await joinRoom(carol, bridge.alias(channel));
    const join = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
    assert.match(join, new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+@${escape(sent)} JOIN`, "i"));
  });
});
