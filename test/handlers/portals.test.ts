import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { onChannelModes } from "../../src/fromIrc/channelModes";
import { MatrixApiError, type Json } from "../../src/matrix/matrixApi";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import type { ModeReading } from "../../src/rooms/portalAccess";
import { Portals } from "../../src/rooms/portals";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { RoomRecord } from "../../src/store/store";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { PORTAL, ircScene } from "../support/ircScene";
import { silentLogger } from "../support/silentLogger";

const BOT = "@ircbot:example.org";

/** A FakeMatrixApi that also takes alias PUTs (a portal alias pointed at an existing room). */
class AliasApi extends FakeMatrixApi {
  readonly aliases: string[] = [];
  override request(method: string, path: string, _as?: string, body?: Json): Promise<Json> {
    if (method !== "PUT" || !path.startsWith("/_matrix/client/v3/directory/room/")) return super.request(method, path);
    this.aliases.push(`${decodeURIComponent(path.slice(path.lastIndexOf("/") + 1))} -> ${String(body?.room_id)}`);
    return Promise.resolve({});
  }
}

const open: ModeReading = { kind: "modes", modes: new Set("nt"), member: false };

async function portalScene(extra = "", reading: (channel: string) => Promise<ModeReading> = () => Promise.resolve(open)) {
  const network = fakeNetwork(extra);
  const rooms = new RoomIndex((await openNedbStore(undefined)).rooms);
  const api = new AliasApi();
  const created: RoomRecord[] = [];
  const opens: string[] = [];
  const read: string[] = [];
  let now = 0;
  const portals = new Portals({
    bridgeId: "ircbridge",
    networks: [network],
    rooms,
    api,
    botUserId: BOT,
    log: silentLogger(),
    now: () => now,
    modes: (_id, channel) => {
      read.push(channel);
      return reading(channel);
    },
    opensLater: (roomId, rule) => opens.push(`${roomId} ${rule}`),
    created: (room) => created.push(room),
  });
  const joinRule = (n: number) => /"type":"m\.room\.join_rules","state_key":"","content":\{"join_rule":"(\w+)"/.exec(JSON.stringify(api.created[n]?.initial_state))?.[1];
  return { network, rooms, api, created, opens, read, portals, joinRule, advance: (ms: number) => (now += ms) };
}

describe("portal rooms", () => {
  it("are created unlisted (a secret channel must never reach the room directory), history from one's own join, and reported to the bridge", async () => {
    const { api, created, rooms, network, portals, joinRule, opens } = await portalScene();
    assert.equal(await portals.onAliasQuery("#irc_#Secret:example.org"), true);
    assert.equal(api.created[0]?.visibility, "private");
    assert.equal(joinRule(0), "public");
    assert.deepEqual(opens, []);
    assert.match(JSON.stringify(api.created[0].initial_state), /"history_visibility":"joined"/);
    assert.deepEqual(created, [{ roomId: "!created1:example.org", network: network.id, channel: "#Secret", folded: "#secret", origin: "portal" }]);
    assert.deepEqual(rooms.roomsFor(network.id, "#secret").map((r) => r.roomId), ["!created1:example.org"]);
  });

  it("show they are bridged from their first events: bridge-info state (m.bridge and uk.half-shot.bridge) in the initial state", async () => {
    const { api, portals } = await portalScene();
    assert.equal(await portals.onAliasQuery("#irc_#Info:example.org"), true);
    const initial = api.created[0]?.initial_state;
    assert.ok(Array.isArray(initial));
    const info = initial.filter((e: { type?: string }) => e.type === "m.bridge" || e.type === "uk.half-shot.bridge");
    const content = { bridgebot: BOT, protocol: { id: "irc", displayname: "IRC" }, network: { id: "testnet", displayname: "TestNet" }, channel: { id: "#Info", displayname: "#Info" } };
    assert.deepEqual(info, [
      { type: "m.bridge", state_key: "ircbridge/testnet/#Info", content },
      { type: "uk.half-shot.bridge", state_key: "ircbridge/testnet/#Info", content },
    ]);
  });

  it("a +i or +k channel's portal is created invite-only, to open to the configured rule when the bridge sees it open", async () => {
    for (const letters of ["int", "knt"]) {
      const { api, portals, joinRule, opens } = await portalScene("", () => Promise.resolve({ kind: "modes", modes: new Set(letters), member: true }));
      assert.equal(await portals.onAliasQuery("#irc_#closed:example.org"), true);
      assert.equal(joinRule(0), "invite", letters);
      assert.equal(api.created[0]?.preset, "private_chat");
      assert.deepEqual(opens, ["!created1:example.org public"]);
    }
  });

  it("unknown modes (no connection, no answer, a hidden secret channel): created invite-only; with joinRule invite nothing opens later", async () => {
    const unknown = () => Promise.resolve<ModeReading>({ kind: "unknown", why: "no connection to the network" });
    const pub = await portalScene("", unknown);
    assert.equal(await pub.portals.onAliasQuery("#irc_#dark:example.org"), true);
    assert.equal(pub.joinRule(0), "invite");
    assert.deepEqual(pub.opens, ["!created1:example.org public"]);
    const inv = await portalScene(", portals: { joinRule: invite }", unknown);
    assert.equal(await inv.portals.onAliasQuery("#irc_#dark:example.org"), true);
    assert.equal(inv.joinRule(0), "invite");
    assert.deepEqual(inv.opens, []);
  });

  it("a refused reading (requireBotJoin: the bot may not join) means no room: 404", async () => {
    const { api, portals, created } = await portalScene("", () => Promise.resolve({ kind: "refused", why: "the bridge bot may not join #x (473 Cannot join channel (+i))" }));
    assert.equal(await portals.onAliasQuery("#irc_#x:example.org"), false);
    assert.deepEqual(api.created, []);
    assert.deepEqual(created, []);
  });

  it("excluded and (unless portals.aliasForMappedChannels) mapped channels get none, without asking IRC", async () => {
    const mapped = ', portals: { excludedChannels: ["#ops"] }, mappings: { "#Curated": { roomIds: ["!m:example.org"] } }';
    const off = await portalScene(mapped);
    assert.equal(await off.portals.onAliasQuery("#irc_#curated:example.org"), false);
    assert.equal(await off.portals.onAliasQuery("#irc_#OPS:example.org"), false);
    assert.deepEqual(off.api.created, []);
    assert.deepEqual(off.read, []);
    const on = await portalScene(', portals: { aliasForMappedChannels: true }, mappings: { "#Curated": { roomIds: ["!m:example.org"] } }');
    assert.equal(await on.portals.onAliasQuery("#irc_#curated:example.org"), true);
    assert.equal(on.api.created.length, 1);
  });

  it("bounded: portals.maxPerMinute per minute and portals.max in all, refused with 404", async () => {
    const { api, portals, advance } = await portalScene(", portals: { maxPerMinute: 2, max: 3 }");
    assert.equal(await portals.onAliasQuery("#irc_#a1:example.org"), true);
    assert.equal(await portals.onAliasQuery("#irc_#a2:example.org"), true);
    assert.equal(await portals.onAliasQuery("#irc_#a3:example.org"), false, "a third within the minute");
    assert.equal(await portals.onAliasQuery("#irc_#A1:example.org"), true, "another casing of an existing one creates nothing, so is not limited");
    advance(60000);
    assert.equal(await portals.onAliasQuery("#irc_#a3:example.org"), true);
    advance(60000);
    assert.equal(await portals.onAliasQuery("#irc_#a4:example.org"), false, "three portals: portals.max");
    assert.equal(api.created.length, 3);
  });

  it("#MixedCase and #mixedcase asked at once: one room, the second alias pointed at it", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { api, portals, read } = await portalScene("", async () => {
      await gate;
      return open;
    });
    const first = portals.onAliasQuery("#irc_#MixedCase:example.org");
    const second = portals.onAliasQuery("#irc_#mixedcase:example.org");
    const again = portals.onAliasQuery("#irc_#MixedCase:example.org");
    release();
    assert.deepEqual(await Promise.all([first, second, again]), [true, true, true]);
    assert.equal(api.created.length, 1);
    assert.deepEqual(read, ["#MixedCase"], "the modes are read once");
    assert.deepEqual(api.aliases, ["#irc_#mixedcase:example.org -> !created1:example.org"]);
  });

  it("folds with the server's casemapping once known (ascii: #a[b and #a{b are two channels), rfc1459 before", async () => {
    const before = await portalScene();
    assert.equal(await before.portals.onAliasQuery("#irc_#a[b:example.org"), true);
    assert.equal(await before.portals.onAliasQuery("#irc_#a{b:example.org"), true);
    assert.equal(before.api.created.length, 1, "rfc1459: one channel");
    const ascii = await portalScene();
    ascii.network.channels.setCasemapping("ascii");
    assert.equal(await ascii.portals.onAliasQuery("#irc_#a[b:example.org"), true);
    assert.equal(await ascii.portals.onAliasQuery("#irc_#a{b:example.org"), true);
    assert.equal(ascii.api.created.length, 2, "ascii: two channels");
  });
});

