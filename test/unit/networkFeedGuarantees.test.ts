import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkFeed, type Delivered } from "../../src/broker/networkFeed";
import { RESUMED_TAG, type MessageEvent } from "../../src/irc/events";
import { parseCasemapping, type Casemapping } from "../../src/irc/casemapping";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { HeardConnection } from "../support/heardConnection";

const base = { tags: {}, time: 1_700_000_000_000, batch: undefined };
const history = { ...base, batch: "chathistory" };
const netsplit = { ...base, batch: "netsplit" };

/** A HeardConnection that has negotiated some capabilities and announced some ISUPPORT values. */
class CapableConnection extends HeardConnection {
  registered = true;
  constructor(
    id: string,
    nick: string,
    private readonly caps: readonly string[] = [],
    private readonly supports: Record<string, string> = {},
  ) {
    super(id, nick);
  }
  override hasCap(cap: string): boolean {
    return this.caps.includes(cap);
  }
  override isupport(name: string): string | undefined {
    return this.supports[name];
  }
  /** A real connection reads CASEMAPPING at each 005, before its "isupport" event (irc/serverSupport.ts). */
  override get casemapping(): Casemapping {
    return parseCasemapping(this.supports.CASEMAPPING);
  }
  override get isRegistered(): boolean {
    return this.registered;
  }
}

function feed(graceMs = 3000) {
  const delivered: Delivered[] = [];
  const privates: MessageEvent[] = [];
  const selfJoins: string[] = [];
  const handovers: string[] = [];
  const duplicates: string[] = [];
  const names: string[] = [];
  const empty: string[] = [];
  const clock = new FakeClock();
  const network = fakeNetwork();
  const f = new NetworkFeed(
    network,
    {
      deliver: (item) => delivered.push(item),
      names: (connection, e) => names.push(`${connection.id} ${e.channel}`),
      channelModes: () => undefined,
      channelEmpty: (channel) => empty.push(channel),
      privateMessage: (_connection, e) => privates.push(e),
      selfJoined: (connection, channel) => selfJoins.push(`${connection.id} ${channel}`),
      handover: (channel) => handovers.push(channel),
      duplicate: (channel) => duplicates.push(channel),
    },
    clock,
    { windowMs: 60000, graceMs },
  );
  const kinds = () => delivered.map((d) => `${d.ev.type} ${d.ev.channel}`);
  return { f, delivered, privates, selfJoins, handovers, duplicates, names, empty, clock, network, kinds };
}

function msg(target: string, text: string, extra: Partial<MessageEvent> = {}): MessageEvent {
  return { ...base, kind: "privmsg", from: "bob", target, text, account: undefined, ...extra };
}

