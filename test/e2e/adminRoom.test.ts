/**
 * The admin room (real Synapse and Ergo), with sendSuccessNotices on: created by the bot when a
 * user's connection first comes up, connection news, and stored passwords that identify the user with Ergo's built-in accounts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

describe("the admin room on Ergo", () => {
  // Success notices are off by default (issue 14): this story is about them, so it turns them on.
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    ((doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>).sendSuccessNotices = true;
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("adm")}`;
  let alice: TestUser;
  let nick = "";
  let adminRoom = "";
  let watcher: TestIrcClient;
  const re = (text: string) => text.replace(/[[\]\\^$.|?*+(){}]/g, "\\$&");
  const say = (text: string) => command(alice, adminRoom, bot, text);

  before(async () => {
    await bridge.start();
    alice = await registerUser(uniqueName("alice"));
    nick = puppetNick(alice);
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("w").slice(0, 12));
    await watcher.join(channel);
  });
  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("a user's first connection creates their admin room, which says how they are connected", async () => {
    await joinRoom(alice, bridge.alias(channel));
    adminRoom = await acceptInviteFrom(alice, bot);
    const notices = await eventually(async () => {
      const n = await botNotices(alice, adminRoom, bot);
      return n.length > 0 ? n : undefined;
    }, 20000, "the first notice");
    assert.match(notices[0] ?? "", new RegExp(`^Connected to .* as ${escape(nick)}\\. Say !help`));
  });

  it("!whois of an IRC client gives user@host, realname and channels; of a Matrix user, their nick", async () => {
    const reply = await say(`!whois ${watcher.nick}`);
    assert.match(reply, new RegExp(re(watcher.nick), "i"));
    assert.match(reply, /test client/, "the realname");
    assert.match(reply, new RegExp(re(channel), "i"), "the channels");
    const own = await say(`!whois ${alice.userId}`);
    assert.match(own, new RegExp(re(nick)), "her own connection: her nick");
    assert.match(own, new RegExp(re(channel), "i"), "and her channels");
    assert.match(await say("!whois nobody-here-xyz"), /no such nick|There is no nick nobody-here-xyz/i);
    // Another Matrix user's connection is for bridge admins only (alice is none).
    assert.match(await say(`!whois @${uniqueName("someone")}:${testenv.domain}`), /^Only bridge admins may look up another Matrix user's IRC connection/);
  });

  it("!nick to a free nick changes it (IRC sees it); to a taken nick says it is in use", async () => {
    const wanted = uniqueName("an").slice(0, 14);
    const from = watcher.lines.length;
    assert.match(await say(`!nick ${wanted}`), new RegExp(`changed to ${re(wanted)}`));
    await watcher.waitFor(new RegExp(`^(?:@\\S+ )?:${re(nick)}!\\S+ NICK :?${re(wanted)}$`, "i"), 15000, from);
    nick = wanted;
    assert.match(await say(`!nick ${watcher.nick}`), /is in use/);
    assert.match(await say("!nick"), new RegExp(`Your nick on .* is ${re(nick)} \\(connected\\)`));
  });

  it("!join and !part through the user's own connection", async () => {
    const other = `#${uniqueName("adj")}`;
    const from = watcher.lines.length;
    await watcher.join(other);
    assert.match(await say(`!join ${other}`), /Joined/i);
    await watcher.waitFor(new RegExp(`:${re(nick)}!\\S+ JOIN :?${re(other)}`, "i"), 15000, from);
    assert.match(await say(`!part ${other}`), /Left|Parted/i);
    await watcher.waitFor(new RegExp(`:${re(nick)}!\\S+ PART ${re(other)}`, "i"), 15000, from);
    // The refusal itself, not any reply that echoes the argument.
    assert.match(await say("!join not-a-channel"), /^"not-a-channel" is not a channel: /);
  });

  it("!cmd: an allowed command is answered; a forbidden one sends nothing; of a message with an embedded newline only the first line is run", async () => {
    // A topic only this test knows: the answer must carry the server's reply, not an echo of the command.
    const topic = uniqueName("topic");
    let from = watcher.lines.length;
    watcher.raw(`TOPIC ${channel} :${topic}`);
    await watcher.waitFor(new RegExp(` TOPIC ${re(channel)} :?${re(topic)}$`, "i"), 15000, from);
    const answered = await say(`!cmd TOPIC ${channel}`);
    assert.match(answered, /^\S.* answered TOPIC:\n/);
    assert.ok(answered.includes(topic), `the server's topic is in the answer: ${answered}`);
    from = watcher.lines.length;
    assert.match(await say(`!cmd KILL ${watcher.nick} :bye`), /only for bridge administrators|not allowed/i);
    assert.match(await say("!cmd SQUIT ergo.test"), /only for bridge administrators|not allowed/i);
    // A second line never reaches IRC. Smuggled here is a line the allow-list would let through if it
    // were checked as a command of its own (a message to a channel she is in). Four barriers stand in
    // its way, each behind the other: the admin parser reads the first line only (admin/parse.ts); its
    // arguments split on any whitespace, LF included; !cmd refuses a parameter holding CR, LF or NUL
    // (irc/syntax.ts paramProblem, through rawPolicy.ts); and buildLine turns CR, LF and NUL into spaces
    // (irc/lines.ts). This story sees the first one give way, whatever the others do (the smuggled text
    // in her away message, or AWAY refused instead of run, or a message in the channel); each of the
    // others is checked on its own by its unit test (adminParse, adminSyntax, lines).
    const smuggled = uniqueName("smuggled");
    const reply = await say(`!cmd AWAY :back soon\nPRIVMSG ${channel} :${smuggled}`);
    assert.match(reply, /^\S.* answered AWAY:\n/, "the first line is run");
    assert.doesNotMatch(reply, new RegExp(re(smuggled)));
    // Her away message as IRC sees it is exactly the first line's.
    const whois = watcher.lines.length;
    watcher.raw(`WHOIS ${nick}`);
    const away = await watcher.waitFor(new RegExp(` 301 \\S+ ${re(nick)} :`, "i"), 15000, whois);
    assert.match(away, new RegExp(` 301 \\S+ ${re(nick)} :back soon$`, "i"), "nothing after the first line reached IRC");
    // Positive control: the same message as a command of its own arrives; the smuggled one, sent
    // before it on the same connection, would have arrived first.
    const marker = uniqueName("marker");
    assert.match(await say(`!cmd PRIVMSG ${channel} :${marker}`), /^Sent to /);
    await watcher.waitFor(new RegExp(`PRIVMSG ${re(channel)} :?${re(marker)}$`, "i"), 15000, from);
    assert.deepEqual(watcher.lines.slice(from).filter((l) => l.includes(smuggled) || / KILL /.test(l)), [], "nothing else reached the IRC user");
    assert.match(await say(`!cmd PRIVMSG ${watcher.nick} :hi`), /only .*services|not allowed|channel you are in/i);
  });

  it("!storepass then !reconnect identifies the user with SASL; the password is redacted and never echoed", async () => {
    const password = `correct horse ${uniqueName("")}`;
    // Ergo has accounts built in: register the user's nick as an account through their connection.
    assert.match(await say(`!cmd PRIVMSG NickServ :REGISTER ${password.replace(/ /g, "-")}`), /created|registered/i);
    const reply = await say(`!storepass ${password.replace(/ /g, "-")}`);
    assert.match(reply, new RegExp(`^Password stored \\(sealed\\) for the account ${re(nick)}`));
    assert.ok(!reply.includes("horse"), "the password is not echoed");
    await eventually(async () => {
      const mine = (await timeline(alice, adminRoom)).filter((e) => e.sender === alice.userId && e.type === "m.room.message");
      const stored = mine.find((e) => e.content.body === undefined);
      return stored !== undefined && !mine.some((e) => typeof e.content.body === "string" && e.content.body.startsWith("!storepass"));
    }, 20000, "the !storepass message redacted");
    await say("!reconnect");
    await eventually(async () => (await botNotices(alice, adminRoom, bot)).find((n) => /^Identified to .* as .* \(SASL\)\.$/.test(n)), 30000, "the login notice");
    const from = watcher.lines.length;
    watcher.raw(`WHOIS ${nick}`);
    assert.match(await watcher.waitFor(/ 330 /, 15000, from), new RegExp(` 330 \\S+ ${re(nick)} \\S+ :`, "i"), "IRC agrees: the user is logged in");
  });

  it("!quit keeps the user disconnected and removes them from the bridged rooms, saying why (kickOn.userQuit); !reconnect brings them back", async () => {
    const portal = await joinRoom(alice, bridge.alias(channel));
    const from = watcher.lines.length;
    assert.match(await say("!quit"), /disconnected|left/i);
    await watcher.waitFor(new RegExp(`:${re(nick)}!\\S+ QUIT`, "i"), 15000, from);
    // Out of the room: nothing of the channel reaches a user whose puppet is not in it.
    const sent = await sendText(alice, portal, "while quit").then(() => "sent", () => "refused");
    await eventually(
      async () => (await timeline(alice, portal)).some((e) => e.type === "m.room.member" && e.state_key === alice.userId && e.sender === bot && /!quit/.test(String(e.content.reason)) && /!reconnect/.test(String(e.content.reason))),
      20000,
      `the removal saying why (her message was ${sent})`,
    );
    await say("!reconnect");
    await watcher.waitFor(new RegExp(`:${re(nick)}!\\S+ JOIN :?${re(channel)}`, "i"), 20000, from);
  });
});
