/**
 * Stories of the connection process (config connectionProcess; src/pool/): the IRC connections live
 * in two connection processes that the bridge reaches through Redis. The bridge is restarted (the
 * connection processes are not): IRC sees no QUIT and no JOIN, what IRC said meanwhile reaches the
 * room once each, in order, and Matrix reaches IRC again. The two processes share the users. For
 * contrast, the same restart of a bridge that holds its own connections shows the QUIT and JOIN.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { BridgeProcess, CONNECTOR } from "./support/bridgeProcess";
import { escape, type TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { PortalScene } from "./support/portalScene";
import { eventually, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

/** Lines an observer saw from `nicks` that show a connection leaving or (re)entering: QUIT, JOIN, PART. */
function comings(observer: TestIrcClient, from: number, nicks: readonly string[]): string[] {
  const who = nicks.map(escape).join("|");
  const re = new RegExp(`^(?:@\\S+ )?:(?:${who})!\\S+ (?:QUIT|JOIN|PART)\\b`, "i");
  return observer.lines.slice(from).filter((l) => re.test(l));
}

/** Keys of one test run's prefix (the shared Redis is never flushed: only these go). */
async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(testenv.redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

// InspIRCd keeps no history (no chathistory): what it said while the bridge was down can only come from the connection process.
for (const spec of [bridges.sample, bridges.insp]) describe(`the bridge restarted with two connection processes holding its connections (${spec.ircd})`, () => {
  const prefix = `e2e-pool-${randomBytes(4).toString("hex")}`;
  const bridge = new RunningBridge(spec, (doc) => {
    doc.connectionProcess = { enabled: true, redisUrl: testenv.redisUrl, streamPrefix: prefix, openTimeoutSeconds: 30, leaseSeconds: 6 };
  });
  const scene = new PortalScene(bridge, `#${uniqueName("keep")}`);
  const { channel } = scene;
  const connectors: BridgeProcess[] = [];

  before(async () => {
    for (const name of ["one", "two"]) {
      const connector = new BridgeProcess(["-c", bridge.config.path, "--name", name], CONNECTOR);
      connectors.push(connector);
      await connector.waitForLine(/connection process started/, 20000);
    }
    await scene.setUp();
    await scene.talker.waitOnline(bridge.botNick);
  });

  after(async () => {
    await scene.tearDown();
    for (const connector of connectors) await connector.stop();
    await dropKeys(prefix);
  });

  it("IRC sees no QUIT or JOIN, and what it said meanwhile arrives once each, in order", async () => {
    const { talker } = scene;
    talker.say(channel, "before-0");
    await eventually(async () => (await scene.bodies("before-")).length === 1, 20000, "a message before the restart");
    const from = talker.lines.length;
    await bridge.stop();
    // Down for 3 s or more: long enough for the bridge to count as away (gapFiller.ts tells a room of an absence over 2 s).
    for (let k = 0; k < 5; k++) {
      talker.say(channel, `during-${k}`);
      await new Promise((r) => setTimeout(r, 600));
    }
    await bridge.start();
    // Positive control: a message from the puppet after the restart reaches the channel...
    await sendText(scene.alice, scene.roomId, "back after the restart");
    await talker.waitFor(/PRIVMSG \S+ :back after the restart$/, 30000, from);
    // ... and one from IRC reaches the room after everything said while the bridge was down.
    talker.say(channel, "control-after");
    await eventually(async () => (await scene.bodies("control-after")).length === 1, 30000, "the control message in the room");
    const seen = comings(talker, from, [scene.nick, bridge.botNick]);
    console.log(`connection process (${spec.ircd}): QUIT/JOIN/PART lines seen on IRC across the bridge restart: ${seen.length}`);
    assert.deepEqual(seen, [], "no QUIT, JOIN or PART of the puppet or the bot across the restart");
    assert.deepEqual(await scene.bodies("during-"), ["during-0", "during-1", "during-2", "during-3", "during-4"]);
    assert.deepEqual(await scene.bodies("before-"), ["before-0"], "nothing from before the restart comes again");
    // Nothing was missed, so the room is not told the bridge was away (InspIRCd keeps no history: it would be).
    assert.deepEqual(await scene.bodies("The bridge was away"), []);
  });

  it("the two connection processes share the users, and every user works", async () => {
    const users: TestUser[] = [];
    for (let k = 0; k < 4; k++) users.push(await registerUser(uniqueName(`share${k}`)));
    const from = scene.talker.lines.length;
    for (const user of users) await joinRoom(user, bridge.alias(channel));
    const nicks = users.map((u) => puppetNick(u));
    for (const nick of nicks) await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ JOIN`, "i"), 30000, from);
    const redis = new Redis(testenv.redisUrl);
    const owners = await redis.hgetall(`${prefix}:owner`).finally(() => redis.disconnect());
    const counts = Object.values(owners).reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
    console.log(`connections per connection process: ${JSON.stringify(counts)}`);
    assert.ok((counts.one ?? 0) > 0 && (counts.two ?? 0) > 0, `each process holds some connections: ${JSON.stringify(counts)}`);
    for (const [k, user] of users.entries()) {
      const roomId = await joinRoom(user, bridge.alias(channel));
      await sendText(user, roomId, `from user ${k}`);
    }
    for (const [k, nick] of nicks.entries()) await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ PRIVMSG \\S+ :from user ${k}$`, "i"), 30000, from);
  });

  it("when a connection process dies, its users are connected again through the other", async () => {
    const redis = new Redis(testenv.redisUrl);
    const owners = await redis.hgetall(`${prefix}:owner`).finally(() => redis.disconnect());
    const lost = Object.entries(owners).filter(([, owner]) => owner === "one").map(([connection]) => connection);
    assert.ok(lost.length > 0, "the first process holds some connections");
    const from = scene.talker.lines.length;
    await connectors[0]?.stop("SIGKILL");
    const userIds = lost.map((c) => c.slice(c.indexOf("/") + 1)).filter((u) => u !== "bot");
    const nicks = userIds.map((u) => `${u.slice(1, u.indexOf(":"))}[m]`);
    assert.ok(nicks.length > 0, `the first process holds some users' connections, not only the bot's: ${lost.join(", ")}`);
    // Its lease ends (6 s): the bridge counts those connections as lost and opens them on the other process.
    for (const nick of nicks) await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ JOIN`, "i"), 60000, from);
    await sendText(scene.alice, scene.roomId, "after the failover");
    await scene.talker.waitFor(/PRIVMSG \S+ :after the failover$/, 60000, from);
    // The bot's connection (when the first process held it) is opened again on its own schedule, not
    // with the users' that the JOINs above waited for: wait for the owner record itself.
    const after = new Redis(testenv.redisUrl);
    try {
      let now: Record<string, string> = {};
      await eventually(async () => {
        now = await after.hgetall(`${prefix}:owner`);
        return lost.every((connection) => now[connection] === "two");
      }, 60000, "every lost connection held by the other process").catch(() => undefined);
      for (const connection of lost) assert.equal(now[connection], "two", `${connection} is held by the other process now`);
    } finally {
      after.disconnect();
    }
  });
});

describe("for contrast: the same restart of a bridge that holds its own connections (Ergo)", () => {
  const bridge = new RunningBridge(bridges.sample);
  const scene = new PortalScene(bridge, `#${uniqueName("drop")}`);
  before(() => scene.setUp());
  after(() => scene.tearDown());

  it("IRC sees the puppet quit and join again", async () => {
    await scene.talker.waitOnline(bridge.botNick);
    const from = scene.talker.lines.length;
    await bridge.stop();
    await bridge.start();
    await scene.talker.waitFor(scene.puppetJoin(), 30000, from);
    const seen = comings(scene.talker, from, [scene.nick, bridge.botNick]);
    console.log(`in-process: QUIT/JOIN/PART lines seen on IRC across the bridge restart: ${seen.length}`);
    assert.ok(seen.some((l) => / QUIT\b/.test(l)) && seen.some((l) => / JOIN\b/.test(l)), `the observer sees QUIT and JOIN: ${seen.join(" | ")}`);
  });
});
