import { test } from "node:test";
import assert from "node:assert/strict";
import { isServerChatter } from "../../src/irc/serverChatter";
import { lineSkipper, watchersWaitFor } from "../../src/irc/heardElsewhere";

test("MOTD text and LUSERS counts are chatter, with or without tags and source", () => {
  const lines = [
    ":irc.example.org 372 me :- welcome",
    ":irc.example.org 375 me :- irc.example.org Message of the day -",
    "@time=2026-01-01T00:00:00.000Z :irc.example.org 372 me :- line",
    ":irc.example.org 251 me :There are 3 users",
    ":irc.example.org 252 me 1 :operators",
    ":irc.example.org 253 me 0 :unknown",
    ":irc.example.org 254 me 2 :channels",
    ":irc.example.org 255 me :I have 3 clients",
    ":irc.example.org 265 me 3 5 :Current local users",
    ":irc.example.org 266 me 3 5 :Current global users",
    ":irc.example.org 250 me :Highest connection count",
    "372 me :- no source",
  ];
  for (const line of lines) assert.equal(isServerChatter(line), true, line);
});

test("everything else is not chatter", () => {
  const lines = [
    ":irc.example.org 376 me :End of /MOTD command.",
    ":irc.example.org 422 me :MOTD File is missing",
    ":irc.example.org 001 me :Welcome",
    ":irc.example.org 005 me CHANTYPES=# :are supported",
    ":irc.example.org 3720 me :four digits",
    ":irc.example.org 37 me :two digits",
    ":irc.example.org 37x me :not a number",
    ":alice!a@h PRIVMSG #chan :372 me",
    "@msgid=372 :alice!a@h PRIVMSG #chan :hi",
    ":irc.example.org",
    "",
  ];
  for (const line of lines) assert.equal(isServerChatter(line), false, line);
  assert.equal(isServerChatter(":irc.example.org 372"), true, "a bare numeric still names the line");
});

test("the transport skips chatter unless a request waits (a user's MOTD or LUSERS), with or without a broker", () => {
  const motd = ":irc.example.org 372 me :- hello";
  for (const known of [undefined, () => true]) {
    for (const requests of [false, true]) {
      for (const joins of [false, true]) {
        const skip = lineSkipper(known, { isMe: () => false, isChannel: (n) => n.startsWith("#"), waitingFor: (command) => watchersWaitFor(command, { joins, requests }), closed: () => false });
        assert.equal(skip(motd), !requests, `broker=${known !== undefined} requests=${requests} joins=${joins}`);
        assert.equal(skip(":irc.example.org 376 me :End of /MOTD command."), false);
      }
    }
  }
  const noBroker = lineSkipper(undefined, { isMe: () => false, isChannel: () => true, waitingFor: () => false, closed: () => false });
  assert.equal(noBroker("@msgid=m1 :alice!a@h PRIVMSG #chan :hi"), false, "without a broker no channel line is skipped");
});

test("once the connection is closed the transport skips every line, whatever waits; before, the same lines are read", () => {
  let closed = false;
  const lines = [":bob!b@h QUIT :Quit: bye", "ERROR :Closing link", ":srv 001 me :Welcome", "@msgid=m1 :alice!a@h PRIVMSG #chan :hi", "PING :srv"];
  for (const known of [undefined, () => false]) {
    const skip = lineSkipper(known, { isMe: () => false, isChannel: (n) => n.startsWith("#"), waitingFor: () => true, closed: () => closed });
    closed = false;
    for (const line of lines) assert.equal(skip(line), false, `read while open: ${line}`);
    closed = true;
    for (const line of lines) assert.equal(skip(line), true, `skipped once closed: ${line}`);
  }
});

test("the transport skips a NAMES reply the feed has from elsewhere unless a request waits; a JOIN of ours waiting does not stop it", () => {
  const reply = [":irc.example.org 353 me = #chan :a b", ":irc.example.org 366 me #chan :End of /NAMES list."];
  for (const requests of [false, true]) {
    for (const joins of [false, true]) {
      const skip = lineSkipper(undefined, { isMe: () => false, isChannel: (n) => n.startsWith("#"), waitingFor: (command) => watchersWaitFor(command, { joins, requests }), closed: () => false }, () => true);
      assert.deepEqual(reply.map(skip), [!requests, !requests], `requests=${requests} joins=${joins}`);
    }
  }
  const noFeed = lineSkipper(undefined, { isMe: () => false, isChannel: () => true, waitingFor: () => false, closed: () => false });
  assert.deepEqual(reply.map(noFeed), [false, false], "without the feed's question every reply is read");
});
