import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProvisionError, type LinkRequest } from "../../src/provisioning/links";
import { BOT, MEMBER, MOD, ROOM, provisioningScene } from "../support/provisioningScene";

const request = (over: Partial<LinkRequest> = {}): LinkRequest => ({ networkId: "testnet", channel: "#chan", roomId: ROOM, opNick: "Op", userId: MOD, ...over });

/** The ProvisionError a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<ProvisionError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProvisionError) return err;
    throw err;
  }
  return assert.fail("expected a refusal");
}

type Scene = Awaited<ReturnType<typeof provisioningScene>>;

/** Nothing of a link exists: no record, no bridge-info state, no notice, no place held. */
function assertNoLink(s: Scene): void {
  assert.equal(s.rooms.room(ROOM), undefined);
  assert.deepEqual(s.api.calls.filter((c) => c.startsWith("setState")), []);
  assert.deepEqual(s.notices, []);
  assert.equal(s.consents.size, 0);
}

describe("link with the channel operator's consent", { timeout: 20_000 }, () => {
  for (const yes of ["yes", "y", " YES ", "Y"]) {
    it(`links on ${JSON.stringify(yes)} from the operator, who is asked first and told the result`, async () => {
      const s = await provisioningScene();
      const linking = s.links.link(request());
      await s.asked();
      const question = s.bot.told[0];
      assert.equal(question?.nick, "Op");
      assert.match(question.text, /@mod:example\.org has requested to bridge .*!community:example\.org.* with #chan on TestNet.*"yes" within 60 seconds/);
      assert.equal(s.rooms.room(ROOM), undefined, "nothing is linked before the answer");
      s.answer("op", yes);
      const info = await linking;
      assert.deepEqual(info, { networkId: "testnet", channel: "#chan", roomId: ROOM, origin: "linked" });
      assert.equal(s.rooms.room(ROOM)?.origin, "linked");
      assert.equal(s.rooms.room(ROOM)?.linkedBy, MOD);
      assert.ok(s.api.calls.some((c) => c.startsWith(`setState ${ROOM} ${BOT} m.bridge`)), s.api.calls.join("\n"));
      assert.match(s.bot.told[1]?.text ?? "", /^Done: #chan is now bridged/);
      assert.equal(s.consents.size, 0);
      assert.equal(s.clock.liveTimers, 0, "the timeout is cancelled");
    });
  }

  for (const no of ["no", "yes please", "nope", ""]) {
    it(`refuses on ${JSON.stringify(no)}: no link, the API says the operator declined, the operator is told`, async () => {
      const s = await provisioningScene();
      const linking = refusal(s.links.link(request()));
      await s.asked();
      s.answer("Op", no);
      const err = await linking;
      assert.equal(err.status, 403);
      assert.equal(err.errcode, "IRC_REQUEST_DECLINED");
      assert.match(err.message, /Op did not allow/);
      assertNoLink(s);
      assert.match(s.bot.told[1]?.text ?? "", /^Refused/);
    });
  }

  it("refuses when the operator does not answer in time; a late yes is not taken", async () => {
    const s = await provisioningScene({ requestTimeoutSeconds: 30 });
    const linking = refusal(s.links.link(request()));
    await s.asked();
    s.clock.advance(29_999);
    assert.equal(s.consents.size, 1, "still waiting just before the timeout");
    s.clock.advance(1);
    const err = await linking;
    assert.equal(err.errcode, "IRC_REQUEST_TIMEOUT");
    assert.match(err.message, /did not answer within 30 seconds/);
    assertNoLink(s);
    assert.match(s.bot.told[1]?.text ?? "", /^No answer in time/);
    s.answer("Op", "yes");
    assert.deepEqual(s.unhandled, ["Op yes"], "a late answer is nobody's");
    assert.equal(s.rooms.room(ROOM), undefined);
  });

  it("an answer from another nick is not the operator's (and the request stays open)", async () => {
    const s = await provisioningScene({ requestTimeoutSeconds: 30 });
    const linking = refusal(s.links.link(request()));
    await s.asked();
    s.answer("Other", "yes");
    assert.deepEqual(s.unhandled, ["Other yes"]);
    assert.equal(s.rooms.room(ROOM), undefined);
    s.clock.advance(30_000);
    assert.equal((await linking).errcode, "IRC_REQUEST_TIMEOUT");
    assertNoLink(s);
  });

  it("refuses a requester without the power to change the room's power levels, and never asks the operator", async () => {
    const s = await provisioningScene();
    const err = await refusal(s.links.link(request({ userId: MEMBER })));
    assert.equal(err.status, 403);
    assert.equal(err.errcode, "IRC_NOT_ENOUGH_POWER");
    assert.match(err.message, /@member:example\.org has power level 0 .* \(50\)/);
    assert.deepEqual(s.bot.told, []);
    assert.deepEqual(s.bot.asked, [], "the channel was not even looked at");
    assertNoLink(s);
  });

  it("says exactly what to grant when the bot lacks power, and leaves a room it joined only to check", async () => {
    const s = await provisioningScene();
    s.api.given(ROOM, "m.room.power_levels", { users: { [MOD]: 100 }, users_default: 0, events: { "m.room.power_levels": 100 }, kick: 50 });
    s.api.outside.add(ROOM);
    const err = await refusal(s.links.link(request()));
    assert.equal(err.errcode, "IRC_BOT_NOT_ENOUGH_POWER");
    assert.match(err.message, /give @ircbot:example\.org power level 100/);
    assert.deepEqual(
      s.api.calls.filter((c) => c.startsWith("join") || c.startsWith("leave")),
      [`join ${ROOM} ${BOT}`, `leave ${ROOM} ${BOT}`],
    );
    assert.deepEqual(s.bot.told, []);
    assertNoLink(s);
  });

  it("tells the requester to invite the bot when it cannot join the room", async () => {
    const s = await provisioningScene();
    s.api.outside.add(ROOM);
    s.api.closed.add(ROOM);
    const err = await refusal(s.links.link(request()));
    assert.equal(err.errcode, "IRC_BOT_NOT_IN_ROOM");
    assert.match(err.message, /invite @ircbot:example\.org/);
    assertNoLink(s);
  });

  it("refuses an op_nick that is not an operator of the channel right now, without asking anyone", async () => {
    const s = await provisioningScene();
    const err = await refusal(s.links.link(request({ opNick: "Someone" })));
    assert.equal(err.errcode, "IRC_BAD_OPERATOR_TARGET");
    assert.deepEqual(s.bot.asked, ["#chan"]);
    assert.deepEqual(s.bot.told, []);
    assertNoLink(s);
  });

  it("refuses clearly on a network without an IRC bot, and a channel key (not supported)", async () => {
    const s = await provisioningScene({}, { withBot: false });
    assert.equal((await refusal(s.links.link(request()))).errcode, "IRC_NO_BOT");
    const t = await provisioningScene();
    const keyed = await refusal(t.links.link(request({ key: "hunter2" })));
    assert.equal(keyed.errcode, "M_INVALID_PARAM");
    assert.ok(!keyed.message.includes("hunter2"), "a key is never echoed");
    assertNoLink(s);
    assertNoLink(t);
  });

  it("bounds pending requests per channel, per requester and per operator; an answer frees the place", async () => {
    const s = await provisioningScene({ maxPendingPerChannel: 1, maxPendingPerUser: 2 });
    s.bot.ops.set("#two", ["Op2"]);
    s.bot.ops.set("#three", ["Op3"]);
    s.api.given("!b:example.org", "m.room.power_levels", { users: { [BOT]: 100, [MOD]: 50 } });
    s.api.given("!c:example.org", "m.room.power_levels", { users: { [BOT]: 100, [MOD]: 50 } });
    s.api.given("!d:example.org", "m.room.power_levels", { users: { [BOT]: 100, [MEMBER]: 50 } });
    const first = refusal(s.links.link(request()));
    await s.asked(1);
    const sameChannel = await refusal(s.links.link(request({ roomId: "!d:example.org", userId: MEMBER, opNick: "Other" })));
    assert.equal(sameChannel.status, 429);
    assert.equal(sameChannel.errcode, "M_LIMIT_EXCEEDED");
    const sameOp = await refusal(s.links.link(request({ roomId: "!d:example.org", userId: MEMBER, channel: "#two", opNick: "OP" })));
    assert.equal(sameOp.errcode, "IRC_EXISTING_REQUEST");
    const second = refusal(s.links.link(request({ roomId: "!b:example.org", channel: "#two", opNick: "Op2" })));
    await s.asked(2);
    const third = await refusal(s.links.link(request({ roomId: "!c:example.org", channel: "#three", opNick: "Op3" })));
    assert.equal(third.status, 429);
    assert.match(third.message, /You have too many/);
    assert.equal(s.consents.size, 2);
    s.answer("Op", "no");
    assert.equal((await first).errcode, "IRC_REQUEST_DECLINED");
    const later = s.links.link(request({ roomId: "!c:example.org", channel: "#three", opNick: "Op3" }));
    await s.asked(3);
    s.answer("Op3", "yes");
    assert.equal((await later).roomId, "!c:example.org");
    s.answer("Op2", "no");
    await second;
    assert.equal(s.consents.size, 0);
  });

  it("re-checks the room after the answer: a room bridged meanwhile is not bridged twice", async () => {
    const s = await provisioningScene();
    s.api.outside.add(ROOM);
    const linking = refusal(s.links.link(request()));
    await s.asked();
    await s.rooms.add({ roomId: ROOM, network: "testnet", channel: "#other", folded: "#other", origin: "linked" });
    s.answer("Op", "yes");
    const err = await linking;
    assert.equal(err.errcode, "M_CONFLICT");
    assert.equal(s.rooms.room(ROOM)?.channel, "#other");
    assert.match(s.bot.told[1]?.text ?? "", /not made after all/);
    assert.ok(!s.api.calls.includes(`leave ${ROOM} ${BOT}`), "the bot stays in the room the other link bridged");
  });
});
