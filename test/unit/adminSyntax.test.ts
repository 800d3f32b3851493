import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { paramsOf, planRawCommand, type RawPlan } from "../../src/admin/rawPolicy";
import { channelProblem, commandProblem, nickProblem, paramProblem, usernameProblem } from "../../src/irc/syntax";
import { fakeNetwork } from "../support/fakeNetwork";

describe("what users may type", () => {
  const nicks: [string, RegExp | undefined][] = [
    ["alice", undefined],
    ["Alice[m]", undefined],
    ["a_b-c^{|}`\\", undefined],
    ["", /empty/],
    ["al ice", /spaces/],
    ["alice\r\nQUIT", /line breaks/],
    ["ali\u0000ce", /line breaks/],
    ["1alice", /digit/],
    ["-alice", /digit or '-'/],
    ["alice!x", /only contain/],
    ["#alice", /only contain/],
    ["élodie", /only contain/],
    ["a".repeat(31), /at most 30/],
  ];
  for (const [nick, problem] of nicks) {
    it(`nick ${JSON.stringify(nick)}`, () => {
      const found = nickProblem(nick);
      if (problem === undefined) assert.equal(found, undefined);
      else assert.match(found ?? "(accepted)", problem);
    });
  }
  it("the server's NICKLEN is the limit when known", () => {
    assert.equal(nickProblem("a".repeat(40), 50), undefined);
    assert.match(nickProblem("abcdefghij", 9) ?? "", /at most 9/);
  });

  it("usernames: 1 to 10 of a-z 0-9", () => {
    assert.equal(usernameProblem("alice2"), undefined);
    assert.equal(usernameProblem("a".repeat(10)), undefined);
    assert.match(usernameProblem("") ?? "", /1 to 10/);
    assert.match(usernameProblem("a".repeat(11)) ?? "", /1 to 10/);
    assert.match(usernameProblem("Alice") ?? "", /lower-case/);
    assert.match(usernameProblem("al_ice") ?? "", /lower-case/);
  });

  it("channels", () => {
    assert.equal(channelProblem("#chat"), undefined);
    assert.equal(channelProblem("&local"), undefined);
    assert.match(channelProblem("chat") ?? "", /starts with #/);
    assert.match(channelProblem("#a b") ?? "", /no spaces/);
    assert.match(channelProblem("#a,#b") ?? "", /commas/);
    assert.match(channelProblem("#a\nJOIN #b") ?? "", /line breaks/);
    assert.match(channelProblem("#") ?? "", /2 to 200/);
  });

  it("command words and parameters", () => {
    assert.equal(commandProblem("mode"), undefined);
    assert.match(commandProblem("001") ?? "", /letters only/);
    assert.match(commandProblem("MODE\r") ?? "", /letters only/);
    assert.equal(paramProblem("#chan", false), undefined);
    assert.equal(paramProblem("with spaces", true), undefined);
    assert.equal(paramProblem("", true), undefined);
    assert.match(paramProblem("a b", false) ?? "", /only the last/);
    assert.match(paramProblem(":x", false) ?? "", /only the last/);
    assert.match(paramProblem("x\ry", true) ?? "", /CR, LF or NUL/);
  });

  it("a parameter holding CR, LF or NUL is refused, each on its own, the last parameter too", () => {
    for (const breaking of ["\r", "\n", "\u0000"]) {
      for (const last of [true, false]) assert.match(paramProblem(`x${breaking}QUIT`, last) ?? "(accepted)", /CR, LF or NUL/, `${JSON.stringify(breaking)}, last: ${last}`);
    }
  });
});

describe("!cmd allow-list", () => {
  const policy = fakeNetwork().rawCommands;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const user = { isAdmin: false, channels: ["#Chat"], same };
  const admin = { ...user, isAdmin: true };
  const plan = (line: string, who = user): RawPlan => planRawCommand(line.split(" ").filter((w) => w !== ""), policy, who);
  const sent = (line: string, who = user) => {
    const p = plan(line, who);
    assert.ok(p.ok, `refused: ${p.ok ? "" : p.reason}`);
    return { command: p.command, params: p.params, to: p.to };
  };
  const refused = (line: string, why: RegExp, who = user) => {
    const p = plan(line, who);
    assert.equal(p.ok, false, `${line} was allowed`);
    assert.match(p.reason, why);
  };

  it("allowed commands, case-insensitive, with ':' starting the last parameter", () => {
    assert.deepEqual(sent("mode #chat +o bob"), { command: "MODE", params: ["#chat", "+o", "bob"], to: undefined });
    assert.deepEqual(sent("TOPIC #chat :a new  topic"), { command: "TOPIC", params: ["#chat", "a new topic"], to: undefined });
    assert.deepEqual(sent("TOPIC #chat a new topic"), { command: "TOPIC", params: ["#chat", "a new topic"], to: undefined }, "text commands take the rest as text");
    assert.deepEqual(sent("AWAY"), { command: "AWAY", params: [], to: undefined });
    assert.deepEqual(sent("KICK #chat bob you know why"), { command: "KICK", params: ["#chat", "bob", "you know why"], to: undefined });
  });

  it("PRIVMSG and NOTICE go only to services or the user's channels, one target, no CTCP", () => {
    assert.deepEqual(sent("PRIVMSG nickserv IDENTIFY secret"), { command: "PRIVMSG", params: ["nickserv", "IDENTIFY secret"], to: "service" });
    assert.deepEqual(sent("NOTICE #chat hello all"), { command: "NOTICE", params: ["#chat", "hello all"], to: "channel" });
    refused("PRIVMSG bob hi", /only go to the network's services \(NickServ, ChanServ.*\) or to a channel you are in/);
    refused("PRIVMSG #elsewhere hi", /channel you are in/);
    refused("PRIVMSG NickServ,bob hi", /one target/);
    refused("PRIVMSG NickServ", /usage/);
    refused("PRIVMSG #chat \u0001VERSION\u0001", /CTCP/);
  });

  it("privileged commands only for bridge admins; unknown and managed commands for nobody", () => {
    refused("OPER root pass", /only for bridge administrators/);
    assert.equal(sent("OPER root pass", admin).command, "OPER");
    assert.equal(sent("kill bob :spam", admin).command, "KILL");
    refused("PROTOCTL NAMESX", /not allowed through the bridge\. Allowed: ADMIN, AWAY/, admin);
    refused("NICK bob", /manages NICK itself; use !nick/, admin);
    refused("join #x", /manages JOIN itself; use !join/, admin);
    refused("QUIT", /use !quit/, admin);
    refused("CAP REQ :x", /manages CAP itself/, admin);
  });

  it("refuses bad command words and parameters, sending nothing", () => {
    refused("001 x", /letters only/);
    refused("MO-DE #chat", /letters only/);
    refused("MODE #chat\r\nQUIT", /CR, LF or NUL/);
    // A second line that got past the admin parser (arguments split on spaces only): refused, not sent.
    const smuggled = ["AWAY", ":back", "soon\nPRIVMSG", "#Chat", ":hi"];
    assert.deepEqual(planRawCommand(smuggled, policy, user), { ok: false, reason: "Not sent: parameter 1: a parameter cannot contain CR, LF or NUL." });
    assert.equal(planRawCommand(["MODE", "#chat\n", "+i"], policy, user).ok, false, "an LF in a middle parameter");
    refused("MODE #a b c d e f g h i j k l m n o p", /at most 15 parameters, this has 16/);
    assert.equal(plan("").ok, false);
  });

  it("words after the fixed ones become the text of text commands only", () => {
    assert.deepEqual(paramsOf("PRIVMSG", ["x", "a", "b"]), ["x", "a b"]);
    assert.deepEqual(paramsOf("MODE", ["#c", "+b", "x"]), ["#c", "+b", "x"]);
    assert.deepEqual(paramsOf("MODE", ["#c", ":+b x"]), ["#c", "+b x"]);
  });
});
