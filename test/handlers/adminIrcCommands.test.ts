import { FakeLinks } from "../support/fakeLinks";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommandRunner } from "../../src/admin/commandRunner";
import { COMMANDS } from "../../src/admin/commands";
import { networkAdminAccess } from "../../src/bridge/adminAccess";
import { PuppetSettings } from "../../src/puppets/puppetSettings";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { FakeConnection, FakePuppets, storedCertificates } from "../support/fakeAdmin";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";
import { recordingRedact } from "../support/fakeAdmin";
import { createLogger, type Logger } from "../../src/observability/logger";
import { Writable } from "node:stream";
import winston from "winston";
import { testPuppets } from "../support/testPuppets";

const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";
const ADMIN = "@root:example.org";

/** The command runner with the real commands, on one network whose connections are fakes. */
async function setup(options: { redact?: (roomId: string, eventId: string) => Promise<void>; log?: Logger } = {}) {
  const clock = new FakeClock();
  const network = fakeNetwork();
  const store = await openNedbStore(undefined);
  const puppets = new FakePuppets(clock, network, store);
  const bridged = new Map<string, { roomId: string; alias: string | undefined }[]>();
  /** Each room's join rule and members' membership, as the bot would read them; the bot's invites. */
  const roomState = new Map<string, { joinRule: string; members: Map<string, string> }>();
  const invites: string[] = [];
  const runner = new CommandRunner({
    commands: COMMANDS,
    context: {
      links: new FakeLinks(),
      resolveAlias: () => Promise.resolve(undefined),
      networks: [{ id: network.id, name: network.name }],
      isAdmin: (userId) => userId === ADMIN,
      reconnect: () => Promise.resolve("reconnecting"),
      version: "1.0.0",
      puppets: () => puppets,
      roomsFor: (_networkId, channel) => bridged.get(channel.toLowerCase()) ?? [],
      portalAlias: (_networkId, channel) => (network.channels.portalFor(channel).allowed ? network.ids.portalAlias(channel) : undefined),
      rawCommands: () => network.rawCommands,
      storePassword: () => Promise.resolve({ ok: false as const, reason: "not in this test" }),
      removePassword: () => Promise.resolve(false),
      certificates: storedCertificates(store, undefined),
      roomFor: (roomId, userId) => Promise.resolve({ joinRule: roomState.get(roomId)?.joinRule, membership: roomState.get(roomId)?.members.get(userId) }),
      inviteToRoom: (roomId, userId) => {
        invites.push(`${roomId} ${userId}`);
        return Promise.resolve(true);
      },
    },
    redact: options.redact ?? (() => Promise.resolve()),
    reply: () => undefined,
    log: options.log ?? silentLogger(),
  });
  const connect = (userId = ALICE, nick = "alice") => {
    const connection = new FakeConnection(clock);
    connection.nick = nick;
    puppets.connections.set(userId, connection);
    return connection;
  };
  const say = (body: string, userId = ALICE) => runner.run(userId, body);
  /** A command in a message of the admin room (which the runner may redact). */
  const sayIn = (body: string, eventId: string) => runner.run(ALICE, body, { roomId: "!admin:x", eventId });
  const settle = () => new Promise((r) => setImmediate(r));
  return { clock, network, store, puppets, bridged, roomState, invites, connect, say, sayIn, settle };
}

