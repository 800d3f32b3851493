import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldCase } from "../../src/irc/casemapping";
import { isErrorLine, parseIrcLine } from "../../src/irc/ircLine";
import { joinRequest, nickRequest, rawRequest, serviceRequest, whoisRequest } from "../../src/irc/replies";
import { PendingRequests, type IrcReply, type IrcRequest } from "../../src/irc/requests";
import { describeSeconds, parseWhois } from "../../src/irc/whois";
import { FakeClock } from "../support/fakeClock";

describe("IRC line parsing", () => {
  it("reads tags (unescaped), source nick, command and parameters", () => {
    const line = parseIrcLine("@label=a1;time=2024-01-01T00:00:00Z;x=a\\sb\\:c\\\\ :alice!~a@host PRIVMSG #chan :hello there\r\n");
    assert.deepEqual(line, {
      tags: { label: "a1", time: "2024-01-01T00:00:00Z", x: "a b;c\\" },
      source: "alice",
      command: "PRIVMSG",
      params: ["#chan", "hello there"],
    });
  });

  it("numerics, servers as sources, no trailing, extra spaces", () => {
    assert.deepEqual(parseIrcLine(":irc.example 433  * bob :Nickname is already in use"), {
      tags: {},
      source: "irc.example",
      command: "433",
      params: ["*", "bob", "Nickname is already in use"],
    });
    assert.deepEqual(parseIrcLine("ping x"), { tags: {}, source: undefined, command: "PING", params: ["x"] });
    assert.equal(parseIrcLine(":only.a.prefix"), undefined);
    assert.equal(parseIrcLine(""), undefined);
  });

  it("knows errors: 400-599, later error numerics, FAIL", () => {
    const error = (raw: string) => {
      const line = parseIrcLine(raw);
      assert.ok(line);
      return isErrorLine(line);
    };
    assert.equal(error(":s 401 me bob :No such nick"), true);
    assert.equal(error(":s 723 me oper :Insufficient privileges"), true);
    assert.equal(error(":s FAIL CHATHISTORY INVALID_TARGET :no"), true);
    assert.equal(error(":s 311 me bob u h * :Bob"), false);
    assert.equal(error(":s NOTICE me :hi"), false);
  });
});

/** A matcher whose clock the test moves, with "me" as our nick (rfc1459 casemapping). */
function matcher() {
  const clock = new FakeClock();
  const requests = new PendingRequests(clock);
  let me = "me";
  const we = () => ({ me, same: (a: string, b: string) => foldCase(a, "rfc1459") === foldCase(b, "rfc1459") });
  const replies: IrcReply[] = [];
  const ask = (request: IrcRequest, label?: string, timeoutMs = 10000) => {
    const waiting = requests.add(label, request.expect, timeoutMs);
    waiting.sent();
    void waiting.reply.then((r) => replies.push(r));
    return waiting;
  };
  const hear = async (...raws: string[]) => {
    for (const raw of raws) {
      const line = parseIrcLine(raw);
      assert.ok(line, raw);
      requests.heard(line, we());
    }
    await new Promise((r) => setImmediate(r));
  };
  const settle = () => new Promise((r) => setImmediate(r));
  return { clock, requests, replies, ask, hear, settle, rename: (nick: string) => (me = nick) };
}

const commands = (r: IrcReply | undefined) => (r !== undefined && r.kind !== "lost" ? r.lines.map((l) => l.command) : []);

