/**
 * One stalled connection never delays other users' messages (Ergo, its default fakelag on).
 * Alice and Bob are in one portal room. Alice sends a long message: her own connection is paced
 * (a burst, then a line every sendPacing.lineIntervalMs), so it stays unconfirmed for seconds.
 * Bob's message, sent just after, reaches IRC while Alice's lines are still going out, instead of
 * waiting for all of them (sendPacing.maxOrderHoldMs); Alice's next message follows her first, in
 * her order. Between them, while both flow, the channel shows Matrix's order.
 * Then Alice's connection is killed by an operator and held down by the connect scheduler (a
 * slow connect rate: it must wait its turn): Bob's and Carol's messages go out at once, in
 * Matrix's order; Alice's follow when she is back, in hers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

describe("a stalled sender holds nobody (Ergo)", () => {
  // Alice's 24-line message must go out as 24 paced lines, not as a paste link (lineLimit, default 3).
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    network.lineLimit = 30;
  });
  const channel = `#${uniqueName("stall")}`;
  let observer: TestIrcClient;
  let alice: TestUser;
  let bob: TestUser;
  let roomId = "";

  const nickOf = (user: TestUser) => puppetNick(user);
  /** The texts the observer saw in the channel, each with who said it, in the order IRC has them. */
  const said = () =>
    observer.lines
      .map((l) => new RegExp(`^(?:@\\S+ )?:(\\S+?)!\\S+ PRIVMSG ${escape(channel)} :(.*)$`, "i").exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ from: (m[1] ?? "").toLowerCase(), text: m[2] ?? "" }));
  const texts = () => said().map((s) => s.text);

  before(async () => {
    await bridge.start();
    observer = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("obs").slice(0, 12));
    await observer.join(channel);
    alice = await registerUser(uniqueName("alice"));
    bob = await registerUser(uniqueName("bob"));
    roomId = await joinRoom(alice, bridge.alias(channel));
    await joinRoom(bob, roomId);
    for (const user of [alice, bob]) await observer.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(user))}!\\S+ JOIN`, "i"), 20000);
  });

  after(async () => {
    await observer.quit();
    await bridge.dispose();
  });

  it("while both connections flow, the channel has Matrix's order", async () => {
    const expected: string[] = [];
    for (let k = 0; k < 6; k++) {
      const body = `warm-${k}`;
      expected.push(body);
      await sendText(k % 2 === 0 ? alice : bob, roomId, body);
    }
    await eventually(() => texts().filter((t) => t.startsWith("warm-")).length >= 6, 30000, "the warm-up messages on IRC");
    assert.deepEqual(
      texts().filter((t) => t.startsWith("warm-")),
      expected,
    );
  });

  it("Alice's long message is still going out when Bob's, sent after it, arrives; Alice's next follows hers", async (t) => {
    const lines = Array.from({ length: 24 }, (_, i) => `long-${String(i).padStart(2, "0")}`);
    await sendText(alice, roomId, lines.join("\n"));
    // Alice's first lines are on IRC: her message is handed to her connection and paced there.
    await eventually(() => texts().includes("long-00"), 20000, "Alice's first line on IRC");
    const sentAt = Date.now();
    await sendText(bob, roomId, "bob-after-long");
    await sendText(alice, roomId, "alice-after-long");
    await eventually(() => texts().includes("bob-after-long"), 30000, "Bob's message on IRC");
    const bobTook = Date.now() - sentAt;
    t.diagnostic(`Bob's message reached IRC ${bobTook} ms after he sent it`);
    await eventually(() => texts().includes("alice-after-long"), 60000, "Alice's second message on IRC");
    const seen = texts();
    const at = (t: string) => seen.indexOf(t);
    assert.ok(at("bob-after-long") < at("long-23"), `Bob's message did not wait for all of Alice's lines (it took ${bobTook} ms): ${seen.join(" ")}`);
    assert.deepEqual(
      seen.filter((t) => t.startsWith("long-") || t === "alice-after-long"),
      [...lines, "alice-after-long"],
      "Alice's lines, then her next message: her order",
    );
    const aliceNick = nickOf(alice).toLowerCase();
    assert.ok(
      said()
        .filter((s) => s.text.startsWith("long-"))
        .every((s) => s.from === aliceNick),
    );
  });
});

