/**
 * Stories that need their own bridge runs: a static mapping from the config bridges an existing
 * room; the bridge stopped for 5 s while IRC keeps talking loses nothing on Ergo (chathistory) and
 * says when it was away on InspIRCd (no history there); the same on Ergo with the PostgreSQL store.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { postgresDatabase, rowsIn } from "./support/postgresDatabase";
import { RunningBridge } from "./support/localBridge";
import { PortalScene } from "./support/portalScene";
import { csApi, eventually, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

describe("a static mapping bridges an existing room (Ergo)", () => {
  const channel = `#${uniqueName("mapped")}`;
  let owner: TestUser;
  let roomId: string;
  let bridge: RunningBridge;
  let ircUser: TestIrcClient;

  before(async () => {
    owner = await registerUser(uniqueName("owner"));
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "our project room" });
    roomId = created.body.room_id;
    bridge = new RunningBridge(bridges.sample, (doc) => {
      const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
      network.mappings = { [channel]: { roomIds: [roomId] } };
    });
    const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, owner.token, { user_id: `@${bridge.registration.sender_localpart}:localhost` });
    assert.equal(invite.status, 200);
    ircUser = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("ian").slice(0, 12));
    await ircUser.join(channel);
    await bridge.start();
  });

  after(async () => {
    await ircUser.quit();
    await bridge.dispose();
  });

  it("the bot joins the mapped room, and messages flow both ways", async () => {
    const bot = `@${bridge.registration.sender_localpart}:localhost`;
    await eventually(async () => (await timeline(owner, roomId)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot to join");
    await sendText(owner, roomId, "hello mapped channel");
    const nick = puppetNick(owner);
    const line = await ircUser.waitFor(/PRIVMSG \S+ :hello mapped channel$/, 20000);
    assert.match(line, new RegExp(`^(?:@\\S+ )?:${escape(nick)}!`, "i"));
    ircUser.say(channel, "hello mapped room");
    await eventually(async () => (await timeline(owner, roomId)).some((e) => e.sender === bridge.ghost(ircUser.nick) && e.content.body === "hello mapped room"), 20000, "the IRC message in the mapped room");
  });
});

for (const [spec, postgres] of [[bridges.sample, false], [bridges.sample, true], [bridges.insp, false]] as const) {
  describe(`the bridge stopped for 5 s on ${spec.ircd}${postgres ? ", with the PostgreSQL store" : ""}`, () => {
    const database = postgres ? postgresDatabase("ircbridge_restart") : undefined;
    const bridge = new RunningBridge(spec, (doc) => {
      if (database !== undefined) doc.datastore = { ...(doc.datastore as Record<string, unknown>), engine: "postgres", connectionString: database.url };
    });
    const scene = new PortalScene(bridge, `#${uniqueName("restart")}`);
    const { channel } = scene;
    before(async () => {
      await database?.create();
      await scene.setUp();
    });
    after(async () => {
      await scene.tearDown();
      await database?.drop();
    });

    it(spec.ircd === "ergo" ? "every message said meanwhile arrives once, in order, with its time" : "the room is told when the bridge was away", async () => {
      for (let k = 0; k < 5; k++) scene.talker.say(channel, `before-${k}`);
      await eventually(async () => (await scene.bodies("before-")).length === 5, 20000, "the first messages");
      await bridge.stop();
      const sentAt: number[] = [];
      for (let k = 0; k < 10; k++) {
        sentAt.push(Date.now());
        scene.talker.say(channel, `during-${k}`);
        if (k === 4) await sendText(scene.alice, scene.roomId, "sent from Matrix while the bridge was down");
        await new Promise((r) => setTimeout(r, 500));
      }
      const from = scene.talker.lines.length;
      await bridge.start();
      // The user's connection comes back by itself and rejoins; then the channel goes on talking.
      await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(scene.nick)}!\\S+ JOIN`, "i"), 20000, from);
      for (let k = 0; k < 3; k++) scene.talker.say(channel, `after-${k}`);
      // The homeserver retries the transaction it could not deliver; the message reaches IRC.
      await scene.talker.waitFor(/PRIVMSG \S+ :sent from Matrix while the bridge was down$/, 60000, from);
      if (spec.ircd === "ergo") {
        const all = await eventually(async () => {
          const got = await scene.bodies("");
          return got.filter((b) => /^(before|during|after)-\d$/.test(b)).length >= 18 ? got : undefined;
        }, 30000, "the messages after the restart");
        const sequence = all.filter((b) => /^(before|during|after)-\d$/.test(b));
        assert.deepEqual(sequence, [
          ...Array.from({ length: 5 }, (_, k) => `before-${k}`),
          ...Array.from({ length: 10 }, (_, k) => `during-${k}`),
          ...Array.from({ length: 3 }, (_, k) => `after-${k}`),
        ]);
        const during = (await timeline(scene.alice, scene.roomId)).filter((e) => String(e.content.body).startsWith("during-"));
        during.forEach((e, k) => assert.ok(Math.abs(e.origin_server_ts - (sentAt[k] ?? 0)) < 2000, `during-${k} keeps its original time`));
      } else {
        const notice = await eventually(
          async () => (await timeline(scene.alice, scene.roomId)).find((e) => e.content.msgtype === "m.notice" && /The bridge was away from/.test(String(e.content.body))),
          30000,
          "the away notice",
        );
        assert.match(String(notice.content.body), /keeps no history/);
        await eventually(async () => (await scene.bodies("after-")).length === 3, 20000, "live messages after the restart");
      }
      if (database !== undefined) {
        assert.ok((await rowsIn(database.url, "ircbridge_puppets")) >= 1, "the user's connection is recorded in PostgreSQL");
        assert.ok((await rowsIn(database.url, "ircbridge_rooms")) >= 1, "the portal room is recorded in PostgreSQL");
      }
    });
  });
}
