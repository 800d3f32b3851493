/**
 * Netsplit story on two linked InspIRCd servers: the bridge is on insp1, an IRC user on insp2. When
 * the link drops, insp1 reports the user's QUIT; when it comes back, their JOIN. Within the debounce
 * window Matrix sees no membership churn; a user who really left meanwhile does leave afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, timeline, uniqueName, type TestUser } from "./support/matrixClient";

describe("a netsplit between two linked InspIRCd servers", () => {
  const bridge = new RunningBridge(bridges.insp, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    network.netsplitDebounceSeconds = 8;
  });
  const channel = `#${uniqueName("split")}`;
  let alice: TestUser;
  let roomId: string;
  let oper: TestIrcClient;
  let stays: TestIrcClient;
  let goes: TestIrcClient;

  before(async () => {
    await bridge.start();
    oper = await TestIrcClient.connect(testenv.inspircd.host, testenv.inspircd.port, uniqueName("op").slice(0, 12));
    oper.raw("OPER testoper testoper");
    await oper.waitFor(/ 381 /, 10000);
    await oper.join(channel);
    stays = await TestIrcClient.connect(testenv.inspircd2.host, testenv.inspircd2.port, uniqueName("stay").slice(0, 12));
    goes = await TestIrcClient.connect(testenv.inspircd2.host, testenv.inspircd2.port, uniqueName("goes").slice(0, 12));
    await stays.join(channel);
    await goes.join(channel);
    alice = await registerUser(uniqueName("alice"));
    roomId = await joinRoom(alice, bridge.alias(channel));
    for (const c of [stays, goes]) {
      await eventually(async () => (await timeline(alice, roomId)).some((e) => e.state_key === bridge.ghost(c.nick) && e.content.membership === "join"), 20000, `${c.nick}'s ghost`);
    }
  });

  after(async () => {
    await Promise.all([oper, stays, goes].map((c) => c.quit()));
    await bridge.dispose();
  });

  const memberships = async (nick: string) =>
    (await timeline(alice, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === bridge.ghost(nick)).map((e) => String(e.content.membership));

  it("no membership churn for users back within the window; a user who left meanwhile leaves after it", async () => {
    const from = oper.lines.length;
    oper.raw("SQUIT insp2.test :netsplit test");
    await oper.waitFor(new RegExp(`:${escape(stays.nick)}!\\S+ QUIT`, "i"), 20000, from);
    // While split, one of them really leaves IRC.
    await goes.quit("really gone");
    // insp2 links back by itself; the user still there comes back in a netjoin.
    await oper.waitFor(new RegExp(`:${escape(stays.nick)}!\\S+ JOIN`, "i"), 30000, from);
    // The window has passed once the user who really left has left the room (positive control)...
    await eventually(async () => (await memberships(goes.nick)).at(-1) === "leave", 30000, "the user who really left to leave");
    // ...and a line said after it reached the room: a leave of the user who came back would be before it.
    const marker = uniqueName("after-split");
    stays.say(channel, marker);
    await eventually(async () => (await timeline(alice, roomId)).some((e) => e.content.body === marker), 20000, "the marker after the window");
    assert.deepEqual(await memberships(stays.nick), ["join"], "the user back from the split never left the room");
  });
});