describe("request/reply, labeled", () => {
  it("a single labeled line is the whole answer; lines with other labels or none are not", async () => {
    const m = matcher();
    m.ask(nickRequest("bob"), "b1");
    await m.hear("@label=zz :me!u@h NICK :bob", ":me!u@h NICK :bob");
    assert.equal(m.replies.length, 0, "neither another label nor an unlabeled line answers a labeled request");
    await m.hear("@label=b1 :me!u@h NICK :bob");
    assert.equal(m.replies[0]?.kind, "ok");
    assert.deepEqual(commands(m.replies[0]), ["NICK"]);
    assert.equal(m.requests.size, 0);
    assert.equal(m.clock.liveTimers, 0, "its timer is cancelled");
  });

  it("a labeled error line is an error with the server's text", async () => {
    const m = matcher();
    m.ask(nickRequest("bob"), "b1");
    await m.hear("@label=b1 :srv 433 me bob :Nickname is already in use");
    assert.deepEqual(m.replies[0] && { ...m.replies[0], lines: undefined }, { kind: "error", numeric: "433", text: "Nickname is already in use", lines: undefined });
  });

  it("ACK is an answer without lines", async () => {
    const m = matcher();
    m.ask(rawRequest("AWAY", []), "b7");
    await m.hear("@label=b7 :srv ACK");
    assert.deepEqual(m.replies, [{ kind: "ok", lines: [] }]);
  });

  it("a labeled batch is the answer until it ends, nested batches included", async () => {
    const m = matcher();
    m.ask(whoisRequest("bob"), "b2");
    await m.hear(
      "@label=b2 :srv BATCH +w labeled-response",
      "@batch=w :srv 311 me bob ~b host * :Bob",
      "@batch=w :srv BATCH +n something",
      "@batch=n :srv 319 me bob :#a",
      "@batch=w :srv BATCH -n",
      ":srv 311 me carol ~c host * :Carol",
      "@batch=w :srv 318 me bob :End of /WHOIS list",
    );
    assert.equal(m.replies.length, 0, "not complete before the batch ends");
    await m.hear(":srv BATCH -w");
    assert.equal(m.replies[0]?.kind, "ok");
    assert.deepEqual(commands(m.replies[0]), ["311", "319", "318"], "the unlabeled 311 about carol is not part of it");
  });

  it("an error inside the batch makes the answer an error", async () => {
    const m = matcher();
    m.ask(whoisRequest("ghost"), "b3");
    await m.hear("@label=b3 :srv BATCH +x labeled-response", "@batch=x :srv 401 me ghost :No such nick", "@batch=x :srv 318 me ghost :End", ":srv BATCH -x");
    const reply = m.replies[0];
    assert.equal(reply?.kind, "error");
    assert.equal(reply.numeric, "401");
  });

  it("the rest of a batch that came after the timeout is dropped, not offered to other requests", async () => {
    const m = matcher();
    m.ask(rawRequest("LIST", []), "b4", 1000);
    await m.hear("@label=b4 :srv BATCH +l labeled-response", "@batch=l :srv 321 me Channel :Users Name");
    m.clock.advance(1000);
    await m.settle();
    assert.equal(m.replies[0]?.kind, "timeout");
    m.ask(rawRequest("MOTD", []));
    await m.hear("@batch=l :srv 322 me #a 3 :topic", "@batch=l :srv 323 me :End of /LIST", ":srv BATCH -l");
    assert.equal(m.replies.length, 1, "the late 323 did not end the MOTD request");
    await m.hear(":srv 376 me :End of /MOTD command.");
    assert.deepEqual(commands(m.replies[1]), ["376"]);
  });
});

