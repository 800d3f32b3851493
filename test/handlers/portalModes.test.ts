import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readPortalModes, type PortalModeDeps } from "../../src/bridge/portalModes";
import type { IrcConnection } from "../../src/irc/connection";
import { parseIrcLine, type IrcLine } from "../../src/irc/ircLine";
import type { IrcReply, IrcRequest } from "../../src/irc/requests";
import { fakeNetwork } from "../support/fakeNetwork";
import { HeardConnection } from "../support/heardConnection";

const line = (raw: string): IrcLine => {
  const parsed = parseIrcLine(raw);
  if (parsed === undefined) throw new Error(`not a line: ${raw}`);
  return parsed;
};

/** A registered connection that answers requests from a script, and records what it was asked. */
class Scripted extends HeardConnection {
  readonly asked: string[] = [];
  constructor(
    id: string,
    /** Answers per command line; a list is answered in turn. */
    private readonly answers: Record<string, IrcReply | IrcReply[]>,
    private readonly up = true,
  ) {
    super(id, id);
  }
  override get isRegistered(): boolean {
    return this.up;
  }
  override request(request: IrcRequest): Promise<IrcReply> {
    const said = [request.command, ...request.params].join(" ");
    this.asked.push(said);
    const answer = this.answers[said];
    const next = Array.isArray(answer) ? answer.shift() : answer;
    return Promise.resolve(next ?? { kind: "timeout", afterMs: 5000, lines: [] });
  }
}

const ok = (...raw: string[]): IrcReply => ({ kind: "ok", lines: raw.map(line) });

function deps(extra: string, bot: IrcConnection | undefined, users: IrcConnection[], members: string[] = [], keyed = false, looks: string[] = []): PortalModeDeps {
  return {
    network: fakeNetwork(extra),
    bot: () => bot,
    connections: () => users,
    isMember: (c) => members.includes(c.id),
    knowsKey: () => keyed,
    lookingIn: (c, channel, looking) => looks.push(`${looking ? "+" : "-"}${c.id} ${channel}`),
  };
}

