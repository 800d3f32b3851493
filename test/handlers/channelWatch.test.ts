import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelWatch } from "../../src/bridge/channelWatch";
import { NetworkFeed } from "../../src/broker/networkFeed";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import { HeardConnection } from "../support/heardConnection";
import { MAPPED, PORTAL, base, ircScene } from "../support/ircScene";

/** A network feed whose connection events reach a ChannelWatch, with the scene's rooms behind it. */
async function watched() {
  const scene = await ircScene();
  const feed = new NetworkFeed(
    scene.network,
    {
      deliver: () => undefined,
      names: () => undefined,
      channelModes: () => undefined,
      channelEmpty: () => undefined,
      privateMessage: () => undefined,
      selfJoined: (connection, channel) => watch.joined(connection, channel),
      handover: () => undefined,
      duplicate: () => undefined,
    },
    scene.clock,
    { windowMs: 60000, graceMs: 3000 },
  );
  const watch = new ChannelWatch({ feed, ctx: () => scene.ctx });
  const connection = (id: string, nick: string) => {
    const c = new HeardConnection(id, nick);
    feed.attach(c, false);
    return c;
  };
  const enter = (c: HeardConnection, channel = "#chan") => c.hear("join", { ...base, nick: c.nick, channel, account: undefined });
  return { ...scene, feed, watch, connection, enter };
}

describe("entering and leaving a channel", () => {
  it("the first connection in asks for the channel's modes; the next ones do not", async () => {
    const { connection, enter } = await watched();
    const a = connection("a", "alice");
    const b = connection("b", "bob");
    enter(a);
    enter(b);
    assert.deepEqual(a.sent, ["MODE #chan"]);
    assert.deepEqual(b.sent, []);
  });

  it("the bot looking in for a portal asks nothing on its JOIN (it asks its own MODE); once done, a JOIN asks again", async () => {
    const { connection, enter, watch } = await watched();
    const bot = connection("bot", "bridgebot");
    const a = connection("a", "alice");
    watch.lookingIn(bot, "#Chan", true);
    enter(bot);
    assert.deepEqual(bot.sent, [], "looking in: nothing asked");
    bot.hear("part", { ...base, nick: "bridgebot", channel: "#chan", reason: "" });
    watch.lookingIn(bot, "#chan", false);
    enter(a);
    assert.deepEqual(a.sent, ["MODE #chan"], "the next connection in, the first member: asks");
    enter(bot, "#other");
    assert.deepEqual(bot.sent, ["MODE #other"], "control: the bot entering another channel asks");
  });

  it("the last connection gone, an invite-only rule the bridge set stays however long it waits; only hearing -i opens it", async () => {
    const { connection, enter, run, clock, queues, api } = await watched();
    const a = connection("a", "alice");
    enter(a);
    await run({ type: "mode", channel: "#chan", e: { ...base, by: "op", channel: "#chan", changes: parseModeChanges("+i", [], modeSpec(undefined, undefined)) } });
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "invite");
    a.hear("part", { ...base, nick: "alice", channel: "#chan", reason: "" });
    clock.advance(3600000);
    await queues.idle();
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "invite", "an hour after the bridge left: still invite-only");
    assert.equal(api.stateOf(MAPPED, "m.room.join_rules")?.join_rule, "invite");
    enter(a);
    await run({ type: "mode", channel: "#chan", e: { ...base, by: "op", channel: "#chan", changes: parseModeChanges("-i", [], modeSpec(undefined, undefined)) } });
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "public", "-i heard: the configured rule");
    assert.equal(api.stateOf(MAPPED, "m.room.join_rules")?.join_rule, "public");
  });
});
