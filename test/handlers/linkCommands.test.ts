import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommandRunner } from "../../src/admin/commandRunner";
import { COMMANDS } from "../../src/admin/commands";
import { BotInbox } from "../../src/provisioning/botInbox";
import { BOT_HELP, botHelp } from "../../src/provisioning/botHelp";
import { ircUnlinkListener } from "../../src/provisioning/ircUnlink";
import { FakeClock } from "../support/fakeClock";
import { recordingAdminContext, recordingRedact } from "../support/fakeAdmin";
import { silentLogger } from "../support/silentLogger";
import { LINKED, MAPPED, PORTAL, unlinkScene } from "../support/unlinkScene";

const ALICE = "@alice:example.org";
const ADMIN = "@root:example.org";

function admin(networks = [{ id: "testnet", name: "TestNet" }]) {
  const { context, links } = recordingAdminContext(networks, (userId) => userId === ADMIN);
  const runner = new CommandRunner({ commands: COMMANDS, context, redact: recordingRedact([]), reply: () => undefined, log: silentLogger() });
  return { links, say: (text: string, userId = ALICE) => runner.run(userId, text) };
}

describe("admin room: !plumb and !unlink", () => {
  it("!plumb is for bridge admins; it resolves an alias and asks the links, and shows their refusal", async () => {
    const { links, say } = admin();
    assert.equal(await say("!plumb !r:example.org testnet #chan"), "!plumb is only for bridge administrators.");
    assert.deepEqual(links.asked, []);
    assert.equal(await say("!plumb #known:example.org testnet #chan", ADMIN), "Not bridged: this scene links nothing");
    assert.equal(await say("!plumb !r:example.org #chan", ADMIN), "Not bridged: this scene links nothing", "the network may be left out with one");
    assert.deepEqual(links.asked, [
      { op: "plumb", target: { networkId: "testnet", channel: "#chan", roomId: "!known:example.org" }, by: ADMIN },
      { op: "plumb", target: { networkId: "testnet", channel: "#chan", roomId: "!r:example.org" }, by: ADMIN },
    ]);
    assert.match(await say("!plumb #unknown:example.org testnet #chan", ADMIN), /is not a room id .* or an alias .* that leads to a room/);
    assert.match(await say("!plumb !r:example.org nowhere #chan", ADMIN), /^There is no network nowhere/);
    assert.match(await say("!plumb", ADMIN), /^Usage: !plumb <room id or alias> <network> #channel/);
    assert.equal(links.asked.length, 2, "bad input asks nothing");
  });

  it("!unlink is for anyone (the links decide who may): network optional with one; asks as the Matrix user", async () => {
    const { links, say } = admin();
    assert.equal(await say("!unlink !r:example.org #chan"), "Not unlinked: this scene links nothing");
    assert.deepEqual(links.asked, [{ op: "unlink", request: { networkId: "testnet", channel: "#chan", roomId: "!r:example.org", by: { kind: "matrix", userId: ALICE } } }]);
    const two = admin([
      { id: "testnet", name: "TestNet" },
      { id: "other", name: "Other" },
    ]);
    assert.match(await two.say("!unlink !r:example.org #chan"), /^Which network\?/);
    assert.equal(await two.say("!unlink !r:example.org other #chan"), "Not unlinked: this scene links nothing");
    assert.equal(two.links.asked.length, 1);
  });
});

describe("the IRC bot: a channel operator's unlink", () => {
  /** Waits until the listener answered `count` times (it answers every message it takes). */
  const answers = async (replies: string[], count: number) => {
    while (replies.length < count) await new Promise((r) => setTimeout(r, 1));
  };
  const heard = (networkId: string, nick: string, text: string, replies: string[]) => ({ networkId, from: { nick, account: undefined }, text, reply: (t: string) => replies.push(t) });

  it("`unlink #channel` from an operator ends every link and portal of the channel; mapped rooms stay and are named", async () => {
    const s = await unlinkScene();
    await s.rooms.add({ roomId: "!map2:example.org", network: "testnet", channel: "#chan", folded: "#chan", origin: "mapped" });
    const replies: string[] = [];
    const listen = ircUnlinkListener(s.deps, s.links);
    assert.equal(listen(heard("testnet", "op", "!UNLINK #CHAN", replies)), true);
    await answers(replies, 1);
    assert.equal(s.rooms.room(LINKED), undefined);
    assert.equal(s.rooms.room(PORTAL), undefined);
    assert.notEqual(s.rooms.room("!map2:example.org"), undefined, "a mapped room stays");
    assert.notEqual(s.rooms.room(MAPPED), undefined);
    assert.deepEqual(replies, ["Ended the bridge of #CHAN with 2 Matrix room(s): they no longer see the channel. 1 room(s) bridged by the bridge's config stay (ask the bridge's admins)."]);
    assert.equal(s.notices.length, 2, "each room is told");
    assert.match(s.notices[0] ?? "", /unlinked by op on IRC/);
    s.close();
  });

  it("a sender who is not an operator is refused, nothing changes; a bad channel gets the usage; other messages are not taken", async () => {
    const s = await unlinkScene();
    const replies: string[] = [];
    const listen = ircUnlinkListener(s.deps, s.links);
    assert.equal(listen(heard("testnet", "ian", "unlink #chan", replies)), true);
    assert.equal(listen(heard("testnet", "op", "unlink", replies)), true);
    assert.equal(listen(heard("testnet", "op", "yes", replies)), false);
    assert.equal(listen(heard("testnet", "op", "unlink #chan and more", replies)), false);
    await answers(replies, 2);
    assert.deepEqual(replies, [
      "You are not an operator of #chan right now: only its operators may end its bridges.",
      "Usage: unlink #channel (ends every Matrix bridge of the channel; channel operators only).",
    ]);
    assert.notEqual(s.rooms.room(LINKED), undefined);
    assert.deepEqual(s.notices, []);
    s.close();
  });

  it("an unrecognised message gets one line of help, at most once a minute per sender", () => {
    const clock = new FakeClock();
    const inbox = new BotInbox(botHelp(clock));
    inbox.listen(() => false);
    const replies: string[] = [];
    inbox.heard(heard("testnet", "Chatty", "hello?", replies));
    inbox.heard(heard("testnet", "chatty", "anyone?", replies));
    inbox.heard(heard("testnet", "other", "hi", replies));
    clock.advance(60000);
    inbox.heard(heard("testnet", "chatty", "still there?", replies));
    assert.deepEqual(replies, [BOT_HELP, BOT_HELP, BOT_HELP]);
  });
});