describe("reading a channel's modes before its portal exists", () => {
  it("asks a connection in the channel first, then the bot (which looks in at once), then any registered user connection", async () => {
    const answer = { "MODE #c": ok(":s 324 x #c +int"), "JOIN #c": { kind: "error", numeric: "473", text: "Cannot join channel (+i)", lines: [] } } satisfies Record<string, IrcReply>;
    const bot = new Scripted("bot", answer);
    const down = new Scripted("down", answer, false);
    const alice = new Scripted("alice", answer);
    const bob = new Scripted("bob", answer);
    assert.deepEqual(await readPortalModes("#c", deps("", bot, [down, alice, bob], ["bob"])), { kind: "modes", modes: new Set("int"), member: true });
    assert.deepEqual([bot.asked, bob.asked], [[], ["MODE #c"]]);
    assert.deepEqual(await readPortalModes("#c", deps("", bot, [down, alice])), { kind: "modes", modes: new Set("i"), member: false });
    assert.deepEqual([bot.asked, alice.asked], [["JOIN #c"], []], "the bot, not a member, looks in without asking MODE first; its refused JOIN names +i");
    const reading = await readPortalModes("#c", deps("", undefined, [down, alice]));
    assert.deepEqual([reading.kind, alice.asked, down.asked], ["modes", ["MODE #c"], []]);
  });

  it("no connection, no answer, or 403 (no such channel, or a secret one the server hides): unknown", async () => {
    assert.equal((await readPortalModes("#c", deps("", undefined, []))).kind, "unknown");
    assert.equal((await readPortalModes("#c", deps("", new Scripted("bot", {}), []))).kind, "unknown");
    const hidden = new Scripted("bot", { "MODE #c": { kind: "error", numeric: "403", text: "No such channel", lines: [line(":s 403 bot #c :No such channel")] } });
    assert.equal((await readPortalModes("#c", deps("", hidden, []))).kind, "unknown");
  });

  it("403 to a non-member (no such channel yet, or a hidden secret one): the bot looks in (JOIN, MODE, PART) and does not stay; refused, the refusal names the mode", async () => {
    const noSuch: IrcReply = { kind: "error", numeric: "403", text: "No such channel", lines: [] };
    const alice = new Scripted("alice", { "MODE #c": noSuch });
    const bot = new Scripted("bot", { "MODE #c": ok(":s 324 bot #c +nst"), "JOIN #c": ok(":bot!u@h JOIN #c"), "PART #c only looked at the channel's modes": ok(":bot!u@h PART #c") });
    assert.deepEqual(await readPortalModes("#c", deps("", bot, [alice])), { kind: "modes", modes: new Set("nst"), member: true });
    assert.deepEqual(bot.asked, ["JOIN #c", "MODE #c", "PART #c only looked at the channel's modes"], "the bot asks as a member only");
    assert.deepEqual(bot.channelNames, [], "not rejoined after a reconnect");
    const closed = new Scripted("bot", { "MODE #c": noSuch, "JOIN #c": { kind: "error", numeric: "475", text: "Cannot join channel (+k)", lines: [] } });
    assert.deepEqual(await readPortalModes("#c", deps("", closed, [])), { kind: "modes", modes: new Set("k"), member: false });
    assert.deepEqual(closed.asked, ["JOIN #c"]);
    const hiddenToAlice = new Scripted("bot2", { "JOIN #c": ok(":bot2!u@h JOIN #c"), "MODE #c": ok(":s 324 bot2 #c +s"), "PART #c only looked at the channel's modes": ok(":bot2!u@h PART #c") });
    assert.deepEqual(await readPortalModes("#c", deps("", hiddenToAlice, [alice], ["alice"])), { kind: "unknown", why: "no such channel, or a secret one the server hides" }, "a member's 403 is final: nobody looks in");
    assert.deepEqual(hiddenToAlice.asked, []);
    assert.deepEqual((await readPortalModes("#c", deps("", undefined, [alice]))).kind, "unknown", "no bot: nobody looks in");
  });

  it("the bot never takes a non-member's answer: it looks in, and a key refusal closes the channel (Ergo hides +k from non-members)", async () => {
    const bot = new Scripted("bot", { "MODE #c": ok(":s 324 bot #c +Cnt"), "JOIN #c": { kind: "error", numeric: "475", text: "Cannot join channel (+k)", lines: [] } });
    assert.deepEqual(await readPortalModes("#c", deps("", bot, [])), { kind: "modes", modes: new Set("k"), member: false });
    assert.deepEqual(bot.asked, ["JOIN #c"]);
    const banned = new Scripted("bot", { "MODE #c": ok(":s 324 bot #c +nt"), "JOIN #c": { kind: "error", numeric: "474", text: "Cannot join channel (+b)", lines: [] } });
    assert.equal((await readPortalModes("#c", deps("", banned, []))).kind, "unknown", "the bot could not look in: not taken as open");
    assert.deepEqual(banned.asked, ["JOIN #c"]);
    const alice = new Scripted("alice", { "MODE #c": ok(":s 324 alice #c +nt") });
    assert.deepEqual(await readPortalModes("#c", deps("", undefined, [alice])), { kind: "modes", modes: new Set("nt"), member: false }, "no bot: the answer as it is");
  });

  it("the bot's look in is marked from before its JOIN until after its PART, or its refusal (its JOIN then asks nothing more)", async () => {
    const looks: string[] = [];
    const marked: boolean[] = [];
    class Watched extends Scripted {
      override request(request: IrcRequest): Promise<IrcReply> {
        marked.push(looks.length === 1);
        return super.request(request);
      }
    }
    const bot = new Watched("bot", { "JOIN #c": ok(":bot!u@h JOIN #c"), "MODE #c": ok(":s 324 bot #c +nt"), "PART #c only looked at the channel's modes": ok(":bot!u@h PART #c") });
    await readPortalModes("#c", deps("", bot, [], [], false, looks));
    assert.deepEqual(looks, ["+bot #c", "-bot #c"]);
    assert.deepEqual(marked, [true, true, true], "JOIN, MODE and PART all went out while marked");
    const refusedLooks: string[] = [];
    await readPortalModes("#c", deps("", new Scripted("bot", { "JOIN #c": { kind: "error", numeric: "473", text: "Cannot join channel (+i)", lines: [] } }), [], [], false, refusedLooks));
    assert.deepEqual(refusedLooks, ["+bot #c", "-bot #c"]);
    const memberLooks: string[] = [];
    await readPortalModes("#c", deps("", new Scripted("bot", { "MODE #c": ok(":s 324 bot #c +nt") }), [], ["bot"], false, memberLooks));
    assert.deepEqual(memberLooks, [], "a member asks, it does not look in");
  });

  it("a key the bridge knows counts as +k even when the server hides it from non-members (Ergo)", async () => {
    const reading = await readPortalModes("#c", deps("", undefined, [new Scripted("alice", { "MODE #c": ok(":s 324 alice #c +Cnt") })], [], true));
    assert.ok(reading.kind === "modes" && reading.modes.has("k"));
    const unknownKey = await readPortalModes("#c", deps("", undefined, [new Scripted("alice", { "MODE #c": ok(":s 324 alice #c +Cnt") })], [], false));
    assert.ok(unknownKey.kind === "modes" && !unknownKey.modes.has("k"), "control: without the known key, the answer as it is");
  });

  it("portals.requireBotJoin: the bot joins first and stays; a refusal, or no bot, means no portal", async () => {
    const on = ", bot: { enabled: true }, portals: { requireBotJoin: true }";
    const bot = new Scripted("bot", { "JOIN #c": ok(":bot!u@h JOIN #c"), "MODE #c": ok(":s 324 bot #c +nt") });
    assert.deepEqual(await readPortalModes("#c", deps(on, bot, [])), { kind: "modes", modes: new Set("nt"), member: true });
    assert.deepEqual(bot.asked, ["JOIN #c", "MODE #c"]);
    assert.deepEqual(bot.channelNames, ["#c"], "rejoined after a reconnect");
    const refused = new Scripted("bot", { "JOIN #c": { kind: "error", numeric: "473", text: "Cannot join channel (+i)", lines: [] } });
    const no = await readPortalModes("#c", deps(on, refused, []));
    assert.ok(no.kind === "refused" && /473/.test(no.why));
    assert.deepEqual(refused.asked, ["JOIN #c"]);
    assert.equal((await readPortalModes("#c", deps(on, undefined, [new Scripted("alice", {})]))).kind, "refused");
    assert.equal((await readPortalModes("#c", deps(on, new Scripted("bot", {}, false), []))).kind, "refused");
  });
});
