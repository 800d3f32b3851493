/**
 * What a connection reads of its server at registration: CHANTYPES and CASEMAPPING from 005 (kept
 * as values, serverSupport.ts), and the MOTD and LUSERS lines it drops unread unless a request asks
 * for them (serverChatter.ts). A real IrcConnection (irc-framework underneath) with a scripted server.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rawRequest } from "../../src/irc/replies";
import { isupportText } from "../../src/irc/serverSupport";
import { connected } from "../support/connectedClient";
import { until } from "../support/until";

describe("a connection's server support (a scripted server)", () => {
  it("reads CHANTYPES and CASEMAPPING from each 005, before the isupport event's listeners run", async () => {
    const { server, connection, done } = await connected([]);
    try {
      assert.equal(connection.isChannelName("&local"), true, "RFC 2812's # and & until the server says otherwise");
      assert.equal(connection.casemapping, "rfc1459");
      const seen: string[] = [];
      // The registration's own 005 may come before or after this listener: the one asked for is told apart by NETWORK.
      connection.on("isupport", () => seen.push(`${connection.isupport("NETWORK") ?? "-"} ${connection.casemapping} ${connection.isChannelName("&local")}`));
      server.onLine = (line, send) => {
        if (line === "VERSION") send(":srv 005 alice NETWORK=Asked CHANTYPES=# CASEMAPPING=ascii :are supported by this server");
      };
      assert.ok(connection.send("VERSION", []));
      await until(() => seen.some((s) => s.startsWith("Asked ")), "the 005 arrives");
      assert.deepEqual(seen.filter((s) => s.startsWith("Asked ")), ["Asked ascii false"]);
      assert.equal(connection.isChannelName("#chan"), true);
      assert.equal(connection.isChannelName("&local"), false, "the server's CHANTYPES has no &");
      assert.equal(connection.isChannelName(""), false);
      assert.equal(connection.isupport("CHANTYPES"), "#", "irc-framework's list of characters, as the server wrote it");
    } finally {
      await done();
    }
  });

  it("MOTD lines reach a request that waits for them, in order", async () => {
    const { server, connection, done } = await connected([]);
    try {
      server.onLine = (line, send) => {
        if (line === "TOPIC #sync") send(":bob!b@h PRIVMSG alice :synced");
        if (line !== "MOTD") return;
        send(":srv 375 alice :- srv Message of the day -");
        send(":srv 372 alice :- first");
        send(":srv 372 alice :- second");
        send(":srv 376 alice :End of /MOTD command.");
      };
      // Lines come in order: once this answer is in, the registration's own 005 and 376 were read (they would end the request).
      const synced = new Promise<void>((resolve) => connection.on("message", (e) => e.text === "synced" && resolve()));
      assert.ok(connection.send("TOPIC", ["#sync"]));
      await synced;
      const reply = await connection.request(rawRequest("MOTD", []));
      assert.equal(reply.kind, "ok");
      assert.deepEqual(reply.lines.map((l) => `${l.command} ${l.params[1] ?? ""}`), ["375 - srv Message of the day -", "372 - first", "372 - second", "376 End of /MOTD command."]);
    } finally {
      await done();
    }
  });

  it("isupportText gives tokens as the server wrote them", () => {
    assert.equal(isupportText("CHANTYPES", ["#", "&"]), "#&");
    assert.equal(isupportText("statusmsg", ["@", "+"]), "@+");
    assert.equal(isupportText("NICKLEN", 30), "30");
    assert.equal(isupportText("CASEMAPPING", "ascii"), "ascii");
    assert.equal(isupportText("CHANMODES", ["b", "k", "l", "n"]), undefined, "a list of words is not joined back");
    assert.equal(isupportText("PREFIX", [{ symbol: "@", mode: "o" }]), undefined);
    assert.equal(isupportText("WHOX", true), undefined);
  });
});
