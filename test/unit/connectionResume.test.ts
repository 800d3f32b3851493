import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIrcLine } from "../../src/irc/ircLine";
import { RegistrationRecord } from "../../src/pool/registrationRecord";
import { joinFilter, ResumeResponder, withSource, withTarget } from "../../src/pool/resume";

/** A record fed with a registration as a server sends it, then `later` lines. */
function recorded(later: readonly string[] = [], sasl: readonly string[] = []): RegistrationRecord {
  const record = new RegistrationRecord();
  const lines = [
    ":srv CAP * LS * :multi-prefix sasl",
    ":srv CAP * LS :server-time extended-join",
    ":srv CAP * ACK :multi-prefix sasl server-time",
    ...sasl,
    ":srv 001 alice :Welcome alice",
    ":srv 005 alice CASEMAPPING=rfc1459 NICKLEN=30 :are supported",
    ":srv 375 alice :- MOTD",
    ":srv 376 alice :End of MOTD",
    "@time=2026-01-01T00:00:00Z;msgid=abc :alice!al@host JOIN #one",
    ":alice!al@host JOIN #Two",
    ...later,
  ];
  for (const raw of lines) record.heard(raw, parseIrcLine(raw) ?? assert.fail(raw));
  return record;
}

describe("the registration record", () => {
  it("keeps the CAP LS lines, the caps acknowledged, the burst, and becomes complete at the end of the MOTD", () => {
    const r = recorded();
    assert.equal(r.capLs.length, 2);
    assert.deepEqual([...r.caps].sort(), ["multi-prefix", "sasl", "server-time"]);
    assert.deepEqual(r.welcome.map((l) => l.split(" ")[1]), ["001", "005", "375", "376"]);
    assert.ok(r.complete);
    assert.equal(r.server, "srv");
  });

  it("follows the nick and the channels (joins, parts, kicks of our own nick, in the server's casemapping)", () => {
    const r = recorded([":ALICE!al@host NICK :alice2", ":alice2!al@host PART #ONE :bye", ":op!o@h KICK #two Alice2 :out", ":bob!b@h JOIN #three"]);
    assert.equal(r.nick, "alice2");
    assert.deepEqual(r.channels, []);
    const s = recorded([":op!o@h KICK #two bob :not us"]);
    assert.deepEqual(s.channels, [":alice!al@host JOIN #one", ":alice!al@host JOIN #Two"], "JOIN lines kept without tags");
    assert.ok(s.isIn("#TWO"));
  });

  it("is not complete before the burst ends", () => {
    const record = new RegistrationRecord();
    for (const raw of [":srv CAP * LS :sasl", ":srv 001 alice :Welcome"]) record.heard(raw, parseIrcLine(raw) ?? assert.fail(raw));
    assert.equal(record.complete, false);
  });
});

describe("the resume responder", () => {
  it("answers CAP LS, CAP REQ, and at CAP END the burst with the current nick then one JOIN per channel", () => {
    const r = recorded([":alice!al@host NICK alice_"]);
    const resume = new ResumeResponder(r);
    assert.deepEqual(resume.clientLine("CAP LS 302").reply, r.capLs);
    for (const line of ["PASS secret", "NICK alice", "USER alice 0 * :Alice"]) assert.deepEqual(resume.clientLine(line), { reply: [], done: false });
    assert.deepEqual(resume.clientLine("CAP REQ :multi-prefix server-time").reply, [":srv CAP alice_ ACK :multi-prefix server-time"]);
    const end = resume.clientLine("CAP END");
    assert.ok(end.done);
    assert.deepEqual(end.reply, [
      ":srv 001 alice_ :Welcome alice",
      ":srv 005 alice_ CASEMAPPING=rfc1459 NICKLEN=30 :are supported",
      ":srv 375 alice_ :- MOTD",
      ":srv 376 alice_ :End of MOTD",
      "@ircbridge/resumed :alice_!al@host JOIN #one",
      "@ircbridge/resumed :alice_!al@host JOIN #Two",
    ]);
  });

  it("refuses (NAK) a request with a cap the real connection does not have: a request is all or nothing", () => {
    const resume = new ResumeResponder(recorded());
    assert.deepEqual(resume.clientLine("CAP REQ :multi-prefix draft/multiline").reply, [":srv CAP alice NAK :multi-prefix draft/multiline"]);
  });

  it("answers SASL with the results the server gave at the real registration", () => {
    const resume = new ResumeResponder(recorded([], [":srv 900 * alice!al@host alice :You are now logged in as alice", ":srv 903 * :SASL authentication successful"]));
    assert.deepEqual(resume.clientLine("AUTHENTICATE PLAIN").reply, ["AUTHENTICATE +"]);
    assert.deepEqual(resume.clientLine("AUTHENTICATE YWxpY2UAYWxpY2UAcHc=").reply, [":srv 900 alice alice!al@host alice :You are now logged in as alice", ":srv 903 alice :SASL authentication successful"]);
    const without = new ResumeResponder(recorded());
    without.clientLine("AUTHENTICATE PLAIN");
    assert.match(without.clientLine("AUTHENTICATE +").reply[0] ?? "", / 904 alice /);
  });

  it("waits for both USER and CAP END before the burst", () => {
    const resume = new ResumeResponder(recorded());
    assert.equal(resume.clientLine("CAP END").done, false);
    assert.equal(resume.clientLine("USER alice 0 * :Alice").done, true);
  });
});

describe("JOINs after a resume", () => {
  const r = recorded();
  it("drops a JOIN of a channel the connection is in, keeps the others (with their keys)", () => {
    assert.equal(joinFilter("JOIN #one", r), undefined);
    assert.equal(joinFilter("JOIN #TWO", r), undefined);
    assert.equal(joinFilter("JOIN #new", r), "JOIN #new");
    assert.equal(joinFilter("JOIN #one,#new,#locked k1,,key", r), "JOIN #locked,#new key");
    assert.equal(joinFilter("JOIN #new,#one", r), "JOIN #new");
    assert.equal(joinFilter("PRIVMSG #one :hi", r), "PRIVMSG #one :hi");
  });

  it("rewrites targets and sources", () => {
    assert.equal(withTarget("@time=x :srv 001 old :Welcome", "new"), "@time=x :srv 001 new :Welcome");
    assert.equal(withSource("@msgid=1 :old!u@h JOIN #a * :Real", "new"), ":new!u@h JOIN #a * :Real");
  });
});
