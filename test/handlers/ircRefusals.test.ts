import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IrcRefusal, refusalOfError, refusalOfNumeric } from "../../src/irc/refusal";
import { AnsweringIrcServer } from "../support/answeringIrcServer";

const isChannel = (name: string) => name.startsWith("#");

describe("IRC refusals of a message", () => {
  const numerics: [string, readonly string[], string | undefined][] = [
    ["477", ["me", "bob", "You must be registered to send a direct message to this user"], "registered_only"],
    ["486", ["me", "bob", "You must identify to a registered nick to private message that person"], "registered_only"],
    ["716", ["me", "bob", "is in +g mode (server-side ignore.)"], "caller_id"],
    ["477", ["me", "#chan", "Cannot join channel (+r)"], undefined],
    ["717", ["me", "bob", "has been informed that you messaged them."], undefined],
    ["999", ["me", "bob", "whatever"], undefined],
    ["486", ["me"], undefined],
  ];
  for (const [command, params, kind] of numerics) {
    it(`numeric ${command} ${params[1] ?? "(no target)"}: ${kind ?? "not a refusal"}`, () => {
      const refusal = refusalOfNumeric(command, params, isChannel);
      assert.equal(refusal?.kind, kind);
      if (refusal !== undefined) assert.deepEqual([refusal.target, refusal.message], [params[1], params[2]]);
    });
  }

  it("irc-framework's named errors", () => {
    assert.equal(refusalOfError("no_such_nick", "bob", "No such nick")?.kind, "no_such_nick");
    assert.equal(refusalOfError("cannot_send_to_user", "bob", "You are silenced")?.kind, "cannot_send");
    assert.equal(refusalOfError("cannot_send_to_channel", "#chan", "Cannot send to channel")?.kind, "cannot_send");
    assert.equal(refusalOfError("banned_from_network", undefined, "K-lined"), undefined);
    assert.equal(refusalOfError("no_such_nick", undefined, "No such nick"), undefined);
  });
});

describe("a private message the server refuses rejects the sender's say() with the refusal", () => {
  const replies: Readonly<Record<string, (line: string) => readonly string[]>> = {
    online: () => ["echo"],
    offline: () => [":srv 401 me offline :No such nick/channel"],
    regonly: () => [":srv 477 me regonly :You must be registered to send a direct message to this user"],
    nononreg: () => [":srv 486 me nononreg :You must identify to a registered nick to private message that person"],
    callerid: () => [":srv 716 me callerid :is in +g mode (server-side ignore.)", ":srv 717 me callerid :has been informed that you messaged them."],
    silenced: () => [":srv 531 me silenced :You are not permitted to send private messages to this user"],
  };

  it("each numeric answers the message it refused, and an echo confirms the next", async () => {
    const server = await AnsweringIrcServer.start("echo-message account-tag", (_command, target) => replies[target]?.("") ?? []);
    const connection = await server.connect();
    try {
      const outcome = async (target: string): Promise<string> => {
        const sent = connection.say("privmsg", target, "hello");
        assert.ok(sent !== false);
        try {
          await sent;
          return "sent";
        } catch (err) {
          assert.ok(err instanceof IrcRefusal, `not a refusal: ${String(err)}`);
          return `${err.kind} ${err.target}: ${err.message}`;
        }
      };
      assert.equal(await outcome("online"), "sent");
      assert.equal(await outcome("offline"), "no_such_nick offline: No such nick/channel");
      assert.equal(await outcome("regonly"), "registered_only regonly: You must be registered to send a direct message to this user");
      assert.equal(await outcome("nononreg"), "registered_only nononreg: You must identify to a registered nick to private message that person");
      assert.equal(await outcome("callerid"), "caller_id callerid: is in +g mode (server-side ignore.)");
      assert.equal(await outcome("silenced"), "cannot_send silenced: You are not permitted to send private messages to this user");
      assert.equal(await outcome("online"), "sent", "the 717 that followed the 716 answered nothing");
    } finally {
      connection.close("test over");
      await server.close();
    }
  });
});