describe("!nick", () => {
  it("without a nick, tells the current one and whether connected", async () => {
    const { say, connect, store } = await setup();
    assert.match(await say("!nick"), /^You have never connected to TestNet; .*!nick testnet <nick>/);
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "stored", username: "alice", channels: [], nickNote: undefined });
    assert.equal(await say("!nick"), "You are not connected to TestNet; your nick will be stored when you next connect.");
    const c = connect();
    assert.equal(await say("!nick"), "Your nick on TestNet is alice (connected).");
    c.isRegistered = false;
    c.downReason = "reconnecting to the IRC server";
    assert.equal(await say("!nick"), "Your nick on TestNet is to be alice; you are not connected right now: reconnecting to the IRC server.");
  });

  it("changes the nick when the server echoes our NICK, and stores it for restarts", async () => {
    const { say, connect, store } = await setup();
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "alice", username: "alice", channels: ["#a"], nickNote: "old note" });
    const c = connect();
    const answer = say("!nick Bob[m]");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["NICK Bob[m]"]);
    c.hear(":alice!u@h NICK :Bob[m]");
    assert.equal(await answer, "Your nick on TestNet changed to Bob[m].");
    const stored = await store.puppets.get("testnet", ALICE);
    assert.equal(stored?.nick, "Bob[m]");
    assert.deepEqual(stored.channels, ["#a"], "the rest of the record is kept");
  });

  it("reports the server's refusal: in use, erroneous, unavailable; nothing is stored", async () => {
    const { say, connect, store } = await setup();
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "alice", username: "alice", channels: [], nickNote: undefined });
    const c = connect();
    const cases: [string, RegExp][] = [
      [":srv 433 alice bob :Nickname is already in use", /^Your nick on TestNet is still alice: the nick bob is in use \(the server said: "Nickname is already in use"\)\.$/],
      [":srv 432 alice bob :Erroneous nickname", /bob is not a nick this server accepts/],
      [":srv 437 alice bob :Nick/channel is temporarily unavailable", /the nick bob is temporarily unavailable/],
    ];
    for (const [line, expected] of cases) {
      const before = c.sent.length;
      const answer = say("!nick bob");
      await c.sentCount(before + 1);
      c.hear(line);
      assert.match(await answer, expected);
    }
    assert.equal((await store.puppets.get("testnet", ALICE))?.nick, "alice");
  });

  it("matches the answer by label where the server labels", async () => {
    const { say, connect } = await setup();
    const c = connect();
    c.labeled = true;
    const answer = say("!nick bob");
    await c.sentCount(1);
    c.hear(":srv 433 alice bob :Nickname is already in use");
    c.hear("@label=other :alice!u@h NICK bob");
    c.hear("@label={label} :alice!u@h NICK :bob");
    assert.equal(await answer, "Your nick on TestNet changed to bob.");
  });

  it("refuses an invalid nick without sending anything", async () => {
    const { say, connect } = await setup();
    const c = connect();
    c.supports.set("NICKLEN", "9");
    assert.match(await say("!nick 9lives"), /^"9lives" cannot be your nick: a nick cannot start with a digit or '-'\.$/);
    assert.match(await say("!nick bob!x"), /may only contain letters, digits/);
    assert.match(await say("!nick abcdefghij"), /at most 9 characters on this network/);
    assert.match(await say("!nick a b"), /^Usage: !nick/);
    assert.deepEqual(c.sent, []);
  });

  it("says when the server does not answer in time, or the connection is lost", async () => {
    const { say, connect, clock } = await setup();
    const c = connect();
    const slow = say("!nick bob");
    await c.sentCount(1);
    clock.advance(10000);
    assert.equal(await slow, "Timed out after 10 s waiting for the server of TestNet to answer NICK bob. Your nick is alice as far as the bridge knows.");
    const lost = say("!nick carol");
    await c.sentCount(2);
    c.lose("the connection was lost (Ping timeout)");
    assert.match(await lost, /^Your connection to TestNet was lost before the server answered NICK carol \(the connection was lost \(Ping timeout\)\); it may or may not have taken effect\./);
  });

  it("without a live connection, stores the nick for the next one and says so", async () => {
    const { say, store, puppets, connect } = await setup();
    assert.equal(await say("!nick newbie"), "You are not connected to TestNet; your nick will be newbie when you next connect.");
    const record = await store.puppets.get("testnet", ALICE);
    assert.equal(record?.nick, "newbie");
    assert.equal(record.username, "alice", "a record was made the usual way");
    puppets.quitUsers.add(ALICE);
    assert.equal(await say("!nick later"), "You left TestNet with !quit; your nick will be later when you !reconnect.");
    puppets.quitUsers.clear();
    const c = connect();
    c.isRegistered = false;
    c.downReason = "reconnecting to the IRC server";
    assert.equal(await say("!nick soon"), "You are not connected to TestNet right now (reconnecting to the IRC server); your nick will be soon when you are.");
    assert.equal(c.preferred, "soon", "the reconnecting connection asks for it");
    assert.deepEqual(c.sent, []);
    assert.equal((await store.puppets.get("testnet", ALICE))?.nick, "soon");
  });

  it("a nick chosen with !nick is stored as the chosen nick (desiredNick); !nick says it stays", async () => {
    const { say, connect, store } = await setup();
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "alice[m]", username: "alice", channels: [], nickNote: undefined });
    const c = connect(ALICE, "alice[m]");
    assert.equal((await store.puppets.get("testnet", ALICE))?.desiredNick, undefined, "a template nick is no choice");
    assert.equal(await say("!nick"), "Your nick on TestNet is alice[m] (connected).");
    const answer = say("!nick Chosen");
    await c.sentCount(1);
    c.hear(":alice[m]!u@h NICK :Chosen");
    assert.equal(await answer, "Your nick on TestNet changed to Chosen.");
    const record = await store.puppets.get("testnet", ALICE);
    assert.equal(record?.desiredNick, "Chosen");
    assert.equal(record.nick, "Chosen");
    assert.equal(c.preferred, "Chosen", "the connection's reconnections ask for it");
    c.nick = "Chosen";
    assert.match(await say("!nick"), /^Your nick on TestNet is Chosen \(connected\)\. You chose Chosen with !nick: it stays until you choose another \(!nick --reset goes back/);
  });

  it("!nick --reset forgets the chosen nick and asks for the template's nick (from the displayname)", async () => {
    const { say, connect, store, puppets } = await setup();
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "Chosen", desiredNick: "Chosen", username: "alice", channels: ["#a"], nickNote: undefined });
    puppets.displaynames.set(ALICE, "Alice Liddell");
    const c = connect(ALICE, "Chosen");
    const answer = say("!nick --reset");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["NICK AliceLiddell[m]"], "the nickTemplate with her displayname");
    c.hear(":Chosen!u@h NICK :AliceLiddell[m]");
    assert.equal(await answer, "Your nick on TestNet changed to AliceLiddell[m], and your nick follows your displayname again.");
    assert.equal(c.preferred, "AliceLiddell[m]", "the connection's reconnections ask for it");
    const record = await store.puppets.get("testnet", ALICE);
    assert.ok(record !== undefined);
    assert.equal(record.desiredNick, undefined, "no chosen nick any more");
    assert.equal(record.nick, "AliceLiddell[m]");
    assert.deepEqual(record.channels, ["#a"], "the rest of the record is kept");
  });

  it("!nick --reset: a template nick in use keeps the current nick for now, but the choice is forgotten; without a connection it is stored", async () => {
    const { say, connect, store, puppets } = await setup();
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "Chosen", desiredNick: "Chosen", username: "alice", channels: [], nickNote: undefined });
    puppets.displaynames.set(ALICE, "Al");
    const c = connect(ALICE, "Chosen");
    const answer = say("!nick --reset");
    await c.sentCount(1);
    c.hear(":srv 433 Chosen Al[m] :Nickname is already in use");
    assert.match(await answer, /^Your nick follows your displayname again, but your nick on TestNet is still Chosen for now: the nick Al\[m\] is in use/);
    assert.equal((await store.puppets.get("testnet", ALICE))?.desiredNick, undefined);
    puppets.connections.clear();
    await say("!nick Chosen");
    assert.equal((await store.puppets.get("testnet", ALICE))?.desiredNick, "Chosen");
    assert.equal(await say("!nick --reset"), "You are not connected to TestNet; your nick follows your displayname again: it will be Al[m] when you next connect.");
    const record = await store.puppets.get("testnet", ALICE);
    assert.equal(record?.nick, "Al[m]");
    assert.equal(record.desiredNick, undefined);
  });

  it("without a connection, a nick is checked against the NICKLEN the network's server announced", async () => {
    const { say, network, store } = await setup();
    network.nickLimits.learn((name) => (name === "NICKLEN" ? "9" : undefined));
    assert.match(await say("!nick abcdefghij"), /^"abcdefghij" cannot be your nick: a nick may have at most 9 characters on this network\.$/);
    assert.equal(await store.puppets.get("testnet", ALICE), undefined, "nothing was stored");
    assert.match(await say("!nick abcdefghi"), /your nick will be abcdefghi when you next connect/);
  });
});

