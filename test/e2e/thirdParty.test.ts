/**
 * Found from Matrix clients (real Synapse, Ergo, the sample bridge with portals.published on): a
 * client asks its homeserver which third-party networks exist and sees the IRC network; it looks a
 * channel up and gets the portal alias, which it joins; it looks a nick up and gets the ghost. The
 * portal of an open channel is listed in the room directory under the network; a secret channel's
 * portal never is, not even for a moment; and a listed portal comes out when its channel turns +s.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, uniqueName, type TestUser } from "./support/matrixClient";

interface Instance {
  readonly network_id: string;
  readonly desc: string;
  readonly fields: Record<string, string>;
  readonly instance_id?: string;
}
interface ProtocolAnswer {
  readonly user_fields: string[];
  readonly location_fields: string[];
  readonly field_types: Record<string, { regexp: string; placeholder: string }>;
  readonly instances: Instance[];
}
interface PublicRooms {
  readonly chunk: readonly { readonly room_id: string }[];
}

describe("the IRC network found from a Matrix client", () => {
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    network.portals = { ...(network.portals as Record<string, unknown>), published: true };
  });
  const domain = testenv.ergo.host;
  let keeper: TestIrcClient;
  let alice: TestUser;
  let instanceId = "";

  /** The rooms listed under the network's instance in the room directory. */
  async function listed(): Promise<string[]> {
    const res = await csApi<PublicRooms>("POST", "/_matrix/client/v3/publicRooms", alice.token, { limit: 500, third_party_instance_id: instanceId });
    if (res.status !== 200) throw new Error(`publicRooms: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.chunk.map((r) => r.room_id);
  }

  /** The channel's portal, found as a client finds it (the location lookup), and joined. */
  async function lookUpAndJoin(channel: string): Promise<string> {
    const res = await csApi<{ alias: string }[]>("GET", `/_matrix/client/v3/thirdparty/location/irc?domain=${encodeURIComponent(domain)}&channel=${encodeURIComponent(channel)}`, alice.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const alias = res.body[0]?.alias;
    assert.equal(alias, bridge.alias(channel.toLowerCase()));
    return joinRoom(alice, alias);
  }

  before(async () => {
    await bridge.start();
    keeper = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("tpk").slice(0, 12));
    await keeper.waitOnline(bridge.botNick);
    alice = await registerUser(uniqueName("alice"));
  });

  after(async () => {
    await keeper.quit();
    await bridge.dispose();
  });

  it("the homeserver lists the irc protocol with the network as an instance", async () => {
    // The bridge answers the homeserver itself first (Synapse keeps a protocol answer for an hour).
    const direct = await fetch(`http://127.0.0.1:${bridges.sample.port}/_matrix/app/v1/thirdparty/protocol/irc`, { headers: { Authorization: `Bearer ${bridge.registration.hs_token}` } });
    assert.equal(direct.status, 200);
    const res = await csApi<Record<string, ProtocolAnswer>>("GET", "/_matrix/client/v3/thirdparty/protocols", alice.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const irc = res.body.irc;
    assert.ok(irc !== undefined, `protocols: ${JSON.stringify(res.body)}`);
    assert.deepEqual(irc.location_fields, ["domain", "channel"]);
    assert.deepEqual(irc.user_fields, ["domain", "nick"]);
    const instance = irc.instances.find((i) => i.network_id === "example");
    assert.ok(instance !== undefined, JSON.stringify(irc.instances));
    assert.equal(instance.desc, "Example IRC");
    assert.deepEqual(instance.fields, { domain });
    assert.equal(instance.instance_id, `${bridge.registration.id}|example`, "the homeserver's id for the network, used by the room directory");
    instanceId = instance.instance_id;
  });

  it("a nick gives its ghost's user id", async () => {
    const res = await csApi<{ userid: string; protocol: string }[]>("GET", `/_matrix/client/v3/thirdparty/user/irc?domain=${encodeURIComponent(domain)}&nick=${encodeURIComponent(keeper.nick)}`, alice.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.map((u) => [u.userid, u.protocol]), [[bridge.ghost(keeper.nick), "irc"]]);
  });

  it("an open channel: its alias is found and joined, and its portal is listed under the network", async () => {
    assert.ok(instanceId !== "", "the protocol story ran");
    const channel = `#${uniqueName("tpPub")}`;
    await keeper.join(channel);
    const roomId = await lookUpAndJoin(channel.toUpperCase());
    const rooms = await eventually(async () => ((await listed()).includes(roomId) ? true : undefined), 30000, "the open channel's portal in the directory under the network");
    assert.ok(rooms);
    const main = await csApi<PublicRooms>("POST", "/_matrix/client/v3/publicRooms", alice.token, { limit: 500 });
    assert.ok(!main.body.chunk.some((r) => r.room_id === roomId), "the network's list, not the homeserver's main one");
  });

  it("a +s channel's portal is never listed, not even for a moment; a listed one comes out when its channel turns +s", async () => {
    assert.ok(instanceId !== "", "the protocol story ran");
    // Positive control: an open channel's portal, listed first, shows in every poll of the watcher.
    const open = `#${uniqueName("tpCtl")}`;
    await keeper.join(open);
    const openRoom = await lookUpAndJoin(open);
    await eventually(async () => ((await listed()).includes(openRoom) ? true : undefined), 30000, "the control portal listed");
    const secret = `#${uniqueName("tpSec")}`;
    await keeper.join(secret);
    keeper.raw(`MODE ${secret} +s`);
    await keeper.waitFor(new RegExp(`MODE ${escape(secret)} \\+s`, "i"), 10000);
    const secretRoom: { id?: string } = {};
    let polls = 0;
    let controlSeen = 0;
    const leaks: string[] = [];
    const watch = { on: true };
    const watcher = (async () => {
      while (watch.on) {
        const rooms = await listed();
        polls++;
        if (rooms.includes(openRoom)) controlSeen++;
        if (secretRoom.id !== undefined && rooms.includes(secretRoom.id)) leaks.push(`listed at poll ${polls}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const from = keeper.lines.length;
    const secretId = await lookUpAndJoin(secret);
    secretRoom.id = secretId;
    // Alice's puppet in the channel: the bridge hears the channel's modes; a +m after it is a marker
    // in the same room's queue (the power levels change after the listing decision was taken).
    await keeper.waitFor(new RegExp(`^:alice\\S*!\\S+ JOIN :?${escape(secret)}`, "i"), 30000, from);
    keeper.raw(`MODE ${secret} +m`);
    await eventually(
      async () => {
        const pl = await csApi<{ events_default?: number }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(secretId)}/state/m.room.power_levels`, alice.token);
        return (pl.body.events_default ?? 0) > 0 ? true : undefined;
      },
      30000,
      "the +m marker in the secret channel's room",
    );
    const settled = polls;
    await eventually(() => polls >= settled + 10, 20000, "ten more polls after the marker");
    watch.on = false;
    await watcher;
    assert.deepEqual(leaks, [], "the secret channel's portal was listed");
    assert.equal(controlSeen, polls, "the control portal was in every poll (a listing would have shown)");
    keeper.raw(`MODE ${open} +s`);
    await eventually(async () => (!(await listed()).includes(openRoom) ? true : undefined), 30000, "the portal out of the directory once its channel is +s");
  });
});
