import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nickRequest, whoisRequest } from "../../src/irc/replies";
import { connected } from "../support/connectedClient";

describe("IrcConnection.request against a server", () => {
  it("with labeled-response: tags the line and takes exactly the labeled answer", async () => {
    const { server, connection, done } = await connected(["batch", "echo-message", "labeled-response"]);
    try {
      assert.equal(connection.hasCap("labeled-response"), true);
      server.onLine = (line, send) => {
        const label = /^@label=(\S+) NICK bob$/.exec(line)?.[1];
        if (label === undefined) return;
        // Decoys first, each one that would answer this NICK request were it matched without its
        // label: an unlabeled "nick in use" for bob, and one carrying another request's label.
        send(":srv 433 alice bob :Nickname is already in use");
        send("@label=other :srv 433 alice bob :Nickname is already in use");
        send(`@label=${label} :alice!alice@host NICK :bob`);
      };
      const reply = await connection.request(nickRequest("bob"));
      assert.equal(reply.kind, "ok", JSON.stringify(reply));
      assert.deepEqual(reply.lines.map((l) => l.command), ["NICK"], "exactly the labeled line answered it");
      assert.ok(server.received.some((l) => /^@label=\S+ NICK bob$/.test(l)), `sent: ${server.received.join(" | ")}`);
      await new Promise((r) => setImmediate(r));
      assert.equal(connection.nick, "bob", "irc-framework saw the same line");
    } finally {
      await done();
    }
  });

  it("without it: an untagged line, answered by the numerics that name the nick", async () => {
    const { server, connection, done } = await connected(["batch"]);
    try {
      server.onLine = (line, send) => {
        if (line === "WHOIS carol") {
          send(":srv 401 alice carol :No such nick/channel");
          send(":srv 318 alice carol :End of /WHOIS list.");
        }
      };
      const reply = await connection.request(whoisRequest("carol"));
      assert.equal(reply.kind, "error");
      assert.equal(`${reply.numeric} ${reply.text}`, "401 No such nick/channel");
      assert.ok(server.received.includes("WHOIS carol"));
    } finally {
      await done();
    }
  });

  it("labeled-response without batch (InspIRCd without ircv3_batch, which drops the label of a several-line answer): untagged", async () => {
    const { server, connection, done } = await connected(["echo-message", "labeled-response"]);
    try {
      assert.equal(connection.hasCap("labeled-response"), true, "positive control: the server offers it");
      server.onLine = (line, send) => {
        if (line === "WHOIS carol") {
          send(":srv 401 alice carol :No such nick/channel");
          send(":srv 318 alice carol :End of /WHOIS list.");
        }
      };
      const reply = await connection.request(whoisRequest("carol"), { timeoutMs: 2000 });
      assert.equal(reply.kind, "error", `answered by its numerics, not waiting for a label: ${reply.kind}`);
      assert.ok(server.received.includes("WHOIS carol"), `sent: ${server.received.join(" | ")}`);
    } finally {
      await done();
    }
  });

  it("times out when the server says nothing, after the time asked for", async () => {
    const { connection, done } = await connected([]);
    try {
      const started = Date.now();
      const reply = await connection.request(whoisRequest("silent"), { timeoutMs: 150 });
      assert.equal(reply.kind, "timeout");
      assert.equal(reply.afterMs, 150);
      assert.ok(Date.now() - started >= 140);
    } finally {
      await done();
    }
  });

  it("fails at once when the connection is lost while waiting, and refuses when not connected", async () => {
    const { server, connection, done } = await connected([]);
    try {
      server.onLine = (line, _send, socket) => {
        if (line === "WHOIS doomed") socket.destroy();
      };
      const started = Date.now();
      const reply = await connection.request(whoisRequest("doomed"));
      assert.equal(reply.kind, "lost");
      assert.equal(reply.sent, true, "the line had been written");
      assert.ok(Date.now() - started < 5000, "well before the 10 s timeout");
      const refused = await connection.request(whoisRequest("later"));
      assert.equal(refused.kind, "lost");
      assert.equal(refused.sent, false);
    } finally {
      await done();
    }
  });
});