describe("!whois", () => {
  it("a nick: a real WHOIS, described", async () => {
    const { say, connect } = await setup();
    const c = connect();
    c.labeled = true;
    const answer = say("!whois carol");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["WHOIS carol"]);
    c.hear("@label={label} :srv BATCH +w labeled-response");
    c.hear("@batch=w :srv 311 alice Carol ~carol host.example * :Carol C");
    c.hear("@batch=w :srv 312 alice Carol irc.example :Example");
    c.hear("@batch=w :srv 319 alice Carol :@#ops #chat");
    c.hear("@batch=w :srv 317 alice Carol 90 1700000000 :seconds idle");
    c.hear("@batch=w :srv 330 alice Carol carolacct :is logged in as");
    c.hear("@batch=w :srv 318 alice Carol :End of /WHOIS list.");
    c.hear(":srv BATCH -w");
    assert.equal(
      await answer,
      [
        "Carol is Carol!~carol@host.example (Carol C)",
        "server: irc.example (Example)",
        "account: carolacct",
        "channels: @#ops #chat",
        "idle: 1 min, connected since 2023-11-14 22:13 UTC",
      ].join("\n"),
    );
  });

  it("no such nick; no connection; timeout", async () => {
    const { say, connect, clock } = await setup();
    assert.match(await say("!whois carol"), /^You are not connected to TestNet\. .*\(WHOIS goes through your own connection\.\)$/);
    const c = connect();
    const missing = say("!whois ghost");
    await c.sentCount(1);
    c.hear(":srv 401 alice ghost :No such nick/channel");
    c.hear(":srv 318 alice ghost :End of /WHOIS list.");
    assert.equal(await missing, "There is no nick ghost on TestNet right now.");
    const slow = say("!whois slow");
    await c.sentCount(2);
    clock.advance(10000);
    assert.equal(await slow, "Timed out after 10 s waiting for the server of TestNet to answer WHOIS slow.");
    assert.match(await say("!whois a,b"), /one nick at a time/);
  });

  // Since issue 11 another user's connection is shown only to bridge admins: asked by the admin here.
  it("a Matrix user: the nick and channels of their connection, from the bridge (to an admin)", async () => {
    const { say, connect } = await setup();
    assert.equal(await say(`!whois ${BOB}`, ADMIN), `${BOB} is not connected to TestNet through this bridge.`);
    const bob = connect(BOB, "bobby");
    assert.equal(await say(`!whois ${BOB}`, ADMIN), `${BOB} is connected to TestNet as bobby.`);
    bob.isRegistered = false;
    assert.equal(await say(`!whois ${BOB}`, ADMIN), `${BOB} is connecting to TestNet through this bridge, as bobby.`);
    bob.isRegistered = true;
    bob.channels.set("#hidden", undefined);
    assert.equal(await say(`!whois ${BOB}`, ADMIN), `${BOB} is connected to TestNet as bobby.\nchannels: #hidden`);
    assert.match(await say("!whois @nocolon", ADMIN), /not a Matrix user id/);
  });

  it("another Matrix user's connection is refused to a non-admin; their own and IRC nicks stay open", async () => {
    const { say, connect } = await setup();
    const bob = connect(BOB, "bobby");
    bob.channels.set("#hidden", undefined);
    const refused = await say(`!whois ${BOB}`);
    assert.equal(refused, "Only bridge admins may look up another Matrix user's IRC connection. To see who is behind an IRC nick, use !whois <nick>.");
    assert.doesNotMatch(refused, /bobby|#hidden/);
    const positive = await say(`!whois ${BOB}`, ADMIN);
    assert.match(positive, /bobby/, "the same question from an admin is answered");
    const alice = connect(ALICE, "alice");
    alice.channels.set("#mine", undefined);
    assert.equal(await say(`!whois ${ALICE}`), `${ALICE} is connected to TestNet as alice.\nchannels: #mine`, "anyone may look up their own");
    const nick = say("!whois bobby");
    await alice.sentCount(1);
    assert.deepEqual(alice.sent, ["WHOIS bobby"], "a nick is looked up on IRC for anyone");
    alice.hear(":srv 401 alice bobby :No such nick/channel");
    alice.hear(":srv 318 alice bobby :End of /WHOIS list.");
    assert.equal(await nick, "There is no nick bobby on TestNet right now.");
  });
});

