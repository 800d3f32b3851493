/**
 * A real IrcConnection's reads put off (irc/readPauses.ts): paused after a read of copies only,
 * never while a line it wrote waits for its echo.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ReadPauses } from "../../src/irc/readPauses";
import { connected } from "../support/connectedClient";
import { FakeClock } from "../support/fakeClock";
import { until } from "../support/until";

test("a connection is paused after a read of copies only, but not while a line it wrote waits for its echo", async (t) => {
  const clock = new FakeClock();
  const pauses = new ReadPauses(500, clock);
  let asked = 0;
  // Every channel line with a msgid is one the broker already has from another connection.
  const { server, connection, done } = await connected(["echo-message", "message-tags"], {
    readPauses: pauses,
    heardElsewhere: () => {
      asked++;
      return true;
    },
  });
  t.after(done);
  let send: ((line: string) => void) | undefined;
  server.onLine = (_line, s) => (send = s);
  void connection.send("MODE", ["alice"]);
  await until(() => send !== undefined, "the server can write to the connection");
  const copy = (k: number) => send?.(`@msgid=c${k} :bob!b@h PRIVMSG #chan :copy ${k}`);

  // Positive control: a read of one copy pauses.
  copy(1);
  await until(() => pauses.size === 1, "paused after a copy");
  clock.advance(500);
  assert.equal(pauses.size, 0);

  // A message of ours waits for its echo: copies are still skipped, but the socket is not paused.
  const said = connection.say("privmsg", "#chan", "hello");
  assert.notEqual(said, false);
  await until(() => server.received.some((l) => / PRIVMSG #chan :?hello$/.test(l) || /^PRIVMSG #chan :?hello$/.test(l)), "our message written");
  const before = asked;
  copy(2);
  await until(() => asked > before, "the copy read and skipped");
  assert.equal(pauses.size, 0, "not paused while the echo is awaited");

  // The echo comes (read at once: nothing paused); the next copy pauses again.
  send?.("@msgid=m1 :alice!alice@h PRIVMSG #chan :hello");
  assert.equal(await said, "m1");
  copy(3);
  await until(() => pauses.size === 1, "paused again once nothing is awaited");
});