describe("a portal asked for by channel (forChannel: an IRC INVITE of a puppet)", () => {
  it("is created at the network's portal alias, closed as the channel is (+i: invite-only), and reported", async () => {
    const { api, portals, joinRule, created, opens } = await portalScene("", () => Promise.resolve({ kind: "modes", modes: new Set("int"), member: false }));
    const outcome = await portals.forChannel("testnet", "#Closed");
    assert.deepEqual(outcome, { ok: true, room: created[0], created: true });
    assert.equal(api.created[0]?.room_alias_name, "irc_#Closed");
    assert.equal(joinRule(0), "invite");
    assert.deepEqual(opens, ["!created1:example.org public"]);
  });

  it("an existing portal (any casing, also one an alias join made) is returned, not made again; alias and channel requests share one queue", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { api, portals, read } = await portalScene("", async () => {
      await gate;
      return open;
    });
    const byAlias = portals.onAliasQuery("#irc_#Chan:example.org");
    const byChannel = portals.forChannel("testnet", "#CHAN");
    release();
    assert.equal(await byAlias, true);
    const outcome = await byChannel;
    assert.equal(outcome.ok && outcome.created, false);
    assert.equal(outcome.ok && outcome.room.roomId, "!created1:example.org");
    assert.equal(api.created.length, 1);
    assert.deepEqual(read, ["#Chan"]);
    assert.deepEqual(api.aliases, [], "no alias is pointed for a channel request");
  });

  it("refused with the reason, as an alias query is: excluded, mapped, the limits, an unknown network; never a rejection", async () => {
    const { api, portals, read, advance } = await portalScene(', portals: { excludedChannels: ["#ops"], maxPerMinute: 1 }, mappings: { "#Curated": { roomIds: ["!m:example.org"] } }');
    assert.deepEqual(await portals.forChannel("testnet", "#OPS"), { ok: false, reason: "#OPS is excluded from bridging by the operator" });
    assert.deepEqual(await portals.forChannel("testnet", "#curated"), { ok: false, reason: "#curated is bridged to a mapped room (portals.aliasForMappedChannels is off)" });
    assert.deepEqual(await portals.forChannel("nonet", "#x"), { ok: false, reason: "there is no network nonet" });
    assert.equal((await portals.forChannel("testnet", "#one")).ok, true);
    const limited = await portals.forChannel("testnet", "#two");
    assert.match(limited.ok ? "created" : limited.reason, /portals\.maxPerMinute/);
    assert.equal(api.created.length, 1);
    assert.deepEqual(read, ["#one"]);
    api.failures.set("createRoom", new MatrixApiError(500, "M_UNKNOWN", "boom"));
    advance(60000);
    const failed = await portals.forChannel("testnet", "#three");
    assert.match(failed.ok ? "" : failed.reason, /^the room could not be created \(/);
  });
});

describe("a portal created closed", () => {
  const spec = modeSpec("(ov)@+", "beI,k,l,imnpst");
  const modes = (ctx: Awaited<ReturnType<typeof ircScene>>["ctx"], letters: string) => {
    const changes = parseModeChanges(letters, [], spec);
    ctx.roster.channelModes("#chan", changes);
    onChannelModes({ channel: "#chan", changes }, ctx);
  };

  it("stays closed while the channel is +i and when the bridge leaves; opens to the configured rule when the bridge sees it open", async () => {
    const { api, ctx, queues } = await ircScene();
    api.given(PORTAL, "m.room.join_rules", { join_rule: "invite" });
    ctx.access.opensLater(PORTAL, "public");
    modes(ctx, "+int");
    await queues.idle();
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "invite");
    ctx.roster.forget("#chan");
    await queues.idle();
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "invite", "left: still closed");
    modes(ctx, "+nt");
    await queues.idle();
    assert.equal(api.stateOf(PORTAL, "m.room.join_rules")?.join_rule, "public");
  });
});