describe("network feed: history batches, held channels and replays", () => {
  it("no event of a chathistory batch is delivered live (the gap filler replays them); a netsplit batch is live", () => {
    const { f, kinds } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    a.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    a.hear("message", msg("#chan", "old", { batch: "chathistory" }));
    a.hear("join", { ...history, nick: "carol", channel: "#chan", account: undefined });
    a.hear("part", { ...history, nick: "bob", channel: "#chan", reason: "" });
    a.hear("kick", { ...history, by: "op", nick: "bob", channel: "#chan", reason: "" });
    a.hear("quit", { ...history, nick: "bob", reason: "" });
    a.hear("nick", { ...history, nick: "bob", newNick: "robert" });
    a.hear("topic", { ...history, channel: "#chan", topic: "old topic", by: "op" });
    a.hear("mode", { ...history, by: "op", channel: "#chan", changes: [] });
    assert.deepEqual(kinds(), ["join #chan", "join #chan"], "nothing from the history batch");
    assert.ok(f.membersOf("#chan").has("bob"), "a replayed PART/QUIT/KICK moves nobody");
    a.hear("quit", { ...netsplit, nick: "bob", reason: "irc.a irc.b" });
    assert.deepEqual(kinds(), ["join #chan", "join #chan", "quit #chan"], "a netsplit batch is live");
  });

  it("every live channel event is delivered; the bot's own PART and KICK make it leave the channel", () => {
    const { f, kinds, handovers } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    a.hear("topic", { ...base, channel: "#chan", topic: "t", by: "op" });
    a.hear("mode", { ...base, by: "op", channel: "#chan", changes: [] });
    a.hear("join", { ...base, nick: "me", channel: "#two", account: undefined });
    assert.equal(f.broker.readerOf("#chan"), "a");
    a.hear("part", { ...base, nick: "me", channel: "#chan", reason: "" });
    assert.equal(f.broker.isMember("#chan", "a"), false, "our own PART: out of the channel");
    a.hear("kick", { ...base, by: "op", nick: "me", channel: "#two", reason: "" });
    assert.equal(f.broker.isMember("#two", "a"), false, "our own KICK: out of the channel");
    assert.deepEqual(kinds(), ["join #chan", "topic #chan", "mode #chan", "join #two", "part #chan", "kick #two"]);
    assert.deepEqual(handovers, ["#chan", "#two"], "a reader is elected in each channel");
  });

  it("someone else's PART or KICK leaves our connection in the channel", () => {
    const { f } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    a.hear("part", { ...base, nick: "bob", channel: "#chan", reason: "" });
    a.hear("kick", { ...base, by: "op", nick: "carol", channel: "#chan", reason: "" });
    assert.equal(f.broker.isMember("#chan", "a"), true);
  });

  it("a held channel's deliveries wait for the history, then come after it, in order; the roster moves at once", () => {
    const { f, kinds, delivered } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    f.hold("#CHAN");
    f.hold("#chan");
    a.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    f.hold("#chan");
    a.hear("message", msg("#chan", "live"));
    f.hold("#chan");
    assert.deepEqual(kinds(), ["join #chan"], "held while the history is fetched; holding again keeps what waits");
    assert.ok(f.membersOf("#chan").has("bob"), "membership follows at once");
    f.release("#Chan", () => f.replay("a", { type: "message", channel: "#chan", e: msg("#chan", "older", { time: base.time - 1000 }) }));
    assert.deepEqual(
      delivered.map((d) => (d.ev.type === "message" ? d.ev.e.text : d.ev.type)),
      ["join", "older", "join", "live"],
    );
    a.hear("message", msg("#chan", "after"));
    assert.equal(kinds().length, 5, "released: delivered at once again");
  });

  it("a replayed event already delivered live is not delivered again", () => {
    const { f, delivered } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    const e = msg("#chan", "hello", { tags: { msgid: "m1" } });
    a.hear("message", e);
    f.replay("a", { type: "message", channel: "#CHAN", e });
    f.replay("a", { type: "message", channel: "#chan", e: msg("#chan", "missed", { tags: { msgid: "m2" } }) });
    assert.deepEqual(
      delivered.map((d) => (d.ev.type === "message" ? `${d.key} ${d.ev.e.text}` : d.ev.type)),
      ["join", "id:m1 hello", "id:m2 missed"],
    );
  });
});

