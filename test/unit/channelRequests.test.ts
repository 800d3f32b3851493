import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldCase } from "../../src/irc/casemapping";
import { banMask, hostIn, kickRequest, modeRequest, topicRequest, userhostRequest } from "../../src/irc/channelRequests";
import { parseIrcLine } from "../../src/irc/ircLine";
import { PendingRequests, type IrcReply, type IrcRequest } from "../../src/irc/requests";
import { FakeClock } from "../support/fakeClock";

/** The unlabeled matcher (a server without labeled-response), with "me" as our nick. */
function matcher() {
  const clock = new FakeClock();
  const requests = new PendingRequests(clock);
  const same = (a: string, b: string) => foldCase(a, "rfc1459") === foldCase(b, "rfc1459");
  const replies: IrcReply[] = [];
  const ask = (request: IrcRequest) => {
    const waiting = requests.add(undefined, request.expect, 10000);
    waiting.sent();
    void waiting.reply.then((r) => replies.push(r));
  };
  const hear = async (...raws: string[]) => {
    for (const raw of raws) {
      const line = parseIrcLine(raw);
      assert.ok(line, raw);
      requests.heard(line, { me: "me", same });
    }
    await new Promise((r) => setImmediate(r));
  };
  return { clock, replies, ask, hear };
}

const summary = (r: IrcReply | undefined) => (r === undefined ? "none" : r.kind === "error" ? `error ${r.numeric}` : r.kind);

describe("channel operator requests on a server without labels", () => {
  it("KICK: our own echo of that kick answers it; another op's kick and other channels' errors do not", async () => {
    const m = matcher();
    m.ask(kickRequest("#chan", "spammer", "@mod:example.org: spam"));
    await m.hear(":op!u@h KICK #chan spammer :by someone else", ":srv 482 me #other :You're not channel operator", ":me!u@h KICK #chan bob :another kick");
    assert.equal(m.replies.length, 0);
    await m.hear(":Me!u@h KICK #Chan Spammer :@mod:example.org: spam");
    assert.equal(summary(m.replies[0]), "ok");
  });

  it("KICK refusals that name the channel or the nick: 482, 441, 401", async () => {
    for (const [raw, numeric] of [
      [":srv 482 me #chan :You're not channel operator", "482"],
      [":srv 441 me spammer #chan :They aren't on that channel", "441"],
      [":srv 401 me spammer :No such nick/channel", "401"],
    ] as const) {
      const m = matcher();
      m.ask(kickRequest("#chan", "spammer", "r"));
      await m.hear(raw);
      assert.equal(summary(m.replies[0]), `error ${numeric}`, raw);
    }
  });

  it("MODE: our echo answers it; a change that changes nothing is complete, empty, after a while", async () => {
    const m = matcher();
    m.ask(modeRequest("#chan", "+b", ["*!*@bad.host"]));
    await m.hear(":me!u@h MODE #chan +b *!*@bad.host");
    assert.equal(summary(m.replies[0]), "ok");
    m.ask(modeRequest("#chan", "+v", ["alice"]));
    await m.hear(":srv 401 me bob :No such nick");
    assert.equal(m.replies.length, 1, "an error about another nick is not the answer");
    m.clock.advance(2000);
    await new Promise((r) => setImmediate(r));
    assert.equal(summary(m.replies[1]), "ok");
    m.ask(modeRequest("#chan", "-o+v", ["alice", "alice"]));
    await m.hear(":srv 482 me #chan :You're not channel operator");
    assert.equal(summary(m.replies[2]), "error 482");
  });

  it("TOPIC: our echo, or 482 on a +t channel", async () => {
    const m = matcher();
    m.ask(topicRequest("#chan", "new topic"));
    await m.hear(":someone!u@h TOPIC #chan :theirs", ":me!u@h TOPIC #chan :new topic");
    assert.equal(summary(m.replies[0]), "ok");
    m.ask(topicRequest("#chan", "again"));
    await m.hear(":srv 482 me #chan :You do not have access to change the topic on this channel");
    assert.equal(summary(m.replies[1]), "error 482");
  });

  it("USERHOST: the host of the nick asked for, whatever its flags; none when it is not online", async () => {
    const m = matcher();
    m.ask(userhostRequest("spammer"));
    await m.hear(":srv 302 me :Spammer*=-~sp@bad.host.example other=+o@elsewhere");
    const reply = m.replies[0];
    assert.ok(reply?.kind === "ok");
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    assert.equal(hostIn(reply.lines, "spammer", same), "bad.host.example");
    assert.equal(hostIn(reply.lines, "other", same), "elsewhere");
    m.ask(userhostRequest("gone"));
    await m.hear(":srv 302 me :");
    const empty = m.replies[1];
    assert.ok(empty?.kind === "ok");
    assert.equal(hostIn(empty.lines, "gone", same), undefined);
  });

  it("ban masks: by host when known, else by nick", () => {
    assert.equal(banMask("spammer", "bad.host"), "*!*@bad.host");
    assert.equal(banMask("spammer", undefined), "spammer!*@*");
  });
});
