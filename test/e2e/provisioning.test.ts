/**
 * Linking a Matrix room to an IRC channel through the provisioning API, with the channel operator's
 * consent (real Synapse and Ergo, the sample bridge). Prints the time from the request to the
 * operator's PM, and from "yes" to the first bridged message ("provisioning timing" lines).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROVISIONING_SECRET } from "../../scripts/lib/localConfig";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser } from "./support/matrixClient";

const spec = bridges.sample;
const TIMEOUT_S = 10;

async function provision(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${spec.port}/_matrix/provision${path}`, {
    method,
    headers: { Authorization: `Bearer ${PROVISIONING_SECRET}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A room `owner` creates (PL 100), with the bridge bot invited at PL 100 and `members` joined at 0. */
async function communityRoom(owner: TestUser, bot: string, members: TestUser[] = []): Promise<string> {
  const res = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, {
    preset: "private_chat",
    invite: [bot, ...members.map((m) => m.userId)],
    power_level_content_override: { users: { [owner.userId]: 100, [bot]: 100 } },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  for (const m of members) assert.equal((await csApi("POST", `/_matrix/client/v3/join/${encodeURIComponent(res.body.room_id)}`, m.token, {})).status, 200);
  return res.body.room_id;
}

describe("provisioning: a room linked with the channel operator's consent", () => {
  const bridge = new RunningBridge(spec, (doc) => {
    (doc.provisioning as Record<string, unknown>).requestTimeoutSeconds = TIMEOUT_S;
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const server = testenv.ergo.host;
  let op: TestIrcClient;
  let admin: TestUser;
  let member: TestUser;
  /** The room and channel the first story links (the unlink story ends that link). */
  let linkedRoom = "";
  let linkedChannel = "";
  const question = (roomId: string) => new RegExp(`:${escape(bridge.botNick)}!\\S+ PRIVMSG \\S+ :.*has requested to bridge .*${escape(roomId)}`, "i");

  before(async () => {
    await bridge.start();
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("pop").slice(0, 12));
    await op.waitOnline(bridge.botNick);
    admin = await registerUser(uniqueName("padmin"));
    member = await registerUser(uniqueName("pmember"));
  });
  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("a room admin links a room; the operator answers yes by PM; messages flow both ways; /listlinks shows it", async () => {
    const channel = `#${uniqueName("plink")}`;
    await op.join(channel); // the first in the channel: its operator
    const roomId = await communityRoom(admin, bot);
    linkedRoom = roomId;
    linkedChannel = channel;
    const queried = await provision("POST", "/querylink", { remote_room_server: server, remote_room_channel: channel, user_id: admin.userId });
    assert.deepEqual(queried.json.operators, [op.nick]);
    const from = op.lines.length;
    const t0 = Date.now();
    const answer = provision("POST", "/v1/link", { remote_room_server: server, remote_room_channel: channel, matrix_room_id: roomId, op_nick: op.nick, user_id: admin.userId });
    const pm = await op.waitFor(question(roomId), 30000, from);
    const toPm = Date.now() - t0;
    assert.match(pm, new RegExp(`${escape(admin.userId)} has requested to bridge .* with ${escape(channel)}`, "i"));
    const t1 = Date.now();
    op.say(bridge.botNick, "Yes");
    assert.deepEqual(await answer, { status: 200, json: {} });
    await op.waitFor(new RegExp(`:${escape(bridge.botNick)}!\\S+ PRIVMSG \\S+ :Done: `, "i"), 10000, from);
    // IRC -> Matrix: the first message after "yes" that reaches the room.
    let firstSeen = 0;
    for (let i = 0; firstSeen === 0 && i < 100; i++) {
      op.say(channel, `hello matrix ${i}`);
      const seen = await eventually(async () => (await timeline(admin, roomId, 50)).find((e) => typeof e.content.body === "string" && e.content.body.startsWith("hello matrix ")), 300, "a bridged message").catch(() => undefined);
      if (seen !== undefined) firstSeen = Date.now();
    }
    assert.ok(firstSeen > 0, "a message from IRC reached the room");
    console.log(`provisioning timing: request -> operator's PM ${toPm} ms; yes -> first bridged message ${firstSeen - t1} ms`);
    // Matrix -> IRC.
    await sendText(admin, roomId, "hello irc from the linked room");
    await op.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :hello irc from the linked room`, "i"), 20000);
    const listed = await provision("GET", `/listlinks/${encodeURIComponent(roomId)}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, [{ matrix_room_id: roomId, remote_room_channel: channel, remote_room_server: server, network_id: (listed.json as unknown as { network_id: string }[])[0]?.network_id, origin: "linked" }]);
    const state = await csApi("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, admin.token);
    assert.ok((state.body as unknown as { type: string }[]).some((e) => e.type === "m.bridge"), "the room shows m.bridge state");
  });

  it("/unlink stops the flow both ways at once, also after a bridge restart; linking again with consent works", async () => {
    assert.notEqual(linkedRoom, "", "the first story linked a room");
    const [roomId, channel] = [linkedRoom, linkedChannel];
    // A control path that stays bridged: a portal both sides are in.
    const control = `#${uniqueName("pctl")}`;
    await op.join(control);
    const controlRoom = await joinRoom(admin, bridge.alias(control));
    const bodies = async (room: string) => (await timeline(admin, room, 100)).map((e) => String(e.content.body));
    await sendText(admin, controlRoom, "control ready");
    await op.waitFor(new RegExp(`PRIVMSG ${escape(control)} :control ready$`, "i"), 30000);
    const notOnIrc = async (text: string) => {
      const from = op.lines.length;
      await sendText(admin, roomId, text);
      const marker = `marker-${uniqueName("m")}`;
      await sendText(admin, controlRoom, marker);
      await op.waitFor(new RegExp(`PRIVMSG ${escape(control)} :${marker}$`, "i"), 30000, from);
      assert.ok(!op.lines.slice(from).some((l) => l.endsWith(`:${text}`)), `"${text}" reached IRC`);
    };
    const notInRoom = async (text: string) => {
      op.say(channel, text);
      const marker = `marker-${uniqueName("i")}`;
      op.say(control, marker);
      await eventually(async () => (await bodies(controlRoom)).includes(marker), 30000, "the IRC marker in the control room");
      assert.ok(!(await bodies(roomId)).includes(text), `"${text}" reached the unlinked room`);
    };
    const body = { remote_room_server: server, remote_room_channel: channel, matrix_room_id: roomId, user_id: admin.userId };
    assert.deepEqual(await provision("POST", "/unlink", body), { status: 200, json: {} });
    await notOnIrc("said in the room after the API unlink");
    await notInRoom("said on IRC after the API unlink");
    assert.deepEqual((await provision("GET", `/listlinks/${encodeURIComponent(roomId)}`)).json, []);

    await bridge.stop();
    await bridge.start();
    await op.waitOnline(bridge.botNick);
    assert.deepEqual((await provision("GET", `/listlinks/${encodeURIComponent(roomId)}`)).json, [], "not back after the restart");
    await notOnIrc("said in the room after the restart");
    await notInRoom("said on IRC after the restart");

    // Linked again, with the operator's consent again.
    const from = op.lines.length;
    const again = provision("POST", "/link", { ...body, op_nick: op.nick });
    await op.waitFor(question(roomId), 30000, from);
    op.say(bridge.botNick, "y");
    assert.deepEqual(await again, { status: 200, json: {} });
    await sendText(admin, roomId, "relinked through the API");
    await op.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :relinked through the API$`, "i"), 30000, from);
    op.say(channel, "relinked from irc");
    await eventually(async () => (await bodies(roomId)).includes("relinked from irc"), 30000, "the IRC message after the relink");
  });

  it("a member without power asks: 403, and the operator is never asked (a later allowed request is the first PM); the operator says no, or nothing: no link, and the API says why", async () => {
    const channel = `#${uniqueName("pdeny")}`;
    await op.join(channel);
    const roomId = await communityRoom(admin, bot, [member]);
    const from = op.lines.length;
    const body = { remote_room_server: server, remote_room_channel: channel, matrix_room_id: roomId, op_nick: op.nick };
    const denied = await provision("POST", "/link", { ...body, user_id: member.userId });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.errcode, "IRC_NOT_ENOUGH_POWER");
    assert.match(String(denied.json.error), new RegExp(`${escape(member.userId)} has power level 0`));
    // Positive control: the admin's request is asked, and it is the only question since.
    const declined = provision("POST", "/link", { ...body, user_id: admin.userId });
    await op.waitFor(question(roomId), 30000, from);
    const questions = op.lines.slice(from).filter((l) => question(roomId).test(l));
    assert.equal(questions.length, 1);
    assert.match(questions[0] ?? "", new RegExp(escape(admin.userId)));
    assert.doesNotMatch(questions[0] ?? "", new RegExp(escape(member.userId)));
    op.say(bridge.botNick, "no thanks");
    const no = await declined;
    assert.equal(no.status, 403);
    assert.equal(no.json.errcode, "IRC_REQUEST_DECLINED");
    // No answer at all.
    const from2 = op.lines.length;
    const silent = provision("POST", "/link", { ...body, user_id: admin.userId });
    await op.waitFor(question(roomId), 30000, from2);
    const timedOut = await silent;
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.json.errcode, "IRC_REQUEST_TIMEOUT");
    assert.match(String(timedOut.json.error), new RegExp(`within ${TIMEOUT_S} seconds`));
    assert.deepEqual((await provision("GET", `/listlinks/${encodeURIComponent(roomId)}`)).json, []);
    const state = await csApi("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, admin.token);
    assert.ok(!(state.body as unknown as { type: string }[]).some((e) => e.type === "m.bridge"), "no bridge state");
  });
});