describe("network feed: private messages, accounts and our own nicks", () => {
  it("a message to a channel of any type is a channel event; to a nick, a private message; to @#chan, nothing", () => {
    const { f, kinds, privates } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    for (const channel of ["#a", "&b", "!c", "+d"]) {
      a.hear("join", { ...base, nick: "me", channel, account: undefined });
      a.hear("message", msg(channel, `to ${channel}`));
    }
    a.hear("message", msg("me", "psst"));
    a.hear("message", msg("#a", "ops only", { group: "@" }));
    a.hear("message", msg("me", "old psst", { batch: "chathistory" }));
    assert.deepEqual(kinds(), ["join #a", "message #a", "join &b", "message &b", "join !c", "message !c", "join +d", "message +d"]);
    assert.deepEqual(privates.map((e) => e.text), ["psst"]);
  });

  it("extended-join records the joiner's account (not our own); account-notify updates it; without the cap nothing is guessed", () => {
    const { f } = feed();
    const a = new CapableConnection("a", "me", ["extended-join"]);
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: "myacct" });
    a.hear("join", { ...base, nick: "Bob", channel: "#chan", account: "bobacct" });
    a.hear("join", { ...base, nick: "carol", channel: "#chan", account: undefined });
    assert.equal(f.accountOf("me"), undefined, "our own join is not another user's account");
    assert.equal(f.accountOf("bob"), "bobacct");
    assert.equal(f.accountOf("CAROL"), null);
    a.hear("account", { nick: "carol", account: "carolacct" });
    assert.equal(f.accountOf("carol"), "carolacct");
    const { f: g } = feed();
    const plain = new CapableConnection("p", "me", []);
    g.attach(plain, true);
    plain.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    plain.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    assert.equal(g.accountOf("bob"), undefined, "no extended-join: the JOIN's missing account means nothing");
  });

  it("an account goes with the nick's QUIT, moves with its NICK, and goes when it left the last of our channels", () => {
    const { f } = feed();
    const a = new CapableConnection("a", "me", ["extended-join"]);
    f.attach(a, true);
    for (const channel of ["#one", "#two"]) {
      a.hear("join", { ...base, nick: "me", channel, account: undefined });
      a.hear("join", { ...base, nick: "bob", channel, account: "bobacct" });
      a.hear("join", { ...base, nick: "carol", channel, account: "carolacct" });
    }
    a.hear("join", { ...base, nick: "dave", channel: "#one", account: "daveacct" });
    a.hear("nick", { ...base, nick: "bob", newNick: "robert" });
    assert.equal(f.accountOf("bob"), undefined);
    assert.equal(f.accountOf("robert"), "bobacct");
    a.hear("part", { ...base, nick: "carol", channel: "#one", reason: "" });
    assert.equal(f.accountOf("carol"), "carolacct", "still in #two");
    a.hear("kick", { ...base, by: "op", nick: "carol", channel: "#two", reason: "" });
    assert.equal(f.accountOf("carol"), undefined, "in none of our channels any more");
    a.hear("quit", { ...base, nick: "dave", reason: "" });
    assert.equal(f.accountOf("dave"), undefined);
    a.hear("part", { ...base, nick: "robert", channel: "#one", reason: "" });
    assert.equal(f.accountOf("robert"), "bobacct");
    a.hear("join", { ...base, nick: "erin", channel: "#two", account: "erinacct" });
    a.hear("part", { ...base, nick: "erin", channel: "#two", reason: "" });
    assert.equal(f.accountOf("erin"), undefined, "a PART from the last of our channels forgets too");
    a.hear("quit", { ...history, nick: "robert", reason: "" });
    assert.equal(f.accountOf("robert"), "bobacct", "a QUIT from history forgets nothing");
    a.hear("nick", { ...history, nick: "robert", newNick: "bobby" });
    assert.equal(f.accountOf("robert"), "bobacct", "a NICK from history moves nothing");
  });

  it("a QUIT or NICK becomes one event per channel both the connection and the nick are in", () => {
    const { f, kinds } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    for (const channel of ["#one", "#two", "#three"]) a.hear("join", { ...base, nick: "me", channel, account: undefined });
    for (const channel of ["#one", "#three"]) a.hear("join", { ...base, nick: "bob", channel, account: undefined });
    const before = kinds().length;
    a.hear("nick", { ...base, nick: "bob", newNick: "robert" });
    a.hear("quit", { ...base, nick: "robert", reason: "" });
    a.hear("quit", { ...base, nick: "stranger", reason: "" });
    assert.deepEqual(kinds().slice(before), ["nick #one", "nick #three", "quit #one", "quit #three"]);
  });

  it("our own nicks: recorded at registration, moved by NICK, re-read under the casemapping of 005, gone with the socket", () => {
    const { f, network } = feed();
    const a = new CapableConnection("a", "Me[1]", [], { CASEMAPPING: "ascii", NICKLEN: "12" });
    const b = new CapableConnection("b", "other", []);
    f.attach(a, false);
    f.attach(b, false);
    a.hear("registered", "Me[1]", undefined, false);
    b.hear("registered", "other", undefined, false);
    assert.ok(f.isOurs("me{1}"), "rfc1459 until the server says otherwise");
    a.hear("isupport");
    assert.equal(network.channels.mapping, "ascii");
    assert.equal(network.nickLimits.nicklen, 12);
    assert.ok(f.isOurs("me[1]"));
    assert.ok(!f.isOurs("me{1}"), "ascii: [ and { differ");
    assert.ok(f.isOurs("OTHER"), "another connection's nick is kept");
    a.registered = false;
    a.hear("isupport");
    assert.ok(!f.isOurs("me[1]"), "not registered: its nick is not recorded again");
    a.registered = true;
    a.hear("registered", "Me[1]", undefined, false);
    a.hear("nick", { ...base, nick: "Me[1]", newNick: "Me2" });
    assert.ok(f.isOurs("me2"));
    assert.ok(!f.isOurs("me[1]"));
    b.hear("nick", { ...base, nick: "me2", newNick: "stolen" });
    assert.ok(f.isOurs("me2"), "a NICK heard by another connection does not move this one's nick");
    a.hear("closed", { reason: "gone", fatal: false, willReconnect: true, throttled: false });
    assert.ok(!f.isOurs("me2"));
    assert.ok(f.isOurs("other"), "only the closed connection's nick goes");
  });

  it("a closed connection leaves every channel it was in; the others stay", () => {
    const { f } = feed();
    const a = new HeardConnection("a", "me");
    const b = new HeardConnection("b", "you");
    f.attach(a, true);
    f.attach(b, false);
    for (const channel of ["#one", "#two"]) a.hear("join", { ...base, nick: "me", channel, account: undefined });
    b.hear("join", { ...base, nick: "you", channel: "#one", account: undefined });
    a.hear("closed", { reason: "gone", fatal: false, willReconnect: true, throttled: false });
    assert.deepEqual(f.broker.channelsOf("a"), []);
    assert.deepEqual(f.broker.channelsOf("b"), ["#one"]);
    assert.equal(f.broker.readerOf("#one"), "b");
  });

  it("our own JOIN makes the connection a member (preferred: the reader) and is announced", () => {
    const { f, selfJoins } = feed();
    const user = new HeardConnection("u", "user");
    const bot = new HeardConnection("bot", "bot");
    f.attach(user, false);
    f.attach(bot, true);
    user.hear("join", { ...base, nick: "user", channel: "#chan", account: undefined });
    bot.hear("join", { ...base, nick: "bot", channel: "#chan", account: undefined });
    user.hear("join", { ...base, nick: "someone", channel: "#chan", account: undefined });
    assert.equal(f.broker.readerOf("#chan"), "bot", "the bot connection is preferred");
    assert.deepEqual(selfJoins, ["u #chan", "bot #chan"]);
    assert.equal(f.broker.memberCount("#chan"), 2);
  });

  it("NAMES counts only from a connection in the channel, and reaches the hook", () => {
    const { f, names } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("names", { channel: "#chan", users: [{ nick: "x", modes: [] }] });
    assert.deepEqual(names, []);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    a.hear("names", { channel: "#chan", users: [{ nick: "me", modes: [] }, { nick: "x", modes: ["o"] }] });
    assert.deepEqual(names, ["a #chan"]);
    assert.ok(f.membersOf("#chan").has("x"));
  });

  it("a channel's NAMES counts once from a joining member, then only from its reader", () => {
    const { f, names } = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bob");
    f.attach(a, false);
    f.attach(b, false);
    a.hear("join", { ...base, nick: "alice", channel: "#chan", account: undefined });
    a.hear("names", { channel: "#chan", users: [{ nick: "alice", modes: [] }, { nick: "x", modes: ["o"] }] });
    a.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    b.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    // bob's NAMES (he just joined; alice reads the channel) passes over nothing and changes nothing.
    b.hear("names", { channel: "#chan", users: [{ nick: "alice", modes: [] }, { nick: "bob", modes: [] }, { nick: "x", modes: [] }, { nick: "y", modes: [] }] });
    assert.deepEqual(names, ["a #chan"]);
    assert.equal(f.roster.prefixesOf("#chan", "x"), "o");
    assert.ok(!f.membersOf("#chan").has("y"));
    // Positive control: once alice has left, bob reads the channel and his NAMES counts.
    a.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    b.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    b.hear("names", { channel: "#chan", users: [{ nick: "bob", modes: [] }, { nick: "x", modes: [] }, { nick: "y", modes: [] }] });
    assert.deepEqual(names, ["a #chan", "b #chan"]);
    assert.equal(f.roster.prefixesOf("#chan", "x"), "");
    assert.ok(f.membersOf("#chan").has("y"));
  });

  it("a connection's NAMES may be skipped unread only when the feed would drop it: a member, not the reader, the roster known", () => {
    const { f, names } = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bob");
    f.attach(a, false);
    f.attach(b, false);
    assert.equal(f.namesElsewhere("b", "#chan"), false, "not a member");
    a.hear("join", { ...base, nick: "alice", channel: "#chan", account: undefined });
    b.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    assert.equal(f.broker.readerOf("#chan"), "a");
    assert.equal(f.namesElsewhere("b", "#chan"), false, "the roster has no members yet: the first NAMES counts");
    a.hear("names", { channel: "#chan", users: [{ nick: "alice", modes: [] }, { nick: "bob", modes: [] }] });
    assert.equal(f.namesElsewhere("b", "#CHAN"), true, "a member that is not the reader, the roster known");
    assert.equal(f.namesElsewhere("a", "#chan"), false, "the reader's NAMES counts");
    assert.equal(f.namesElsewhere("c", "#chan"), false, "not a member");
    // What it says agrees with the handler: b's NAMES is dropped, then counts once b reads the channel.
    b.hear("names", { channel: "#chan", users: [{ nick: "x", modes: [] }] });
    assert.deepEqual(names, ["a #chan"]);
    a.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    b.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    assert.equal(f.namesElsewhere("b", "#chan"), false, "b is the reader now");
  });

  it("a line may be skipped only by a member that is not the reader, once the broker holds its msgid (delivered or waiting)", () => {
    const { f, delivered } = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bob");
    const c = new HeardConnection("c", "carol");
    f.attach(a, false);
    f.attach(b, false);
    f.attach(c, false);
    a.hear("join", { ...base, nick: "alice", channel: "#chan", account: undefined });
    b.hear("join", { ...base, nick: "bob", channel: "#chan", account: undefined });
    c.hear("join", { ...base, nick: "carol", channel: "#chan", account: undefined });
    const said = (msgid: string) => ({ ...base, tags: { msgid }, kind: "privmsg" as const, from: "x", target: "#chan", text: msgid, account: undefined });
    const messages = () => delivered.filter((d) => d.ev.type === "message").length;
    assert.equal(f.heardElsewhere("c", "#chan", "m0"), false, "not heard by anyone yet");
    b.hear("message", said("m0"));
    assert.equal(messages(), 0, "heard by b first: waiting for the reader");
    assert.equal(f.heardElsewhere("c", "#chan", "m0"), true, "waiting for the reader: c's copy would change nothing");
    assert.equal(f.heardElsewhere("a", "#chan", "m0"), false, "the reader hears its own copies (its copy delivers)");
    a.hear("message", said("m0"));
    a.hear("message", said("m1"));
    assert.equal(messages(), 2, "positive control: the reader delivered m0 and m1");
    assert.equal(f.heardElsewhere("b", "#CHAN", "m1"), true);
    assert.equal(f.heardElsewhere("a", "#chan", "m1"), false, "the reader hears its own copies");
    assert.equal(f.heardElsewhere("b", "#chan", "m2"), false, "not heard yet");
    assert.equal(f.heardElsewhere("b", "#other", "m1"), false, "another channel");
  });

  it("releasing a channel that was not held just delivers the history", () => {
    const { f, kinds } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    f.release("#chan", () => f.replay("a", { type: "message", channel: "#chan", e: msg("#chan", "older", { tags: { msgid: "h1" } }) }));
    assert.deepEqual(kinds(), ["join #chan", "message #chan"]);
  });

  it("a copy heard again by the reader is counted as a duplicate, not delivered", () => {
    const { f, kinds, duplicates } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    const e = msg("#chan", "hi", { tags: { msgid: "x" } });
    a.hear("message", e);
    a.hear("message", e);
    assert.deepEqual(kinds(), ["join #chan", "message #chan"]);
    assert.deepEqual(duplicates, ["#chan"]);
  });

  it("the roster follows delivered JOIN, PART, KICK, QUIT, NICK and MODE", () => {
    const { f } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    for (const nick of ["bob", "carol", "dave", "erin"]) a.hear("join", { ...base, nick, channel: "#chan", account: undefined });
    a.hear("part", { ...base, nick: "bob", channel: "#chan", reason: "" });
    a.hear("kick", { ...base, by: "me", nick: "carol", channel: "#chan", reason: "" });
    a.hear("quit", { ...base, nick: "dave", reason: "" });
    a.hear("nick", { ...base, nick: "erin", newNick: "erika" });
    a.hear("mode", { ...base, by: "me", channel: "#chan", changes: parseModeChanges("+o", ["erika"], modeSpec("(ov)@+", undefined)) });
    assert.deepEqual([...f.membersOf("#chan")].sort(), ["erika", "me"]);
    assert.equal(f.roster.prefixesOf("#chan", "erika"), "o");
  });

  it("a PART of a channel the connection is not in empties nothing", () => {
    const { f, empty } = feed();
    const a = new HeardConnection("a", "me");
    f.attach(a, true);
    a.hear("part", { ...base, nick: "me", channel: "#never", reason: "" });
    a.hear("kick", { ...base, by: "op", nick: "me", channel: "#never", reason: "" });
    assert.deepEqual(empty, []);
    a.hear("join", { ...base, nick: "me", channel: "#chan", account: undefined });
    a.hear("part", { ...base, nick: "me", channel: "#chan", reason: "" });
    assert.deepEqual(empty, ["#chan"], "positive control: leaving a channel we were in empties it");
  });
});