describe("!join and !part", () => {
  it("joins on our JOIN echo, remembers the channel (with its key) and stores it", async () => {
    const { say, connect, puppets } = await setup();
    const c = connect();
    const answer = say("!join #new sesame");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["JOIN #new sesame"]);
    c.hear(":alice!u@h JOIN #new * :Alice");
    const text = await answer;
    assert.equal(text, "Joined #new on TestNet. To talk there from Matrix, join #irc_#new:example.org.");
    assert.doesNotMatch(text, /sesame/, "the key is never repeated");
    assert.equal(c.channels.get("#new"), "sesame");
    assert.deepEqual(puppets.persisted, [`${ALICE} #new`]);
  });

  it("a keyed !join into a closed channel: the bot invites the user into its invite-only rooms, and says which; the key is never shown", async () => {
    const { say, connect, bridged, roomState, invites } = await setup();
    const c = connect();
    bridged.set("#secret", [
      { roomId: "!portal:example.org", alias: "#irc_#secret:example.org" },
      { roomId: "!mapped:example.org", alias: undefined },
      { roomId: "!there:example.org", alias: undefined },
    ]);
    roomState.set("!portal:example.org", { joinRule: "invite", members: new Map() });
    roomState.set("!mapped:example.org", { joinRule: "public", members: new Map([[ALICE, "ban"]]) });
    roomState.set("!there:example.org", { joinRule: "invite", members: new Map([[ALICE, "join"]]) });
    const answer = say("!join #secret sesame");
    await c.sentCount(1);
    c.hear(":alice!u@h JOIN #secret");
    await c.sentCount(2);
    assert.equal(c.sent[1], "MODE #secret", "the channel's modes, now that the user is in it");
    c.hear(":srv 324 alice #secret +knt sesame");
    const text = await answer;
    assert.equal(
      text,
      "Joined #secret on TestNet. Its Matrix room is invite-only: the bridge bot invited you to #irc_#secret:example.org; accept the invite to read the channel there.",
    );
    assert.doesNotMatch(text, /sesame/);
    assert.deepEqual(invites, [`!portal:example.org ${ALICE}`], "not where they are banned, nor where they are already");
  });

  it("a !join into an open channel whose rooms are public invites nobody", async () => {
    const { say, connect, bridged, roomState, invites } = await setup();
    const c = connect();
    bridged.set("#open", [{ roomId: "!open:example.org", alias: "#irc_#open:example.org" }]);
    roomState.set("!open:example.org", { joinRule: "public", members: new Map() });
    const answer = say("!join #open");
    await c.sentCount(1);
    c.hear(":alice!u@h JOIN #open");
    await c.sentCount(2);
    c.hear(":srv 324 alice #open +nt");
    assert.equal(await answer, "Joined #open on TestNet. On Matrix: #irc_#open:example.org.");
    assert.deepEqual(invites, []);
  });

  it("reports each refusal with the server's reason and remembers nothing", async () => {
    const { say, connect, puppets } = await setup();
    const c = connect();
    const cases: [string, string, RegExp][] = [
      ["#full", ":srv 471 alice #full :Cannot join channel (+l)", /it is full \(\+l\)/],
      ["#invite", ":srv 473 alice #invite :Cannot join channel (+i)", /it is invite-only \(\+i\)/],
      ["#banned", ":srv 474 alice #banned :Cannot join channel (+b)", /^Cannot join #banned on TestNet: you are banned from it \(\+b\) \(the server said: "Cannot join channel \(\+b\)"\)\.$/],
      ["#keyed", ":srv 475 alice #keyed :Cannot join channel (+k)", /needs the right key/],
      ["#nope", ":srv 403 alice #nope :No such channel", /no such channel/],
      ["#many", ":srv 405 alice #many :You have joined too many channels", /too many channels/],
      ["#reg", ":srv 477 alice #reg :You need to be identified", /registered, identified nick/],
    ];
    for (const [channel, line, expected] of cases) {
      const before = c.sent.length;
      const answer = say(`!join ${channel}`);
      await c.sentCount(before + 1);
      c.hear(line);
      assert.match(await answer, expected);
    }
    assert.deepEqual(c.channelNames, []);
    assert.deepEqual(puppets.persisted, []);
  });

  it("validates before anything is sent; already there; refused connections", async () => {
    const { say, connect, puppets, bridged } = await setup();
    assert.match(await say("!join chat"), /^"chat" is not a channel: a channel name starts with #/);
    assert.match(await say("!join #a,#b"), /commas/);
    assert.match(await say("!join #a :key"), /cannot be sent/);
    puppets.ensureRefusal = "you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again";
    assert.equal(await say("!join #a"), "You cannot be connected to TestNet: you left TestNet with !quit; send !reconnect testnet in your admin room with the bridge bot to connect again.");
    puppets.ensureRefusal = undefined;
    const c = connect();
    c.remember("#Chat", undefined);
    bridged.set("#chat", [{ roomId: "!r:example.org", alias: "#irc_#chat:example.org" }]);
    assert.equal(await say("!join #chat"), "You are already in #chat on TestNet. On Matrix: #irc_#chat:example.org.");
    assert.deepEqual(c.sent, []);
  });

  it("a new connection: the JOIN waits for the registration, and the user is told", async () => {
    const { say, puppets } = await setup();
    assert.equal(await say("!join #later"), "You are not connected to TestNet yet (connecting to the IRC server); you will join #later as soon as you are. !listrooms shows your channels.");
    assert.deepEqual(puppets.connection(ALICE)?.queuedJoins, ["#later"]);
    assert.deepEqual(puppets.persisted, [`${ALICE} #later`]);
  });

  it("!part forgets the channel first, then reports the server's answer", async () => {
    const { say, connect, puppets, clock } = await setup();
    assert.match(await say("!part #chat"), /^You are not connected to TestNet\./);
    const c = connect();
    assert.equal(await say("!part #chat"), "You are not in #chat on TestNet.");
    c.remember("#Chat", undefined);
    c.remember("#other", undefined);
    const answer = say("!part #chat");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["PART #Chat leaving"]);
    assert.deepEqual(c.channelNames, ["#other"], "forgotten before the answer");
    c.hear(":alice!u@h PART #Chat :leaving");
    assert.equal(await answer, "Left #Chat on TestNet. A message you send in a Matrix room bridged to it joins it again.");
    assert.deepEqual(puppets.persisted, [`${ALICE} #other`]);
    const slow = say("!part #other");
    await c.sentCount(2);
    clock.advance(10000);
    assert.equal(await slow, "Timed out after 10 s waiting for the server of TestNet to answer PART #other. It will not be rejoined.");
  });
});

