import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkFeed } from "../../src/broker/networkFeed";
import type { Casemapping } from "../../src/irc/casemapping";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { HeardConnection } from "../support/heardConnection";

const base = { tags: {}, time: 1_700_000_000_000, batch: undefined };

/** A connection whose nick, registration and server casemapping the test sets. */
class OwnConnection extends HeardConnection {
  current: string;
  up = false;
  mapping: Casemapping = "rfc1459";
  constructor(id: string, nick: string) {
    super(id, nick);
    this.current = nick;
  }
  override get nick(): string {
    return this.current;
  }
  override get isRegistered(): boolean {
    return this.up;
  }
  override get casemapping(): Casemapping {
    return this.mapping;
  }
  /** 001 with this nick. */
  register(nick: string): void {
    this.current = nick;
    this.up = true;
    this.hear("registered", nick, undefined, false);
  }
  /** The socket dropped (reconnecting) or the connection closed for good. */
  drop(willReconnect: boolean): void {
    this.up = false;
    this.hear("closed", { reason: "gone", fatal: false, willReconnect, throttled: false });
  }
}

function feed() {
  const network = fakeNetwork();
  const f = new NetworkFeed(
    network,
    {
      deliver: () => undefined,
      names: () => undefined,
      channelModes: () => undefined,
      channelEmpty: () => undefined,
      privateMessage: () => undefined,
      selfJoined: () => undefined,
      handover: () => undefined,
      duplicate: () => undefined,
    },
    new FakeClock(),
    { windowMs: 60000, graceMs: 3000 },
  );
  return { f, network };
}

describe("network feed: which nicks are our connections', kept per connection", () => {
  it("follows a rename, a reconnect with another nick and a close; only the owner's NICK moves its nick", () => {
    const { f } = feed();
    const alice = new OwnConnection("alice", "alice[m]");
    const bob = new OwnConnection("bob", "bob[m]");
    const bot = new OwnConnection("bot", "Custodian");
    f.attach(bot, true);
    f.attach(alice, false);
    f.attach(bob, false);
    bot.register("Custodian");
    alice.register("alice[m]");
    bob.register("bob[m]");
    assert.equal(f.ownerOf("ALICE{M}"), "alice", "rfc1459: [] and {} are one nick");
    assert.equal(f.ownerOf("custodian"), "bot", "the bot's nick is ours");

    // Bob hears Alice's rename first (he shares a channel): it is not his to move.
    bob.hear("nick", { ...base, nick: "alice[m]", newNick: "alice2" });
    assert.equal(f.ownerOf("alice[m]"), "alice", "positive control: only the owner's own NICK moves it");
    alice.hear("nick", { ...base, nick: "alice[m]", newNick: "alice2" });
    alice.current = "alice2";
    assert.equal(f.ownerOf("alice2"), "alice");
    assert.equal(f.ownerOf("alice[m]"), undefined, "the old nick is no one's of ours");

    // Her socket drops: no nick of hers while away; she comes back as alice_ (alice2 still held).
    alice.drop(true);
    assert.equal(f.ownerOf("alice2"), undefined);
    assert.ok(f.isOurs("bob[m]"), "positive control: bob's nick stays");
    alice.register("alice_");
    assert.equal(f.ownerOf("alice_"), "alice");
    assert.equal(f.ownerOf("alice2"), undefined);

    bob.drop(false);
    assert.equal(f.ownerOf("bob[m]"), undefined, "closed for good: gone");
    assert.equal(f.ownerOf("alice_"), "alice", "positive control: alice's nick stays");
    assert.equal(f.ownerOf("custodian"), "bot");
  });

  it("a CASEMAPPING in 005 after 001 re-folds each connection's nick; two nicks one under rfc1459 stay two under ascii", () => {
    const { f, network } = feed();
    const one = new OwnConnection("one", "a[m]");
    const two = new OwnConnection("two", "a{m}");
    f.attach(one, false);
    f.attach(two, false);
    // 001 of both, folded with the default rfc1459: one key, the later registration holds it.
    one.register("a[m]");
    two.register("a{m}");
    assert.equal(f.ownerOf("a[m]"), "two");
    // Then each 005 says ascii: each connection is filed under its own nick again.
    one.mapping = "ascii";
    two.mapping = "ascii";
    one.hear("isupport");
    assert.equal(network.channels.fold("A[M]"), "a[m]", "positive control: the network folds with ascii now");
    assert.equal(f.ownerOf("a[m]"), "one");
    assert.equal(f.ownerOf("A{M}"), "two", "two keeps the key it registered under until its own 005");
    two.hear("isupport");
    assert.equal(f.ownerOf("A[M]"), "one");
    assert.equal(f.ownerOf("a{m}"), "two");
    // A later 005 (another connection's) re-folds nothing that is still right; a closed one keeps nothing.
    one.hear("isupport");
    assert.equal(f.ownerOf("a[m]"), "one");
    two.drop(false);
    assert.equal(f.ownerOf("a{m}"), undefined);
    assert.equal(f.ownerOf("a[m]"), "one");
  });
});
