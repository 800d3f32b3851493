import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import type { IrcConnection } from "../../src/irc/connection";
import type { MatrixEvent } from "../../src/matrix/events";
import { routeEphemeralEvents } from "../../src/fromMatrix/router";
import { channelScene } from "../support/channelScene";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { until } from "../support/until";

const ROOM = "!room:example.org";
const users = { alice: "@alice:example.org", bob: "@bob:example.org", carol: "@carol:example.org" };
type Name = keyof typeof users;

function typing(...names: Name[]): MatrixEvent {
  return { type: "m.typing", room_id: ROOM, content: { user_ids: names.map((n) => users[n]) } };
}

describe("typing from Matrix: a done goes to those said to be typing, found without a pass over every connection", () => {
  it("active for each listed user; done only for one who typed and is no longer listed, once; none after a lost socket", async () => {
    const server = new FakeIrcServer(["message-tags"]);
    const port = await server.listen();
    const scene = await channelScene({ ircPort: port, rooms: [{ roomId: ROOM, channel: "#chan", folded: "#chan", origin: "portal" }] });
    const connections = new Map<Name, IrcConnection>();
    /** Lines each user's connection wrote, "<name> <line>". */
    const lines: string[] = [];
    const nameOf = (socket: Socket) => [...connections].find(([, c]) => c.socketPair?.localPort === socket.remotePort)?.[0] ?? "?";
    server.onLine = (line, _send, socket) => lines.push(`${nameOf(socket)} ${line}`);
    /** Waits for a marker line from each connection: anything it wrote before has arrived. */
    let markers = 0;
    const written = async (...names: Name[]) => {
      const marker = `marker${++markers}`;
      for (const name of names) void connections.get(name)?.send("WHOIS", [marker]);
      await until(() => names.every((n) => lines.includes(`${n} WHOIS ${marker}`)), marker);
      const got = lines.filter((l) => l.includes("TAGMSG"));
      lines.length = 0;
      return got;
    };
    const edu = (event: MatrixEvent) => routeEphemeralEvents([event], scene.ctx);
    const all: Name[] = ["alice", "bob", "carol"];
    try {
      for (const name of all) {
        const ensured = scene.puppets.ensure(users[name]);
        assert.ok(ensured.ok);
        connections.set(name, ensured.connection);
        ensured.connection.join("#chan");
      }
      await until(() => [...connections.values()].every((c) => c.isRegistered && c.hasCap("message-tags")), "all registered");
      await written(...all);

      edu(typing("alice", "bob"));
      assert.deepEqual((await written(...all)).sort(), ["alice @+typing=active TAGMSG #chan", "bob @+typing=active TAGMSG #chan"]);

      edu(typing("alice"));
      assert.deepEqual(await written(...all), ["bob @+typing=done TAGMSG #chan"], "Bob stopped; Carol never typed");

      scene.clock.advance(4000);
      edu(typing("alice"));
      assert.deepEqual(await written(...all), ["alice @+typing=active TAGMSG #chan"], "repeated after 3 s; no second done for Bob");

      edu(typing());
      assert.deepEqual(await written(...all), ["alice @+typing=done TAGMSG #chan"]);
      edu(typing());
      assert.deepEqual(await written(...all), [], "nobody is typing: nothing more");
      assert.equal(scene.puppets.typists.size, 0, "nobody is kept as typing");

      // Bob types, then loses his socket (which forgets his typing): no done when he is back.
      edu(typing("bob"));
      assert.deepEqual(await written("bob"), ["bob @+typing=active TAGMSG #chan"]);
      const bob = connections.get("bob") ?? assert.fail("no bob");
      const before = bob.socketPair?.localPort;
      server.dropAll();
      await until(() => [...connections.values()].every((c) => c.isRegistered) && bob.socketPair?.localPort !== before, "all back");
      await written(...all);
      edu(typing());
      assert.deepEqual(await written(...all), [], "his connection was never said to type since");
      assert.equal(scene.puppets.typists.size, 0);
    } finally {
      void scene.puppets.closeAll("done");
      await server.close();
    }
  });
});
