/**
 * Private messages (real Synapse and Ergo): a Matrix user opens a direct chat with an IRC user's
 * ghost and they talk both ways; an IRC user writes to a Matrix user who has no room with them
 * yet; a message to a nick that is not online is answered with why, in the room.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { acceptInviteFrom } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

async function directChat(user: TestUser, ghost: string): Promise<string> {
  const res = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", user.token, { preset: "trusted_private_chat", is_direct: true, invite: [ghost] });
  if (res.status !== 200) throw new Error(`createRoom: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.room_id;
}

async function bodiesFrom(user: TestUser, roomId: string, sender: string): Promise<string[]> {
  return (await timeline(user, roomId)).filter((e) => e.sender === sender && e.type === "m.room.message").map((e) => String(e.content.body));
}

describe("private messages on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("pm")}`;
  let alice: TestUser;
  let bob: TestUser;
  let irc: TestIrcClient;
  const nickOf = (user: TestUser) => puppetNick(user);

  before(async () => {
    await bridge.start();
    irc = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("pmi").slice(0, 12));
    await irc.join(channel);
    alice = await registerUser(uniqueName("alice"));
    bob = await registerUser(uniqueName("bob"));
    // Both have an IRC connection (they joined a bridged channel).
    for (const user of [alice, bob]) {
      await joinRoom(user, bridge.alias(channel));
      await irc.waitFor(new RegExp(`:${escape(nickOf(user))}!\\S+ JOIN`, "i"), 20000);
    }
  });
  after(async () => {
    await irc.quit();
    await bridge.dispose();
  });

  it("a Matrix user opens a direct chat with an IRC user's ghost: messages go both ways, in order", async () => {
    const ghost = bridge.ghost(irc.nick);
    const room = await directChat(alice, ghost);
    await eventually(async () => (await timeline(alice, room)).some((e) => e.type === "m.room.member" && e.state_key === ghost && e.content.membership === "join"), 20000, "the ghost to join");
    const from = irc.lines.length;
    for (const text of ["pm-1", "pm-2", "pm-3"]) await sendText(alice, room, text);
    await irc.waitFor(/PRIVMSG \S+ :pm-3$/, 20000, from);
    const got = irc.lines.slice(from).map((l) => new RegExp(`^(?:@\\S+ )?:${escape(nickOf(alice))}!\\S+ PRIVMSG ${escape(irc.nick)} :(pm-\\d)$`, "i").exec(l)?.[1]).filter((t) => t !== undefined);
    assert.deepEqual(got, ["pm-1", "pm-2", "pm-3"], "to the IRC user, from alice's nick, in order");
    irc.say(nickOf(alice), "pm-back");
    await eventually(async () => (await bodiesFrom(alice, room, ghost)).includes("pm-back"), 20000, "the answer in the room");
  });

  it("an IRC user writes to a Matrix user who has no room with them: a direct chat is made and the user invited", async () => {
    const ghost = bridge.ghost(irc.nick);
    irc.say(nickOf(bob), "first contact");
    irc.say(nickOf(bob), "second line");
    const room = await acceptInviteFrom(bob, ghost);
    const got = await eventually(async () => {
      const b = await bodiesFrom(bob, room, ghost);
      return b.length >= 2 ? b : undefined;
    }, 20000, "both messages in the new room");
    assert.deepEqual(got, ["first contact", "second line"]);
    const state = await csApi<{ join_rule?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.join_rules/`, bob.token);
    assert.equal(state.body.join_rule, "invite");
  });

  it("a message to a nick that is not online is answered in the room, saying why", async () => {
    const ghost = bridge.ghost(uniqueName("gone").slice(0, 12));
    const room = await directChat(alice, ghost);
    await eventually(async () => (await timeline(alice, room)).some((e) => e.type === "m.room.member" && e.state_key === ghost && e.content.membership === "join"), 20000, "the ghost to join");
    await sendText(alice, room, "are you there?");
    const notice = await eventually(async () => (await timeline(alice, room)).find((e) => e.sender === ghost && /not online|no such nick/i.test(String(e.content.body))), 20000, "the refusal in the room");
    assert.match(String(notice.content.body), /not sent/i);
  });
});
