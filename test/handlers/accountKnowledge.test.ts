import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkFeed } from "../../src/broker/networkFeed";
import type { MessageEvent } from "../../src/irc/events";
import { FakeClock } from "../support/fakeClock";
import { AnsweringIrcServer } from "../support/answeringIrcServer";
import { fakeNetwork } from "../support/fakeNetwork";

/** The feed's account knowledge, from what a (fake) server says to a real connection. */
async function scene(caps: string) {
  const server = await AnsweringIrcServer.start(caps, () => []);
  const privates: MessageEvent[] = [];
  const feed = new NetworkFeed(
    fakeNetwork(),
    {
      deliver: () => undefined,
      names: () => undefined,
      privateMessage: (_connection, e) => privates.push(e),
      selfJoined: () => undefined,
    channelModes: () => undefined,
    channelEmpty: () => undefined,
      handover: () => undefined,
      duplicate: () => undefined,
    },
    new FakeClock(),
    { windowMs: 1000, graceMs: 100 },
  );
  const connection = await server.connect();
  feed.attach(connection, true);
  return { server, feed, connection, privates };
}

describe("what the server says about accounts", () => {
  it("extended-join and account-notify: an account, none (null), moved by NICK, gone with QUIT", async () => {
    const { server, feed, connection, privates } = await scene("extended-join account-notify account-tag");
    try {
      await server.push(
        ":me!me@h JOIN #chan * :me",
        ":bob!b@h JOIN #chan bobacct :Bob",
        ":carol!c@h JOIN #chan * :Carol",
        ":dave!d@h JOIN #chan * :Dave",
        ":carol!c@h ACCOUNT carolacct",
        ":bob!b@h NICK Bobby",
        ":dave!d@h QUIT :bye",
      );
      assert.equal(feed.accountOf("bobby"), "bobacct");
      assert.equal(feed.accountOf("bob"), undefined);
      assert.equal(feed.accountOf("Carol"), "carolacct");
      assert.equal(feed.accountOf("dave"), undefined, "forgotten with its QUIT");
      await server.push(":carol!c@h ACCOUNT *");
      assert.equal(feed.accountOf("carol"), null, "logged out");
      assert.equal(feed.accountOf("erin"), undefined, "never heard of");
      await server.push("@account=bobacct :Bobby!b@h PRIVMSG me :hi", ":erin!e@h PRIVMSG me :hello");
      assert.deepEqual(
        privates.map((e) => [e.from, e.text, e.account]),
        [
          ["Bobby", "hi", "bobacct"],
          ["erin", "hello", undefined],
        ],
        "the account-tag of a private message reaches the handler",
      );
    } finally {
      connection.close("test over");
      await server.close();
    }
  });

  it("without extended-join a JOIN says nothing about the joiner's account", async () => {
    const { server, feed, connection } = await scene("account-tag");
    try {
      await server.push(":me!me@h JOIN #chan", ":bob!b@h JOIN #chan");
      assert.equal(feed.accountOf("bob"), undefined);
    } finally {
      connection.close("test over");
      await server.close();
    }
  });
});
