import { test } from "node:test";
import assert from "node:assert/strict";
import { commandOf, lineMatters } from "../../src/irc/lineInterest";
import { parseIrcLine } from "../../src/irc/ircLine";
import { reconnectDelay, STABLE_MS } from "../../src/irc/reconnectDelay";

const lines = [
  ":alice!a@h JOIN #chan",
  "@msgid=x;time=2026-01-01T00:00:00.000Z :alice!a@h PRIVMSG #chan :hello there",
  "@label=b1 :server.test 311 me alice a h * :Alice",
  ":server.test 005 me CHANTYPES=# PREFIX=(ov)@+ :are supported",
  "PING :server.test",
  ":server.test CAP * LS :sts=port=6697 multi-prefix",
  "@a=b  :src   NOTICE  me :spaces",
  "cap * ls :x",
];

test("commandOf cuts the same command as the full parser, upper case", () => {
  for (const line of lines) assert.equal(commandOf(line), parseIrcLine(line)?.command, line);
});

test("a line nobody waits for is not parsed again; CAP and 005 always are", () => {
  const idle = { joins: false, requests: false };
  assert.equal(lineMatters(":alice!a@h JOIN #chan", idle), false);
  assert.equal(lineMatters("@msgid=x :alice!a@h PRIVMSG #chan :hi", idle), false);
  assert.equal(lineMatters(":server.test 473 me #chan :Cannot join", idle), false);
  assert.equal(lineMatters(":server.test CAP * NEW :sts=port=6697", idle), true);
  assert.equal(lineMatters(":server.test 005 me CASEMAPPING=ascii :are supported", idle), true);
});

test("while a JOIN waits, JOINs and numerics are read; while a request waits, everything", () => {
  const joining = { joins: true, requests: false };
  assert.equal(lineMatters(":me!a@h JOIN #chan", joining), true);
  assert.equal(lineMatters(":server.test 475 me #chan :Cannot join (+k)", joining), true);
  assert.equal(lineMatters(":alice!a@h PRIVMSG #chan :hi", joining), false);
  const asking = { joins: false, requests: true };
  assert.equal(lineMatters(":alice!a@h PRIVMSG me :hi", asking), true);
  assert.equal(lineMatters("@label=b1 :server.test BATCH +x labeled-response", asking), true);
});

test("reconnectDelay: no wait unless flapping; doubling up to the maximum; reset after a stable run", () => {
  const r = { minMs: 1000, maxMs: 5000 };
  assert.deepEqual(reconnectDelay({ attempts: 0, registeredAt: undefined, now: 0 }, r), { delayMs: 0, attempts: 0 });
  assert.deepEqual(reconnectDelay({ attempts: 0, registeredAt: 0, now: 10 }, r), { delayMs: 0, attempts: 1 });
  assert.deepEqual(reconnectDelay({ attempts: 1, registeredAt: 0, now: 10 }, r), { delayMs: 1000, attempts: 2 });
  assert.deepEqual(reconnectDelay({ attempts: 3, registeredAt: 0, now: 10 }, r), { delayMs: 4000, attempts: 4 });
  assert.deepEqual(reconnectDelay({ attempts: 9, registeredAt: 0, now: 10 }, r), { delayMs: 5000, attempts: 10 });
  assert.deepEqual(reconnectDelay({ attempts: 9, registeredAt: 0, now: STABLE_MS }, r), { delayMs: 0, attempts: 1 });
});