describe("a user whose connection is down holds nobody (Ergo, KILL)", () => {
  // One new connection per 5 s: Alice's reconnect waits its turn, so her connection stays down
  // for seconds, long enough for the story, without touching the server.
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    network.connect = { ...(network.connect as Record<string, unknown> | undefined), perSecond: 0.2, burst: 1, jitterMs: 0 };
    // No time bound on holding the channel: only "a sender whose connection is down holds nobody"
    // can let Bob and Carol through before Alice is back.
    network.sendPacing = { ...(network.sendPacing as Record<string, unknown> | undefined), maxOrderHoldMs: 600000 };
  });
  const channel = `#${uniqueName("down")}`;
  let observer: TestIrcClient;
  const users: TestUser[] = [];
  let roomId = "";

  const nickOf = (user: TestUser) => puppetNick(user);
  const joinLine = (user: TestUser) => new RegExp(`^(?:@\\S+ )?:${escape(nickOf(user))}!\\S+ JOIN`, "i");
  const texts = () =>
    observer.lines
      .map((l) => new RegExp(`^(?:@\\S+ )?:\\S+ PRIVMSG ${escape(channel)} :(.*)$`, "i").exec(l)?.[1])
      .filter((t): t is string => t !== undefined);

  before(async () => {
    await bridge.start();
    observer = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("obs").slice(0, 12));
    observer.raw("OPER admin testoper");
    await observer.waitFor(/ 381 /, 10000);
    await observer.join(channel);
    for (const name of ["alice", "bob"]) {
      const user = await registerUser(uniqueName(name));
      users.push(user);
      roomId = await joinRoom(user, users.length === 1 ? bridge.alias(channel) : roomId);
      await observer.waitFor(joinLine(user), 60000);
    }
  });

  after(async () => {
    await observer.quit();
    await bridge.dispose();
  });

  it("Alice's connection is down: Bob's and Carol's messages go at once, in order; Alice's follow when she is back, in hers", async (t) => {
    const [alice, bob] = users as [TestUser, TestUser];
    // Carol's new connection takes the scheduler's turn; Alice's reconnect will wait for the next.
    const carol = await registerUser(uniqueName("carol"));
    await joinRoom(carol, roomId);
    await observer.waitFor(joinLine(carol), 60000);
    const from = observer.lines.length;
    observer.raw(`KILL ${nickOf(alice)} :held down by the test`);
    await observer.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(alice))}!\\S+ QUIT`, "i"), 10000, from);
    const killedAt = Date.now();
    await sendText(alice, roomId, "down-a1");
    await sendText(bob, roomId, "down-b1");
    await sendText(carol, roomId, "down-c1");
    await sendText(alice, roomId, "down-a2");
    await sendText(bob, roomId, "down-b2");
    await eventually(() => texts().includes("down-b2"), 20000, "Bob's and Carol's messages on IRC");
    const othersTook = Date.now() - killedAt;
    t.diagnostic(`Bob's and Carol's messages were on IRC ${othersTook} ms after Alice's connection was killed`);
    const back = observer.lines.slice(from).some((l) => joinLine(alice).test(l));
    assert.equal(back, false, "Bob and Carol did not wait for Alice's connection to come back");
    await observer.waitFor(joinLine(alice), 60000, from);
    await eventually(() => texts().includes("down-a2"), 30000, "Alice's messages on IRC after her reconnect");
    const seen = texts().filter((x) => x.startsWith("down-"));
    assert.deepEqual(seen, ["down-b1", "down-c1", "down-b2", "down-a1", "down-a2"], "the connected users in Matrix's order; Alice's later, in hers");
  });
});