describe("request/reply, unlabeled", () => {
  it("NICK: our echo to the new nick ends it; a refusal naming another nick is not ours", async () => {
    const m = matcher();
    m.ask(nickRequest("bob"));
    await m.hear(":srv 433 me carol :Nickname is already in use", ":other!u@h NICK :bob");
    assert.equal(m.replies.length, 0);
    await m.hear(":ME!u@h NICK :Bob");
    assert.equal(m.replies[0]?.kind, "ok", "names compare with the casemapping");
  });

  it("NICK: 433 for the nick asked for is the answer", async () => {
    const m = matcher();
    m.ask(nickRequest("bob"));
    await m.hear(":srv 433 me bob :Nickname is already in use");
    assert.equal(m.replies[0]?.kind === "error" ? m.replies[0].numeric : "", "433");
  });

  it("requests are answered in order, each by the lines about its own target", async () => {
    const m = matcher();
    m.ask(whoisRequest("bob"));
    m.ask(whoisRequest("carol"));
    await m.hear(":srv 311 me bob ~b h * :Bob", ":srv 318 me bob :End", ":srv 401 me carol :No such nick", ":srv 318 me carol :End");
    assert.equal(m.replies[0]?.kind, "ok");
    assert.deepEqual(commands(m.replies[0]), ["311", "318"]);
    assert.equal(m.replies[1]?.kind, "error", "401 comes before the 318 that ends the answer");
  });

  it("JOIN: the echo ends it; a refusal for the channel is an error; a forward is followed", async () => {
    const m = matcher();
    m.ask(joinRequest("#full", undefined));
    m.ask(joinRequest("#old", undefined));
    await m.hear(":srv 471 me #full :Cannot join channel (+l)", ":srv 470 me #old #new :Forwarding to another channel", ":me!u@h JOIN #new");
    assert.equal(m.replies[0]?.kind === "error" ? m.replies[0].numeric : "", "471");
    assert.equal(m.replies[1]?.kind, "ok");
    assert.deepEqual(commands(m.replies[1]), ["470", "JOIN"]);
  });

  it("a raw command collects numerics addressed to us until one that ends the query", async () => {
    const m = matcher();
    m.ask(rawRequest("WHO", ["#chan"]));
    await m.hear(":srv 352 me #chan ~b h srv bob H :0 Bob", ":srv NOTICE * :unrelated", ":srv 315 me #chan :End of /WHO list.");
    assert.deepEqual(commands(m.replies[0]), ["352", "315"]);
  });

  it("a raw command with no end marker is complete after the collect time", async () => {
    const m = matcher();
    m.ask(rawRequest("MODE", ["#chan"]));
    await m.hear(":srv 324 me #chan +nt", ":srv 329 me #chan 1700000000");
    m.clock.advance(1999);
    await m.settle();
    assert.equal(m.replies.length, 0);
    m.clock.advance(1);
    await m.settle();
    assert.deepEqual(commands(m.replies[0]), ["324", "329"]);
    assert.equal(m.replies[0]?.kind, "ok");
  });

  it("a service's notices to us are its answer; it is never labeled", async () => {
    const m = matcher();
    const request = serviceRequest("PRIVMSG", "NickServ", "INFO");
    assert.equal(request.expect.unlabeled, true);
    m.ask(request);
    await m.hear(":me!u@h PRIVMSG NickServ :INFO", ":NickServ!s@services NOTICE me :Information on me:", ":ChanServ!s@services NOTICE me :other");
    m.clock.advance(2000);
    await m.settle();
    assert.deepEqual(commands(m.replies[0]), ["NOTICE"]);
  });

  it("times out after the given time, keeping what came; an error that came makes it an error", async () => {
    const m = matcher();
    m.ask(whoisRequest("slow"));
    m.ask(whoisRequest("gone"), undefined, 5000);
    await m.hear(":srv 311 me slow ~s h * :Slow", ":srv 401 me gone :No such nick");
    m.clock.advance(5000);
    await m.settle();
    assert.equal(m.replies[0]?.kind, "error", "gone: the 401 is the answer though its 318 never came");
    m.clock.advance(5000);
    await m.settle();
    assert.deepEqual(m.replies[1] && { ...m.replies[1], lines: commands(m.replies[1]) }, { kind: "timeout", afterMs: 10000, lines: ["311"] });
    assert.equal(m.requests.size, 0);
    assert.equal(m.clock.liveTimers, 0);
  });

  it("a lost connection answers every request at once, saying whether its line had gone out", async () => {
    const m = matcher();
    m.ask(nickRequest("bob"), "b1");
    const unsent = m.requests.add(undefined, whoisRequest("x").expect, 10000);
    m.requests.failAll("the connection was lost (ping timeout)");
    await m.settle();
    assert.deepEqual(m.replies, [{ kind: "lost", reason: "the connection was lost (ping timeout)", sent: true }]);
    assert.deepEqual(await unsent.reply, { kind: "lost", reason: "the connection was lost (ping timeout)", sent: false });
    assert.equal(m.clock.liveTimers, 0, "no timer is left behind");
  });
});

describe("WHOIS answers", () => {
  it("reads user, host, realname, server, channels, idle, account, away, flags", () => {
    const lines = [
      ":srv 311 me Bob ~bob example.host * :Bob Smith",
      ":srv 312 me Bob irc.example :Example server",
      ":srv 319 me Bob :@#ops +#chat",
      ":srv 319 me Bob :#more",
      ":srv 317 me Bob 125 1700000000 :seconds idle, signon time",
      ":srv 330 me Bob bobacct :is logged in as",
      ":srv 301 me Bob :gone fishing",
      ":srv 313 me Bob :is an IRC operator",
      ":srv 671 me Bob :is using a secure connection",
      ":srv 318 me Bob :End of /WHOIS list.",
    ].map((raw) => parseIrcLine(raw));
    const info = parseWhois("bob", lines.filter((l) => l !== undefined));
    assert.deepEqual(info, {
      nick: "Bob",
      user: "~bob",
      host: "example.host",
      realname: "Bob Smith",
      server: "irc.example",
      serverInfo: "Example server",
      channels: ["@#ops", "+#chat", "#more"],
      idleSeconds: 125,
      signedOnAt: 1700000000000,
      account: "bobacct",
      away: "gone fishing",
      operator: true,
      secure: true,
    });
    assert.equal(describeSeconds(125), "2 min");
    assert.equal(describeSeconds(7260), "2 h 1 min");
  });
});
