/**
 * Channel keys belong to the user who gave them (real Synapse and Ergo): in a +k channel, Alice
 * joins with `!join #channel key` and is let in (and invited into the channel's invite-only room);
 * Bob, who has no key, joins the portal room and runs `!join #channel`: his puppet never gets into
 * the channel, and `!cmd MODE` does not show him the key.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command, openAdminRoom } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

/**
 * Sends a command and waits for the bot's notice that answers it (`answer`): notices about the
 * user's connection (a refused JOIN) may come in between.
 */
async function commandAnswer(user: TestUser, roomId: string, bot: string, text: string, answer: RegExp): Promise<string> {
  const before = (await botNotices(user, roomId, bot)).length;
  await sendText(user, roomId, text);
  return eventually(async () => (await botNotices(user, roomId, bot)).slice(before).find((n) => answer.test(n)), 30000, `the answer to ${text.split(" ")[0] ?? text}`);
}


describe("channel keys on Ergo: a key opens the channel only for the user who gave it", () => {
  const bridge = new RunningBridge(bridges.sample);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("key")}`;
  const key = `k${uniqueName("s").replace(/[^a-z0-9]/g, "")}`;
  let op: TestIrcClient;
  let alice: TestUser;
  let bob: TestUser;
  let aliceAdmin = "";
  let bobAdmin = "";
  const nickOf = (user: TestUser) => puppetNick(user);

  /**
   * The channels WHOIS shows for a nick (undefined: no such nick), asked by the IRC operator (Ergo
   * shows only the channels the asker shares; the operator is in the keyed channel).
   */
  async function whoisChannels(nick: string): Promise<string[] | undefined> {
    const from = op.lines.length;
    op.raw(`WHOIS ${nick}`);
    await op.waitFor(new RegExp(` 318 \\S+ ${escape(nick)} `, "i"), 20000, from);
    const lines = op.lines.slice(from);
    if (!lines.some((l) => new RegExp(` 311 \\S+ ${escape(nick)} `, "i").test(l))) return undefined;
    const re = new RegExp(` 319 \\S+ ${escape(nick)} :(.*)$`, "i");
    return lines.flatMap((l) => re.exec(l)?.[1]?.split(" ") ?? []).filter((c) => c !== "").map((c) => c.replace(/^[~&@%+]+/, "").toLowerCase());
  }

  before(async () => {
    await bridge.start();
    // The first to join is the channel's operator: it sets the key.
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("kop").slice(0, 12));
    await op.join(channel);
    const from = op.lines.length;
    op.raw(`MODE ${channel} +k ${key}`);
    await op.waitFor(new RegExp(` MODE ${escape(channel)} \\+k`, "i"), 20000, from);
    alice = await registerUser(uniqueName("kalice"));
    bob = await registerUser(uniqueName("kbob"));
    aliceAdmin = await openAdminRoom(alice, bot);
    bobAdmin = await openAdminRoom(bob, bot);
  });
  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("Alice joins with !join #channel key: she is let in, and invited into the channel's invite-only room", async () => {
    // Someone looks the portal alias up: the portal room exists before anyone is in the channel.
    const portal = await eventually(async () => {
      const res = await csApi<{ room_id: string }>("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(bridge.alias(channel))}`, alice.token);
      return res.status === 200 ? res.body.room_id : undefined;
    }, 20000, "the portal room");
    // Alice connects first (another channel), so her keyed !join is answered at once.
    const warmup = `#${uniqueName("kwarm")}`;
    await op.join(warmup);
    const joined = op.lines.length;
    await command(alice, aliceAdmin, bot, `!join ${warmup}`);
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN :?${escape(warmup)}`, "i"), 30000, joined);
    const from = op.lines.length;
    const reply = await commandAnswer(alice, aliceAdmin, bot, `!join ${channel} ${key}`, new RegExp(`${escape(channel)} on `, "i"));
    assert.match(reply, new RegExp(`^Joined ${escape(channel)} on `, "i"));
    assert.doesNotMatch(reply, new RegExp(escape(key)), "the key is never repeated");
    assert.match(reply, /invite-only: the bridge bot invited you to/);
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN`, "i"), 20000, from);
    assert.equal(await acceptInviteFrom(alice, bot), portal, "the invite is to the channel's room, and Alice can join it");
  });

  it("Bob, without the key, joins the portal room and runs !join: his puppet does not get into the channel", async () => {
    // The room is invite-only by now (the channel is +k): Synapse may refuse Bob at once.
    await joinRoom(bob, bridge.alias(channel)).catch(() => undefined);
    const reply = await commandAnswer(bob, bobAdmin, bot, `!join ${channel}`, new RegExp(escape(channel), "i"));
    assert.doesNotMatch(reply, new RegExp(escape(key)), "never the key");
    assert.doesNotMatch(reply, /^Joined/, `not let in: ${reply}`);

    await eventually(async () => (await whoisChannels(nickOf(bob))) !== undefined, 30000, "Bob's puppet on IRC");
    // Through Bob's connection after his JOINs: once answered, the server has handled them.
    const mode = await commandAnswer(bob, bobAdmin, bot, `!cmd MODE ${channel}`, /MODE/);
    assert.match(mode, /answered MODE|refused MODE/, `the server answered: ${mode}`);
    assert.doesNotMatch(mode, new RegExp(escape(key)), `the key is not shown to a non-member: ${mode}`);
  });

  it("on IRC: Alice's puppet is in the channel, Bob's is not", async () => {
    const names = await op.names(channel);
    assert.ok(names.some((n) => n.toLowerCase() === nickOf(alice).toLowerCase()), `positive control: Alice is in NAMES (${names.join(" ")})`);
    assert.ok(!names.some((n) => n.toLowerCase() === nickOf(bob).toLowerCase()), `Bob's puppet is not in NAMES (${names.join(" ")})`);
    assert.ok((await whoisChannels(nickOf(alice)))?.includes(channel.toLowerCase()), "positive control: WHOIS shows Alice in the channel");
    const bobs = await whoisChannels(nickOf(bob));
    assert.ok(bobs !== undefined, "Bob's puppet is connected");
    assert.ok(!bobs.includes(channel.toLowerCase()), `WHOIS shows Bob's puppet in ${bobs.join(" ")}, not in the channel`);
  });
});