describe("network feed: a connection that rejoins while the reader lags", () => {
  /** Two connections, alice's ("a") and bert's ("b"), attached to one feed. */
  function pair() {
    const setup = feed();
    const a = new HeardConnection("a", "alice");
    const b = new HeardConnection("b", "bert");
    setup.f.attach(a, false);
    setup.f.attach(b, false);
    /** What was delivered: a message's text, else its type and, for a JOIN, its nick. */
    const order = () => setup.delivered.map((d) => (d.ev.type === "message" ? d.ev.e.text : d.ev.type === "join" ? `join ${d.ev.e.nick}` : d.ev.type));
    return { ...setup, a, b, order };
  }
  const tagged = (msgid: string) => ({ ...base, tags: { msgid } });
  const join = (nick: string, msgid: string) => ({ ...tagged(msgid), nick, channel: "#chan", account: undefined });

  it("its own JOIN opens its stream: what it hears after the JOIN waits for the reader's earlier line (the Ergo delivery story)", () => {
    const { f, a, b, order } = pair();
    a.hear("join", join("alice", "j1"));
    b.hear("join", join("alice", "j1"));
    b.hear("join", join("bert", "j2"));
    a.hear("join", join("bert", "j2"));
    assert.equal(f.broker.readerOf("#chan"), "a");
    // "a" is killed and comes back between burst-31 and burst-32; its socket is read before the reader's.
    a.hear("closed", { reason: "Killed", fatal: false, willReconnect: true, throttled: false });
    assert.equal(f.broker.readerOf("#chan"), "b");
    a.hear("join", join("alice", "j3"));
    for (const k of [32, 33]) a.hear("message", msg("#chan", `burst-${k}`, tagged(`m${k}`)));
    b.hear("message", msg("#chan", "burst-31", tagged("m31")));
    b.hear("join", join("alice", "j3"));
    for (const k of [32, 33]) b.hear("message", msg("#chan", `burst-${k}`, tagged(`m${k}`)));
    assert.deepEqual(order(), ["join alice", "join bert", "burst-31", "join alice", "burst-32", "burst-33"]);
  });

  it("a JOIN a connection process replayed after a restart opens no stream: what that connection heard waits for nothing", () => {
    const { f, a, b, order } = pair();
    b.hear("join", join("bert", "j1"));
    assert.equal(f.broker.readerOf("#chan"), "b");
    // The replayed JOIN carries neither msgid nor a time of its own (pool/resume.ts): nobody else hears it.
    a.hear("join", { ...base, tags: { [RESUMED_TAG]: "" }, time: undefined, nick: "alice", channel: "#chan", account: undefined });
    a.hear("message", msg("#chan", "said while the bridge was down", tagged("m1")));
    b.hear("message", msg("#chan", "said after", tagged("m2")));
    assert.deepEqual(order(), ["join bert", "join alice", "said while the bridge was down", "said after"]);
  });
});
