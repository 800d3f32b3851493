/**
 * Delivery stories, on Ergo (strict default fakelag) and on InspIRCd: several Matrix users and IRC
 * users in one channel, traffic both ways, the reader connection killed in the middle of a burst,
 * and a hundred Matrix messages at once. Every message arrives at every recipient exactly once and
 * in order.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { metric } from "./support/seedPuppets";
import { eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

const OPER = { ergo: "OPER admin testoper", inspircd: "OPER testoper testoper" } as const;

for (const spec of [bridges.sample, bridges.insp]) {
  describe(`delivery on ${spec.ircd}`, () => {
    const bridge = new RunningBridge(spec);
    const channel = `#${uniqueName("busy")}`;
    const users: TestUser[] = [];
    const nicks: string[] = [];
    let roomId: string;
    let observer: TestIrcClient;
    const talkers: TestIrcClient[] = [];

    before(async () => {
      await bridge.start();
      observer = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("obs").slice(0, 12));
      await observer.join(channel);
      for (let i = 0; i < 2; i++) {
        const talker = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName(`t${i}`).slice(0, 12));
        // Operators are exempt from fakelag, so the test's IRC users can talk fast.
        talker.raw(OPER[spec.ircd]);
        await talker.waitFor(/ 381 /, 10000);
        await talker.join(channel);
        talkers.push(talker);
      }
      for (let i = 0; i < 5; i++) {
        const user = await registerUser(uniqueName(`u${i}`));
        users.push(user);
        nicks.push(puppetNick(user));
        roomId = await joinRoom(user, i === 0 ? bridge.alias(channel) : roomId);
        await observer.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nicks[i] ?? "")}!\\S+ JOIN`, "i"), 20000);
      }
    });

    after(async () => {
      await Promise.all([observer, ...talkers].map((c) => c.quit()));
      await bridge.dispose();
    });

    const ircBodies = async (prefix: string) =>
      (await timeline(users[0] as TestUser, roomId))
        .filter((e) => e.type === "m.room.message" && typeof e.content.body === "string" && e.content.body.startsWith(prefix))
        .map((e) => String(e.content.body));

    it("200 IRC and 200 Matrix messages, interleaved: every recipient gets each once, in order", async () => {
      for (let k = 0; k < 200; k++) {
        talkers[k % 2]?.say(channel, `irc-${k}`);
        await sendText(users[k % 5] as TestUser, roomId, `mx-${k}`);
      }
      const expectedMx = Array.from({ length: 200 }, (_, k) => `mx-${k}`);
      const mxSeenBy = (client: TestIrcClient) => client.lines.map((l) => / PRIVMSG \S+ :(mx-\d+)$/.exec(l)?.[1]).filter((t): t is string => t !== undefined);
      await eventually(() => mxSeenBy(observer).length >= 200, 120000, "200 Matrix messages on IRC");
      for (const client of [observer, ...talkers]) assert.deepEqual(mxSeenBy(client), expectedMx, `${client.nick} saw the Matrix messages once each, in order`);
      const ircOrder = observer.lines.map((l) => / PRIVMSG \S+ :(irc-\d+)$/.exec(l)?.[1]).filter((t): t is string => t !== undefined);
      assert.equal(ircOrder.length, 200);
      const inMatrix = await eventually(async () => {
        const bodies = await ircBodies("irc-");
        return bodies.length >= 200 ? bodies : undefined;
      }, 60000, "200 IRC messages in Matrix");
      assert.deepEqual(inMatrix, ircOrder, "Matrix shows the IRC messages once each, in the channel's order");
      assert.deepEqual(await ircBodies("mx-"), expectedMx);
    });

    it("the reader connection is killed in the middle of a burst: nothing lost, nothing duplicated", async () => {
      const talker = talkers[0] as TestIrcClient;
      const killer = talkers[1] as TestIrcClient;
      const readerNick = nicks[0] ?? "";
      const from = observer.lines.length;
      const putOff = () => metric(spec.metricsPort, "ircbridge_irc_reads_put_off_total");
      const putOffBefore = await putOff();
      for (let k = 0; k < 100; k++) {
        talker.say(channel, `burst-${k}`);
        if (k === 30) killer.raw(`KILL ${readerNick} :reader killed by the test`);
        if (k % 10 === 0) await new Promise((r) => setTimeout(r, 20));
      }
      await observer.waitFor(new RegExp(`:${escape(readerNick)}!\\S+ QUIT`, "i"), 20000, from);
      const expected = Array.from({ length: 100 }, (_, k) => `burst-${k}`);
      const got = await eventually(async () => {
        const bodies = await ircBodies("burst-");
        return bodies.length >= 100 ? bodies : undefined;
      }, 60000, "the burst in Matrix");
      // The killed user's connection comes back and rejoins on its own.
      await observer.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(readerNick)}!\\S+ JOIN`, "i"), 30000, from);
      // Positive control: a marker said after the burst and the rejoin reaches Matrix after every copy
      // of the burst the handover or the rejoin could deliver (a channel's events are delivered in order).
      const marker = uniqueName("after-burst");
      talker.say(channel, marker);
      await eventually(async () => (await ircBodies(marker)).length === 1, 30000, "the marker in Matrix");
      assert.deepEqual(await ircBodies("burst-"), expected);
      assert.deepEqual(got, expected);
      // The connections that only heard copies had their reads put off meanwhile (readPauses.ts):
      // exactly once and in order held with the pauses in force.
      assert.ok((await putOff()) > putOffBefore, "reads were put off during the burst");
    });

    it("100 Matrix messages sent in one second reach IRC complete, in order, without a flood disconnect", async () => {
      const sender = users[1] as TestUser;
      const nick = nicks[1] ?? "";
      const from = observer.lines.length;
      const started = Date.now();
      // All at once: the homeserver decides their order, and IRC must show that order.
      await Promise.all(Array.from({ length: 100 }, (_, k) => sendText(sender, roomId, `fast-${k}`)));
      const sentIn = Date.now() - started;
      const expected = (await ircBodies("fast-")).filter((b) => /^fast-\d+$/.test(b));
      assert.equal(expected.length, 100);
      const seen = () => observer.lines.slice(from).map((l) => / PRIVMSG \S+ :(fast-\d+)$/.exec(l)?.[1]).filter((t): t is string => t !== undefined);
      await eventually(() => seen().length >= 100, 90000, "100 messages on IRC");
      assert.deepEqual(seen(), expected);
      assert.equal(observer.lines.slice(from).some((l) => new RegExp(`:${escape(nick)}!\\S+ QUIT`, "i").test(l)), false, "no flood disconnect");
      process.stderr.write(`  (${spec.ircd}: 100 Matrix messages sent in ${sentIn} ms, all on IRC after ${Date.now() - started} ms)\n`);
    });
  });
}