describe("!cmd", () => {
  it("refuses what the allow-list forbids, sending nothing", async () => {
    const { say, connect } = await setup();
    const c = connect();
    assert.match(await say("!cmd OPER root pw"), /^Not sent: OPER is only for bridge administrators\.$/);
    assert.match(await say("!cmd PRIVMSG bob hi"), /^Not sent: PRIVMSG may only go to/);
    assert.match(await say("!cmd NICK x"), /use !nick/);
    assert.match(await say("!cmd SQUERY x"), /not allowed/);
    assert.deepEqual(c.sent, []);
  });

  it("sends an allowed command and shows the server's answer", async () => {
    const { say, connect } = await setup();
    const c = connect();
    const answer = say("!cmd mode #chat");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["MODE #chat"]);
    c.hear(":srv 324 alice #chat +nt");
    c.hear(":srv 329 alice #chat 1700000000");
    assert.equal(await Promise.race([answer, Promise.resolve("still waiting")]), "still waiting");
    c.hear(":srv 482 alice #chat :You're not channel operator");
    assert.equal(await answer, "TestNet refused MODE (482):\n#chat +nt\n#chat 1700000000\n#chat You're not channel operator");
  });

  it("with no end marker, answers with what came within 2 s, or 'sent'", async () => {
    const { say, connect, clock, settle } = await setup();
    const c = connect();
    const answer = say("!cmd LUSERS");
    await c.sentCount(1);
    c.hear(":srv 251 alice :There are 3 users");
    clock.advance(2000);
    assert.equal(await answer, "TestNet answered LUSERS:\nThere are 3 users");
    const quiet = say("!cmd AWAY :lunch");
    await c.sentCount(2);
    assert.deepEqual(c.sent[1], "AWAY lunch");
    await settle();
    clock.advance(2000);
    assert.equal(await quiet, "Sent AWAY to TestNet; the server did not answer.");
  });

  it("a service's answer is its notices, collected unlabeled even where the server labels", async () => {
    const { say, connect, clock } = await setup();
    const c = connect();
    c.labeled = true;
    const answer = say("!cmd PRIVMSG NickServ IDENTIFY secret");
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["PRIVMSG NickServ :IDENTIFY secret"]);
    assert.equal(c.lastLabel, undefined);
    c.hear(":NickServ!s@services NOTICE alice :You are now identified for alice.");
    clock.advance(2000);
    assert.equal(await answer, "TestNet answered PRIVMSG:\nNickServ: You are now identified for alice.");
  });

  it("admins may send privileged commands; a channel message is confirmed by its echo", async () => {
    const { say, connect } = await setup();
    const root = connect(ADMIN, "root");
    root.remember("#ops", undefined);
    root.labeled = true;
    const oper = say("!cmd OPER root hunter2", ADMIN);
    await root.sentCount(1);
    root.hear("@label={label} :srv 381 root :You are now an IRC operator");
    assert.equal(await oper, "TestNet answered OPER:\nYou are now an IRC operator");
    const message = say("!cmd PRIVMSG #ops hello ops", ADMIN);
    await root.sentCount(2);
    root.hear("@label={label} :root!u@h PRIVMSG #ops :hello ops");
    assert.equal(await message, "Sent to #ops on TestNet (the bridge does not show it in the Matrix room).");
  });

  it("not connected: nothing sent", async () => {
    const { say, puppets } = await setup();
    assert.match(await say("!cmd MOTD"), /^Not sent\. You are not connected to TestNet\./);
    puppets.quitUsers.add(ALICE);
    assert.match(await say("!cmd MOTD"), /^Not sent\. You are not connected to TestNet: you left it with !quit\. Send !reconnect testnet/);
  });
});

