import assert from "node:assert/strict";
import { test } from "node:test";
import type { IrcConnection } from "../../src/irc/connection";
import { sharedIsupportTables } from "../../src/irc/sharedIsupport";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { registeredConnection } from "../support/connectedClient";

const ISUPPORT = ":srv 005 {nick} CASEMAPPING=ascii CHANTYPES=#& NICKLEN=31 PREFIX=(ov)@+ CHANMODES=beI,k,l,imnpst NETWORK=Shared :are supported by this server";

/** Resolves once the connection has read our 005 (the fake server sent one of its own at registration). */
const heardOurs = (connection: IrcConnection) =>
  new Promise<void>((resolve) => connection.on("isupport", () => connection.isupport("NETWORK") === "Shared" && resolve()));

test("connections that heard the same ISUPPORT share one table, and each reads every token from it", async () => {
  const server = new FakeIrcServer([]);
  const port = await server.listen();
  server.onLine = (line, send) => {
    const nick = /^VERSION (\S+)/.exec(line)?.[1];
    if (nick !== undefined) send(ISUPPORT.replace("{nick}", nick));
  };
  const connections: IrcConnection[] = [];
  try {
    const before = sharedIsupportTables();
    for (const nick of ["alice", "bob"]) {
      const connection = await registeredConnection(port, nick);
      connections.push(connection);
      const heard = heardOurs(connection);
      void connection.send("VERSION", [nick]);
      await heard;
    }
    for (const connection of connections) {
      assert.equal(connection.isupport("NICKLEN"), "31");
      assert.equal(connection.isupport("CHANTYPES"), "#&");
      assert.equal(connection.casemapping, "ascii");
      assert.equal(connection.isChannelName("&local"), true);
      assert.deepEqual(connection.modeSpec.prefix.map((p) => p.mode), ["o", "v"]);
    }
    // The fake server's 005 at registration made one table, ours a second: the same two for both.
    assert.equal(sharedIsupportTables() - before, 2, "two tables, shared by both connections");
  } finally {
    for (const connection of connections) connection.close("test over");
    await server.close();
  }
});
