import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionEvents, IrcConnection } from "../../src/irc/connection";
import type { ChannelModesEvent, ModeEvent } from "../../src/irc/events";
import { connected } from "../support/connectedClient";

/** The first event of that name from now on (later ones are ignored). */
function next<K extends "mode" | "channelModes" | "names">(connection: IrcConnection, event: K): Promise<Parameters<ConnectionEvents[K]>[0]> {
  return new Promise((resolve) => {
    let seen = false;
    const listener = ((e: Parameters<ConnectionEvents[K]>[0]) => {
      if (seen) return;
      seen = true;
      resolve(e);
    }) as ConnectionEvents[K];
    connection.on(event, listener);
  });
}

const short = (e: ModeEvent | ChannelModesEvent) => e.changes.map((c) => `${c.add ? "+" : "-"}${c.mode}${c.param === undefined ? "" : ` ${c.param}`}:${c.kind}`);

/** What irc-framework gives for MODE, RPL_CHANNELMODEIS, NAMES and our own host, as the bridge reads it. */
describe("IrcConnection: modes, names and our own host from a server", () => {
  it("parses MODE against the server's PREFIX and CHANMODES, not irc-framework's defaults", async () => {
    const { server, connection, done } = await connected(["multi-prefix"]);
    try {
      server.onLine = (line, send) => {
        if (line !== "JOIN #chan") return;
        send(":srv 005 alice PREFIX=(ov)@+ CHANMODES=beI,k,l,imnpst :are supported by this server");
        send(":alice!~alice@matrix.example.org JOIN #chan");
        send(":op!o@h MODE #chan +ov-b+h alice bob *!*@bad.example");
      };
      const mode = next(connection, "mode");
      connection.join("#chan");
      const e = await mode;
      assert.equal(e.by, "op");
      assert.equal(e.channel, "#chan");
      // h is not a prefix mode here (irc-framework's default PREFIX has it): a flag, no parameter.
      assert.deepEqual(short(e), ["+o alice:prefix", "+v bob:prefix", "-b *!*@bad.example:list", "+h:flag"]);
      assert.equal(connection.hostmask, "alice!~alice@matrix.example.org", "from the echo of our JOIN");
      assert.deepEqual(connection.modeSpec.prefix.map((p) => p.mode), ["o", "v"]);
    } finally {
      await done();
    }
  });

  it("answers MODE #chan with the channel's modes (key included); user modes are not channel modes", async () => {
    const { server, connection, done } = await connected([]);
    try {
      server.onLine = (line, send) => {
        if (line === "MODE #chan") {
          send(":srv MODE alice +i");
          send(":srv 324 alice #chan +kmnst sekrit");
          send(":srv 329 alice #chan 1700000000");
        }
      };
      const modes: ModeEvent[] = [];
      connection.on("mode", (e) => modes.push(e));
      const info = next(connection, "channelModes");
      void connection.send("MODE", ["#chan"]);
      const e = await info;
      assert.equal(e.channel, "#chan");
      assert.deepEqual(short(e), ["+k sekrit:always", "+m:flag", "+n:flag", "+s:flag", "+t:flag"]);
      assert.deepEqual(modes, [], "a user mode on our nick is not a channel MODE");
    } finally {
      await done();
    }
  });

  it("NAMES with multi-prefix: every prefix of a member", async () => {
    const { server, connection, done } = await connected(["multi-prefix"]);
    try {
      server.onLine = (line, send) => {
        if (line !== "JOIN #chan") return;
        send(":srv 005 alice PREFIX=(qaohv)~&@%+ :are supported by this server");
        send(":alice!alice@h JOIN #chan");
        send(":srv 353 alice = #chan :~@boss @+Bob alice %+helper");
        send(":srv 366 alice #chan :End of /NAMES list.");
      };
      const names = next(connection, "names");
      connection.join("#chan");
      const e = await names;
      assert.deepEqual(
        e.users.map((u) => `${u.nick}:${u.modes.join("")}`),
        ["boss:qo", "Bob:ov", "alice:", "helper:hv"],
      );
    } finally {
      await done();
    }
  });

  it("learns a cloaked host from 396, and joins with the key the bridge knows", async () => {
    const keys = new Map([["#locked", "k3y"]]);
    const accepted: string[] = [];
    const book = { get: (channel: string) => keys.get(channel), accepted: (channel: string, key: string) => accepted.push(`${channel} ${key}`), refused: () => undefined, parted: () => undefined };
    const { server, connection, done } = await connected([], { keys: book });
    try {
      const joined = new Promise<void>((resolve) => {
        server.onLine = (line, send) => {
          if (line === "JOIN #locked k3y") {
            send(":alice!alice@1.2.3.4 JOIN #locked");
            send(":srv 396 alice cloak/alice :is now your displayed host");
            send(":srv 366 alice #locked :End of /NAMES list.");
          }
        };
        void next(connection, "names").then(() => resolve());
      });
      connection.join("#locked");
      await joined;
      assert.equal(connection.hostmask, "alice!alice@cloak/alice");
      assert.deepEqual(connection.channelEntries, [{ name: "#locked", key: "k3y" }]);
      assert.deepEqual(accepted, ["#locked k3y"], "the echo of the keyed JOIN");
    } finally {
      await done();
    }
  });

  it("a key !join brings is reported as accepted once the server let us in (remember, after the JOIN's answer)", async () => {
    const accepted: string[] = [];
    const book = { get: () => undefined, accepted: (channel: string, key: string) => accepted.push(`${channel} ${key}`), refused: () => undefined, parted: () => undefined };
    const { connection, done } = await connected([], { keys: book });
    try {
      connection.remember("#Vault", "open sesame");
      connection.remember("#open", undefined);
      assert.deepEqual(accepted, ["#Vault open sesame"]);
    } finally {
      await done();
    }
  });
});