describe("!listrooms, !username, !quit", () => {
  it("lists the channels (sorted) and the rooms bridged to each", async () => {
    const { say, connect, bridged, store, puppets } = await setup();
    assert.equal(await say("!listrooms"), "You are not connected to TestNet and have no channels there.");
    await store.puppets.put({ userId: ALICE, network: "testnet", nick: "alice", username: "alice", channels: ["#b", "#a"], nickNote: undefined });
    puppets.quitUsers.add(ALICE);
    assert.equal(await say("!listrooms"), "You are not connected to TestNet; your channels there (you left with !quit; !reconnect testnet rejoins them):\n#a: no bridged Matrix room\n#b: no bridged Matrix room");
    puppets.quitUsers.clear();
    const c = connect();
    assert.equal(await say("!listrooms"), "You are in no channel on TestNet.");
    c.remember("#zed", undefined);
    c.remember("#Chat", undefined);
    bridged.set("#chat", [
      { roomId: "!portal:example.org", alias: "#irc_#chat:example.org" },
      { roomId: "!mapped:example.org", alias: undefined },
    ]);
    assert.equal(
      await say("!listrooms"),
      "Your channels on TestNet (connected as alice):\n#Chat: #irc_#chat:example.org (!portal:example.org), !mapped:example.org\n#zed: no bridged Matrix room",
    );
  });

  it("!username: validated, unique on the network, stored for the next connection", async () => {
    const { say, store, connect } = await setup();
    assert.match(await say("!username Alice"), /lower-case letters a-z and digits/);
    assert.match(await say("!username abcdefghijk"), /1 to 10 characters/);
    await store.puppets.put({ userId: BOB, network: "testnet", nick: "bob", username: "taken", channels: [], nickNote: undefined });
    assert.equal(await say("!username taken"), "The username taken is already used by another Matrix user on TestNet; choose another.");
    assert.equal(await say("!username alice2"), "Your username on TestNet will be alice2. It takes effect when you next connect.");
    assert.equal((await store.puppets.get("testnet", ALICE))?.username, "alice2");
    connect();
    assert.equal(await say("!username alice3"), "Your username on TestNet will be alice3. It takes effect when you next connect: send !reconnect testnet to use it now.");
    assert.equal(await say("!username alice3"), "Your username on TestNet already is alice3.");
  });

  it("!quit asks the network's connections to let the user go", async () => {
    const { say, puppets } = await setup();
    assert.equal(await say("!quit"), `quit ${ALICE}`);
    assert.match(await say("!quit now"), /takes no other arguments/);
    assert.deepEqual(puppets.quits, [ALICE]);
  });
});

