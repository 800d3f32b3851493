/**
 * A connection skips, before irc-framework reads them, NAMES replies the network feed already has from
 * the channel's reader (irc/namesReplies.ts), and reads every other reply whole. A real IrcConnection
 * (irc-framework underneath, the bridge's transport) with a scripted server.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NamesEvent } from "../../src/irc/events";
import { connected } from "../support/connectedClient";
import { until } from "../support/until";

describe("IrcConnection skips NAMES the feed has from elsewhere (a scripted server)", () => {
  it("a reply the feed has is never dispatched, one it lacks is, whole; a marker after both arrives", async () => {
    const asked: string[] = [];
    const { server, connection, done } = await connected(["message-tags"], {
      namesElsewhere: (channel) => {
        asked.push(channel);
        return channel === "#known";
      },
    });
    try {
      const lists: string[] = [];
      const texts: string[] = [];
      connection.on("names", (e: NamesEvent) => lists.push(`${e.channel}: ${e.users.map((u) => u.nick).join(" ")}`));
      connection.on("message", (e) => texts.push(e.text));
      server.onLine = (line, send) => {
        if (line !== "TOPIC #known") return;
        send(":irc.example.org 353 alice = #known :alice @bob");
        send(":irc.example.org 353 alice = #known :carol");
        send(":irc.example.org 366 alice #known :End of /NAMES list.");
        send(":irc.example.org 353 alice = #new :alice +dave");
        send(":irc.example.org 353 alice = #new :erin");
        send(":irc.example.org 366 alice #new :End of /NAMES list.");
        send(":bob!b@h PRIVMSG alice :marker");
      };
      assert.ok(connection.send("TOPIC", ["#known"]));
      // Positive control: the marker, sent last, has arrived; only then is the absence of #known's list asserted.
      await until(() => texts.includes("marker"), "the marker line arrives");
      assert.deepEqual(lists, ["#new: alice dave erin"]);
      assert.deepEqual(asked, ["#known", "#new"], "asked once per reply");
    } finally {
      await done();
    }
  });

  it("without the feed's question every reply is dispatched", async () => {
    const { server, connection, done } = await connected(["message-tags"]);
    try {
      const lists: string[] = [];
      connection.on("names", (e: NamesEvent) => lists.push(`${e.channel}: ${e.users.map((u) => u.nick).join(" ")}`));
      server.onLine = (line, send) => {
        if (line !== "TOPIC #known") return;
        send(":irc.example.org 353 alice = #known :alice @bob");
        send(":irc.example.org 366 alice #known :End of /NAMES list.");
      };
      assert.ok(connection.send("TOPIC", ["#known"]));
      await until(() => lists.length === 1, "the list arrives");
      assert.deepEqual(lists, ["#known: alice bob"]);
    } finally {
      await done();
    }
  });
});
