import { test } from "node:test";
import assert from "node:assert/strict";
import { channelCopy, heardElsewhere, watchersWaitFor, type SkipContext } from "../../src/irc/heardElsewhere";
import { lineMatters } from "../../src/irc/lineInterest";

const ctx = (known: boolean, waiting = { joins: false, requests: false }): SkipContext => ({
  known: () => known,
  isMe: (nick) => nick.toLowerCase() === "me",
  isChannel: (name) => name.startsWith("#"),
  waitingFor: (command) => watchersWaitFor(command, waiting),
});

test("a copy of a channel line the broker holds from another connection is skipped, unparsed", () => {
  const lines = [
    "@msgid=m1;time=2026-01-01T00:00:00.000Z :alice!a@h PRIVMSG #chan :hi",
    "@msgid=m1 :alice!a@h NOTICE #chan :hi",
    "@msgid=m1 :alice!a@h JOIN #chan",
    "@msgid=m1 :alice!a@h JOIN :#chan",
    "@account=alice;msgid=m1 :alice!a@h JOIN #chan alice :Alice A",
    "@msgid=m1 :alice!a@h PART #chan :bye",
    "@msgid=m1;+draft/react=x :alice!a@h TAGMSG #chan",
    "@msgid=m1 :alice!a@h privmsg #chan hi",
  ];
  for (const line of lines) assert.equal(heardElsewhere(line, ctx(true)), true, line);
});

test("what it cuts from a line is what irc-framework's parse would give", () => {
  assert.deepEqual(channelCopy("@time=x;msgid=abc :alice!a@h PRIVMSG #chan :hi there"), { command: "PRIVMSG", msgid: "abc", nick: "alice", channel: "#chan" });
  assert.deepEqual(channelCopy("@msgid=abc  :bob!b@h   JOIN   :#c"), { command: "JOIN", msgid: "abc", nick: "bob", channel: "#c" });
  assert.deepEqual(channelCopy("@msgid=abc :bob!b@h TAGMSG #c"), { command: "TAGMSG", msgid: "abc", nick: "bob", channel: "#c" });
  assert.deepEqual(channelCopy("@batchx=1;msgid=abc;time=t :bob!b@h Part #c :bye"), { command: "PART", msgid: "abc", nick: "bob", channel: "#c" }, "a tag that only starts with batch is not a batch");
  assert.deepEqual(channelCopy("@msgid=abc;batch :bob!b@h PART #c"), undefined, "a batch tag without a value is still a batch");
});

test("everything else is handed to irc-framework", () => {
  const cases: [string, SkipContext, string][] = [
    ["@msgid=m1 :alice!a@h PRIVMSG #chan :hi", ctx(false), "not heard by another connection"],
    [":alice!a@h PRIVMSG #chan :hi", ctx(true), "no tags"],
    ["@time=x :alice!a@h PRIVMSG #chan :hi", ctx(true), "no msgid"],
    ["@msgid= :alice!a@h PRIVMSG #chan :hi", ctx(true), "an empty msgid"],
    ["@msgid=a\\sb :alice!a@h PRIVMSG #chan :hi", ctx(true), "an escaped msgid"],
    ["@msgid=m1;batch=b1 :alice!a@h PRIVMSG #chan :hi", ctx(true), "in a batch"],
    ["@batch=b1;msgid=m1 :alice!a@h PRIVMSG #chan :hi", ctx(true), "in a batch (tag first)"],
    ["@+msgid=m1 :alice!a@h PRIVMSG #chan :hi", ctx(true), "a client-only tag of that name"],
    ["@msgidx=m1 :alice!a@h PRIVMSG #chan :hi", ctx(true), "a longer tag name that starts with msgid"],
    ["@msgid :alice!a@h PRIVMSG #chan :hi", ctx(true), "a msgid without a value"],
    ["@msgid=m1 :alice!a@h PRIVMSGS #chan :hi", ctx(true), "a longer command that starts with PRIVMSG"],
    ["@msgid=m1 :alice!a@h JOINED #chan", ctx(true), "a longer command that starts with JOIN"],
    ["@msgid=m1 :Me!a@h PRIVMSG #chan :hi", ctx(true), "our own echo"],
    ["@msgid=m1 :Me!a@h JOIN #chan", ctx(true), "our own JOIN"],
    ["@msgid=m1 :alice!a@h PRIVMSG me :hi", ctx(true), "to us"],
    ["@msgid=m1 :alice!a@h PRIVMSG @#chan :hi", ctx(true), "to the channel's ops"],
    ["@msgid=m1 :alice!a@h PRIVMSG #chan :\u0001VERSION\u0001", ctx(true), "a CTCP"],
    ["@msgid=m1 :alice!a@h PRIVMSG #chan \u0001ACTION waves\u0001", ctx(true), "a CTCP without a colon"],
    ["@msgid=m1 :alice!a@h PRIVMSG :#chan", ctx(true), "a message without text"],
    ["@msgid=m1 :alice!a@h KICK #chan bob :bye", ctx(true), "KICK"],
    ["@msgid=m1 :alice!a@h MODE #chan +o bob", ctx(true), "MODE"],
    ["@msgid=m1 :alice!a@h QUIT :bye", ctx(true), "QUIT"],
    ["@msgid=m1 :alice!a@h NICK bob", ctx(true), "NICK"],
    ["@msgid=m1 :irc.example.org NOTICE #chan :server notice", ctx(true), "from a server"],
    ["@msgid=m1 :alice@h PRIVMSG #chan :hi", ctx(true), "a source without a user part"],
    ["@msgid=m1 PRIVMSG #chan :hi", ctx(true), "no source"],
    ["@msgid=m1 :alice!a@h PRIVMSG", ctx(true), "no target"],
    ["@msgid=m1 :alice!a@h JOIN #chan", ctx(true, { joins: true, requests: false }), "a JOIN while one of ours waits"],
    ["@msgid=m1 :alice!a@h PRIVMSG #chan :hi", ctx(true, { joins: false, requests: true }), "anything while a request waits"],
  ];
  for (const [line, context, why] of cases) assert.equal(heardElsewhere(line, context), false, why);
});

test("a PRIVMSG to us while our JOIN waits is still skippable (only JOINs and numerics matter then)", () => {
  assert.equal(heardElsewhere("@msgid=m1 :alice!a@h PRIVMSG #chan :hi", ctx(true, { joins: true, requests: false })), true);
});

test("the watchers' rule for a copy's command is lineInterest's rule for its line", () => {
  for (const command of ["PRIVMSG", "NOTICE", "JOIN", "PART", "TAGMSG"]) {
    for (const joins of [false, true]) {
      for (const requests of [false, true]) {
        const line = `@msgid=m1 :alice!a@h ${command} #chan :x`;
        assert.equal(watchersWaitFor(command, { joins, requests }), lineMatters(line, { joins, requests }), `${command} joins=${joins} requests=${requests}`);
      }
    }
  }
});