describe("what app.ts gives the commands (networkAdminAccess)", () => {
  it("rooms by the channel's folded name, portal aliases only where portals are allowed, open connections only", async () => {
    const clock = new FakeClock();
    const network = fakeNetwork(`, portals: { excludedChannels: ["#secret"] }`);
    const store = await openNedbStore(undefined);
    const rooms = new RoomIndex(store.rooms);
    await rooms.add({ roomId: "!p:example.org", network: "testnet", channel: "#Chat", folded: "#chat", origin: "portal" });
    await rooms.add({ roomId: "!m:example.org", network: "testnet", channel: "#chat", folded: "#chat", origin: "mapped" });
    const registry = testPuppets(network, store.puppets, clock);
    const settings = new PuppetSettings({ networkId: network.id, store: store.puppets, identity: () => new Promise(() => undefined), templateNick: () => Promise.resolve("alice[m]") });
    const access = networkAdminAccess(network, registry, settings, rooms);
    assert.deepEqual(access.roomsFor("#CHAT"), [
      { roomId: "!p:example.org", alias: "#irc_#Chat:example.org" },
      { roomId: "!m:example.org", alias: undefined },
    ]);
    assert.equal(access.portalAlias("#new"), "#irc_#new:example.org");
    assert.equal(access.portalAlias("#Secret"), undefined, "excluded channels get no portal");
    assert.equal(access.rawCommands, network.rawCommands);
    assert.equal(access.puppets.connection(ALICE), undefined);
    const ensured = access.puppets.ensure(ALICE);
    assert.ok(ensured.ok);
    assert.equal(access.puppets.connection(ALICE), ensured.connection);
    await access.puppets.quit(ALICE);
    assert.equal(access.puppets.connection(ALICE), undefined);
    assert.equal(access.puppets.hasQuit(ALICE), true);
    void registry.closeAll("test over");
  });
});

/** A logger at debug level whose every line is kept (to show that no secret is ever in one). */
function recordingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", file: undefined });
  log.clear();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  // winston's typings declare its transports through a second copy of TransportStream's class.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  log.add(new winston.transports.Stream({ stream, format: winston.format.json() }));
  return { log, lines };
}

