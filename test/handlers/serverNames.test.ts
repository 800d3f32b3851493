import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { registeredConnection } from "../support/connectedClient";
import { until } from "../support/until";

test("a server's bare NETWORK token (no value) is taken as irc-framework takes it, and the connection stays up", async () => {
  const server = new FakeIrcServer([]);
  // The 005 line: CASEMAPPING=rfc1459 NETWORK NICKLEN=30.
  server.casemapping = "rfc1459 NETWORK";
  const port = await server.listen();
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on("uncaughtException", onUncaught);
  try {
    const connection = await registeredConnection(port, "alice");
    // The 005 was read whole (its last token too), and the connection is still there.
    await until(() => connection.isupport("NICKLEN") === "30", "the 005 line read");
    assert.equal(connection.isupport("NETWORK"), undefined, "irc-framework keeps true for a bare token: no text");
    assert.equal(connection.isRegistered, true);
    assert.deepEqual(uncaught, []);
    connection.close("test over");
  } finally {
    process.off("uncaughtException", onUncaught);
    await server.close();
  }
});
