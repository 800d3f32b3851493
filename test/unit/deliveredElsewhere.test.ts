import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type IrcMessage } from "irc-framework";
import { deliveredElsewhere, skipDeliveredLines, type SkipContext } from "../../src/irc/deliveredElsewhere";
import { shareCommandHandlers } from "../../src/irc/sharedHandlers";

const msg = (command: string, params: string[], tags: Record<string, string> = { msgid: "m1" }, nick = "alice"): IrcMessage => ({ command, params, tags, nick });
const ctx = (delivered: boolean): SkipContext => ({ delivered: () => delivered, isMe: (nick) => nick.toLowerCase() === "me", isChannel: (name) => name.startsWith("#") });

test("a channel line the broker delivered from another connection is skipped", () => {
  for (const command of ["PRIVMSG", "NOTICE", "JOIN", "PART", "TAGMSG"]) assert.equal(deliveredElsewhere(msg(command, ["#chan", "hi"]), ctx(true)), true, command);
});

test("everything else is dispatched", () => {
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["#chan", "hi"]), ctx(false)), false, "not delivered yet");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["#chan", "hi"], {}), ctx(true)), false, "no msgid");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["#chan", "hi"], { msgid: "m1", batch: "b1" }), ctx(true)), false, "in a batch");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["#chan", "hi"], { msgid: "m1" }, "Me"), ctx(true)), false, "our own echo");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["me", "hi"]), ctx(true)), false, "to us");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["@#chan", "hi"]), ctx(true)), false, "to the channel's ops");
  assert.equal(deliveredElsewhere(msg("PRIVMSG", ["#chan", "\u0001VERSION\u0001"]), ctx(true)), false, "a CTCP");
  assert.equal(deliveredElsewhere(msg("KICK", ["#chan", "bob", "bye"]), ctx(true)), false, "KICK");
  assert.equal(deliveredElsewhere(msg("MODE", ["#chan", "+o", "bob"]), ctx(true)), false, "MODE");
  assert.equal(deliveredElsewhere(msg("QUIT", ["bye"]), ctx(true)), false, "QUIT");
  assert.equal(deliveredElsewhere(msg("JOIN", ["#chan"], { msgid: "m1" }, ""), ctx(true)), false, "from a server");
});

test("a client skips a delivered line before irc-framework dispatches it, and dispatches the rest", () => {
  const client = new Client({ ping_interval: 0, ping_timeout: 0, nick: "me" });
  shareCommandHandlers(client);
  const delivered = new Set(["m1"]);
  skipDeliveredLines(client, { delivered: (_channel, msgid) => delivered.has(msgid), isMe: (nick) => nick === "me", isChannel: (n) => n.startsWith("#") });
  const heard: string[] = [];
  client.on("privmsg", (e: { message: string }) => heard.push(e.message));
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer("@msgid=m1 :alice!a@h PRIVMSG #chan :already delivered");
  connection.addReadBuffer("@msgid=m2 :alice!a@h PRIVMSG #chan :new");
  connection.addReadBuffer("@msgid=m1 :me!a@h PRIVMSG #chan :our echo");
  assert.deepEqual(heard, ["new", "our echo"]);
});