describe("keys and passwords in admin commands", () => {
  const SECRET = "hunter2-sekrit";
  const carrying: [string, string][] = [
    ["!join with a key", `!join #keyed ${SECRET}`],
    ["!join naming the network, with a key", `!join testnet #keyed ${SECRET}`],
    ["!cmd JOIN with a key", `!cmd JOIN #keyed ${SECRET}`],
    ["!cmd PASS", `!cmd PASS ${SECRET}`],
    ["!cmd OPER", `!cmd OPER root ${SECRET}`],
    ["!cmd PRIVMSG NickServ :IDENTIFY", `!cmd PRIVMSG NickServ :IDENTIFY ${SECRET}`],
    ["!cmd PRIVMSG NickServ IDENTIFY account", `!cmd PRIVMSG NickServ IDENTIFY alice ${SECRET}`],
    ["!cmd MODE +k", `!cmd MODE #keyed +k ${SECRET}`],
    ["!storepass", `!storepass ${SECRET}`],
  ];
  for (const [what, body] of carrying) {
    it(`${what}: the message is redacted; the secret is in no reply and no log line`, async () => {
      const redactions: string[] = [];
      const { log, lines } = recordingLogger();
      const { sayIn, connect, clock } = await setup({ redact: recordingRedact(redactions), log });
      const c = connect();
      const answer = sayIn(body, "$carrier");
      await new Promise((r) => setImmediate(r));
      // Whatever went to the server, the server answers (a refusal, a notice), then time passes.
      c.hear(":srv 475 alice #keyed :Cannot join channel (+k)");
      c.hear(":NickServ!s@services NOTICE alice :Password accepted.");
      clock.advance(10000);
      const reply = await answer;
      assert.deepEqual(redactions, ["!admin:x $carrier"]);
      assert.ok(!reply.includes(SECRET), reply);
      assert.ok(!reply.includes("could not remove"), reply);
      assert.deepEqual(lines.filter((l) => l.includes(SECRET)), []);
    });
  }

  it("a redaction that fails is told, still without the secret", async () => {
    const redactions: string[] = [];
    const { sayIn, connect } = await setup({ redact: recordingRedact(redactions) });
    connect();
    const reply = await sayIn(`!cmd PASS ${SECRET}`, "$fails");
    assert.deepEqual(redactions, ["!admin:x $fails"]);
    assert.match(reply, /^Not sent: the bridge manages PASS itself\. I could not remove your message: please redact it yourself\.$/);
  });

  it("lines without a secret are left alone", async () => {
    const redactions: string[] = [];
    const { sayIn, connect, clock } = await setup({ redact: recordingRedact(redactions) });
    const c = connect();
    const answers = [sayIn("!join #open", "$a"), sayIn("!cmd WHOIS bob", "$b"), sayIn("!cmd MODE #open +o bob", "$c"), sayIn("!nick newnick", "$d")];
    await new Promise((r) => setImmediate(r));
    c.hear(":alice!u@h JOIN #open");
    clock.advance(30000);
    await Promise.all(answers);
    assert.deepEqual(redactions, []);
  });
});

describe("!invite", () => {
  it("sends INVITE through the user's connection and says what the server answered: 341 is Invited", async () => {
    const { say, connect, settle } = await setup();
    const c = connect();
    const answer = say("!invite #Chan Carol");
    let answered = false;
    void answer.then(() => (answered = true));
    await c.sentCount(1);
    assert.deepEqual(c.sent, ["INVITE Carol #Chan"]);
    c.hear(":srv 341 alice dave #Chan");
    await settle();
    assert.equal(answered, false, "another nick's 341 is not the answer");
    c.hear(":srv 341 alice Carol #Chan");
    assert.equal(await answer, "Invited Carol to #Chan on TestNet.");
  });

  it("the server's refusals in words: 482 not an operator, 443 already there, 401 no such nick, 442 not in it", async () => {
    const { say, connect } = await setup();
    const c = connect();
    const cases: [string, string][] = [
      [":srv 482 alice #chan :You're not channel operator", 'Cannot invite carol to #chan on TestNet: you are not a channel operator of #chan, and only operators may invite into it (the server said: "You\'re not channel operator").'],
      [":srv 443 alice carol #chan :is already on channel", /carol is already in #chan/.source],
      [":srv 401 alice carol :No such nick/channel", /there is no nick carol on the network right now/.source],
      [":srv 442 alice #chan :You're not on that channel", /you are not in #chan \(join it first: !join testnet #chan\)/.source],
    ];
    for (const [line, expected] of cases) {
      const before = c.sent.length;
      const answer = say("!invite #chan carol");
      await c.sentCount(before + 1);
      c.hear(line);
      const got = await answer;
      if (expected.startsWith("Cannot")) assert.equal(got, expected);
      else assert.match(got, new RegExp(expected));
    }
  });

  it("checks its arguments and the connection before sending anything", async () => {
    const { say, connect } = await setup();
    assert.match(await say("!invite #chan carol"), /^You are not connected to TestNet\. .*\(INVITE goes through your own connection\.\)$/);
    const c = connect();
    assert.match(await say("!invite #chan"), /^Usage: !invite \[network\] #channel nick\.$/);
    assert.match(await say("!invite chan carol"), /is not a channel/);
    assert.match(await say("!invite #chan a,b"), /is not a nick: one nick at a time/);
    assert.deepEqual(c.sent, []);
  });
});
