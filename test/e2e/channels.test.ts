/**
 * Channel stories, on Ergo and on InspIRCd, against the real Synapse: a Matrix user joins a portal
 * alias and appears on IRC through their own connection; messages flow both ways; IRC users are
 * ghosts; membership changes on IRC show in Matrix; a body with CR/LF reaches IRC as text only.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

for (const spec of [bridges.sample, bridges.insp]) {
  describe(`channels on ${spec.ircd}`, () => {
    const bridge = new RunningBridge(spec);
    const channel = `#${uniqueName("chan")}`;
    let alice: TestUser;
    let roomId: string;
    let bob: TestIrcClient;
    let aliceNick: string;

    before(async () => {
      await bridge.start();
      bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("bob").slice(0, 12));
      await bob.join(channel);
      alice = await registerUser(uniqueName("alice"));
      aliceNick = puppetNick(alice);
    });

    after(async () => {
      await bob.quit();
      await bridge.dispose();
    });

    it("a Matrix user joins the portal alias: their puppet joins the channel on IRC", async () => {
      const started = Date.now();
      roomId = await joinRoom(alice, bridge.alias(channel));
      const join = await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${channel}`, "i"), 20000);
      assert.ok(join);
      process.stderr.write(`  (${spec.ircd}: Matrix join -> IRC JOIN in ${Date.now() - started} ms)\n`);
    });

    it("the IRC user is a ghost in the room, with their nick as displayname", async () => {
      const ghost = bridge.ghost(bob.nick);
      const member = await eventually(
        async () => (await timeline(alice, roomId)).find((e) => e.type === "m.room.member" && e.state_key === ghost && e.content.membership === "join"),
        20000,
        "bob's ghost to join",
      );
      assert.equal(member.content.displayname, bob.nick);
    });

    it("messages flow both ways", async () => {
      await sendText(alice, roomId, "hello from matrix");
      const line = await bob.waitFor(/PRIVMSG \S+ :hello from matrix$/, 20000);
      assert.match(line, new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!`, "i"));
      bob.say(channel, "hello from irc");
      const ghost = bridge.ghost(bob.nick);
      const event = await eventually(
        async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === "hello from irc"),
        20000,
        "bob's message in Matrix",
      );
      assert.equal(event.content.msgtype, "m.text");
      const echoes = (await timeline(alice, roomId)).filter((e) => e.content.body === "hello from matrix");
      assert.equal(echoes.length, 1, "the Matrix user's own message does not come back as a duplicate");
    });

    it("an embedded CR/LF and an IRC command in a Matrix body reach IRC as text only", async () => {
      const from = bob.lines.length;
      await sendText(alice, roomId, "first line\r\nQUIT :pwned\rPRIVMSG #other :x\u0000tail");
      await bob.waitFor(/PRIVMSG \S+ :PRIVMSG #other :x/, 20000, from);
      const got = bob.lines.slice(from).filter((l) => / PRIVMSG /.test(l) && l.includes(aliceNick.slice(0, 6)));
      assert.deepEqual(
        got.map((l) => l.replace(/^.* PRIVMSG \S+ :/, "")),
        ["first line", "QUIT :pwned", "PRIVMSG #other :xtail"],
      );
      assert.equal(bob.lines.slice(from).some((l) => / QUIT /.test(l)), false, "the puppet did not quit");
    });

    it("notices and emotes map both ways", async () => {
      await sendText(alice, roomId, "waves", "m.emote");
      await bob.waitFor(new RegExp(`PRIVMSG \\S+ :${String.fromCharCode(1)}ACTION waves${String.fromCharCode(1)}`), 20000);
      bob.raw(`NOTICE ${channel} :a notice`);
      bob.raw(`PRIVMSG ${channel} :\u0001ACTION dances\u0001`);
      const ghost = bridge.ghost(bob.nick);
      await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.msgtype === "m.notice" && e.content.body === "a notice"), 20000, "notice");
      await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.msgtype === "m.emote" && e.content.body === "dances"), 20000, "emote");
    });

    const membership = async (userId: string) => {
      const events = (await timeline(alice, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === userId);
      return events.at(-1);
    };

    it("nick change on IRC: the old ghost leaves, the new one joins with the new nick", async () => {
      const oldGhost = bridge.ghost(bob.nick);
      const newNick = `${bob.nick.slice(0, 10)}_x`;
      bob.raw(`NICK ${newNick}`);
      const joined = await eventually(async () => {
        const m = await membership(bridge.ghost(newNick));
        return m?.content.membership === "join" ? m : undefined;
      }, 20000, "the new ghost");
      assert.equal(joined.content.displayname, newNick);
      assert.equal((await membership(oldGhost))?.content.membership, "leave");
      bob.nick = newNick;
    });

    it("part, quit and kick on IRC show in Matrix", async () => {
      const carol = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("carol").slice(0, 12));
      const dave = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("dave").slice(0, 12));
      const erin = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("erin").slice(0, 12));
      for (const c of [carol, dave, erin]) await c.join(channel);
      for (const c of [carol, dave, erin]) {
        await eventually(async () => (await membership(bridge.ghost(c.nick)))?.content.membership === "join", 20000, `${c.nick}'s ghost`);
      }
      carol.raw(`PART ${channel} :off to lunch`);
      await dave.quit("gone fishing");
      bob.raw(`KICK ${channel} ${erin.nick} :behave`);
      await eventually(async () => (await membership(bridge.ghost(carol.nick)))?.content.membership === "leave", 20000, "carol's ghost to leave");
      await eventually(async () => (await membership(bridge.ghost(dave.nick)))?.content.membership === "leave", 20000, "dave's ghost to leave");
      const kicked = await eventually(async () => {
        const m = await membership(bridge.ghost(erin.nick));
        return m?.content.membership === "leave" ? m : undefined;
      }, 20000, "erin's ghost to be kicked");
      assert.equal(kicked.sender, `@${bridge.registration.sender_localpart}:localhost`, "the bot kicked the ghost");
      assert.match(String(kicked.content.reason), /behave/);
      await carol.quit();
      await erin.quit();
    });

    it("a nick already taken on IRC: the user gets an alternative", async () => {
      const carol = await registerUser(uniqueName("carol"));
      const wanted = puppetNick(carol);
      const squatter = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, wanted);
      const from = bob.lines.length;
      await joinRoom(carol, roomId);
      const join = await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(wanted)}_!\\S+ JOIN`, "i"), 20000, from);
      assert.ok(join, "the puppet joined as the alternative nick");
      await bridge.process?.waitForLine(new RegExp(`user got another nick .*was in use`), 10000);
      // The IRC user who holds the nick is still an IRC user to the bridge, and carol is not a ghost.
      await squatter.join(channel);
      squatter.say(channel, "I am the real holder of this nick");
      await sendText(carol, roomId, "carol speaking");
      await eventually(
        async () => (await timeline(alice, roomId)).some((e) => e.sender === bridge.ghost(wanted) && e.content.body === "I am the real holder of this nick"),
        20000,
        "the nick holder's message in Matrix",
      );
      await bob.waitFor(/PRIVMSG \S+ :carol speaking$/, 20000, from);
      // Positive control: a line said on IRC after carol's has reached Matrix, so the bridge has
      // handled the IRC copy of carol's message (a ghost's echo of it would have come before).
      const marker = uniqueName("after-carol");
      squatter.say(channel, marker);
      await eventually(async () => (await timeline(alice, roomId)).some((e) => e.content.body === marker), 20000, "the marker after carol's message");
      assert.deepEqual(
        (await timeline(alice, roomId)).filter((e) => e.content.body === "carol speaking").map((e) => e.sender),
        [carol.userId],
        "carol's message is there once, from carol, not echoed back by a ghost",
      );
      await squatter.quit();
    });

    it("a Matrix user who leaves the room parts the channel on IRC", async () => {
      const from = bob.lines.length;
      const left = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, alice.token, {});
      assert.equal(left.status, 200);
      await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ PART ${channel}`, "i"), 20000, from);
    });
  });
}
