import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { DirectoryListing, listingFor } from "../../src/discovery/directoryListing";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { channelLeft, onChannelModes } from "../../src/fromIrc/channelModes";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import { BOT, MAPPED, PORTAL, base, ircScene } from "../support/ircScene";
import { silentLogger } from "../support/silentLogger";
import { fakeNetwork } from "../support/fakeNetwork";

const spec = modeSpec("(qaohv)~&@%+", "beI,k,l,imnpst");
const PUBLISHED = ", portals: { published: true }";
const listed = `setDirectoryVisibility ${PORTAL} public appservice/testnet`;
const unlisted = `setDirectoryVisibility ${PORTAL} private appservice/testnet`;

const mode = (modes: string, ...params: string[]): ChannelEvent => ({
  type: "mode",
  channel: "#chan",
  e: { ...base, by: "op", channel: "#chan", changes: parseModeChanges(modes, params, spec) },
});
const directoryCalls = (calls: readonly string[]) => calls.filter((c) => c.startsWith("setDirectoryVisibility"));

/** The scene with the channel's whole mode list heard (RPL_CHANNELMODEIS), as when the bridge's first connection joins. */
async function heard(extra: string, modes: string, ...params: string[]) {
  const scene = await ircScene(extra);
  const changes = parseModeChanges(modes, params, spec);
  const from = scene.api.calls.length;
  scene.ctx.roster.channelModes("#chan", changes);
  onChannelModes({ channel: "#chan", changes }, scene.ctx);
  await scene.queues.idle();
  return { ...scene, first: directoryCalls(scene.api.calls.slice(from)) };
}

describe("room directory listing of portals (portals.published)", () => {
  it("decides from the config, the room's origin and what the bridge sees of the channel", () => {
    const on = fakeNetwork(PUBLISHED);
    const off = fakeNetwork();
    const invite = fakeNetwork(", portals: { published: true, joinRule: invite }");
    const open = { inChannel: true, modesKnown: true, flag: () => false };
    const portal = { origin: "portal" } as const;
    assert.equal(listingFor(on, portal, open), "public");
    assert.equal(listingFor(off, portal, open), undefined, "off by default");
    assert.equal(listingFor(on, { origin: "mapped" }, open), undefined, "mapped rooms are their moderators'");
    assert.equal(listingFor(on, { origin: "linked" }, open), undefined, "linked rooms too");
    assert.equal(listingFor(invite, portal, open), "private", "invite-only portals are not listed");
    for (const m of ["s", "p", "i", "k"]) assert.equal(listingFor(on, portal, { ...open, flag: (x) => x === m }), "private", `+${m}`);
    assert.equal(listingFor(on, portal, { ...open, flag: (x) => x === "m" || x === "t" || x === "n" }), "public", "+mnt are no reason");
    assert.equal(listingFor(on, portal, { ...open, modesKnown: false }), undefined, "modes not known: no listing on a guess");
    assert.equal(listingFor(on, portal, { ...open, modesKnown: false, flag: (x) => x === "s" }), "private", "a +s heard is enough to unlist");
    assert.equal(listingFor(on, portal, { inChannel: false, modesKnown: false, flag: () => false }), "private", "out of sight: unlisted");
  });

  it("lists an open channel's portal in the network's list, not the mapped room; +s, +p, +i, +k take it out, their removal lists it again", async () => {
    const { run, first } = await heard(PUBLISHED, "+nt");
    assert.deepEqual(first, [listed]);
    assert.deepEqual(directoryCalls(await run(mode("+s"))), [unlisted]);
    assert.deepEqual(directoryCalls(await run(mode("-s"))), [listed]);
    for (const [on, offMode, ...params] of [["+p", "-p"], ["+i", "-i"], ["+k", "-k", "k3y"]] as const) {
      assert.deepEqual(directoryCalls(await run(mode(on, ...params))), [unlisted], on);
      assert.deepEqual(directoryCalls(await run(mode(offMode, ...params))), [listed], offMode);
    }
    assert.deepEqual(directoryCalls(await run(mode("+m"), mode("+s"), mode("+p"))), [unlisted], "one request per change of decision");
    assert.deepEqual(directoryCalls(await run(mode("-s"))), [], "still +p: stays out");
  });

  it("never lists a secret, private, invite-only or keyed channel, not even at first", async () => {
    for (const [modes, ...params] of [["+nst"], ["+p"], ["+i"], ["+k", "k3y"]] as const) {
      const { api, first } = await heard(PUBLISHED, modes, ...params);
      assert.deepEqual(first, [unlisted], modes);
      assert.ok(api.calls.every((c) => !c.includes(" public ")), `${modes}: ${api.calls.join("\n")}`);
    }
  });

  it("lists nothing on a change heard before the channel's whole mode list (positive control: the list then lists it)", async () => {
    const { run, ctx, queues, api } = await ircScene(PUBLISHED);
    assert.deepEqual(directoryCalls(await run(mode("-s"), mode("-i"))), []);
    const changes = parseModeChanges("+nt", [], spec);
    ctx.roster.channelModes("#chan", changes);
    onChannelModes({ channel: "#chan", changes }, ctx);
    await queues.idle();
    assert.deepEqual(directoryCalls(api.calls), [listed]);
  });

  it("a +s heard while the listing waits in the room's queue: the listing never happens", async () => {
    const { run, ctx, queues, api } = await ircScene(PUBLISHED);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    queues.enqueue(PORTAL, { what: "earlier work", run: () => held });
    const changes = parseModeChanges("+nt", [], spec);
    ctx.roster.channelModes("#chan", changes);
    onChannelModes({ channel: "#chan", changes }, ctx);
    const waiting = run(mode("+s"));
    release();
    await waiting;
    await queues.idle();
    assert.ok(directoryCalls(api.calls).every((c) => c !== listed), api.calls.join("\n"));
  });

  it("the bridge left the channel: the portal comes out of the directory (it can no longer see)", async () => {
    const { api, ctx, queues, first } = await heard(PUBLISHED, "+nt");
    assert.deepEqual(first, [listed]);
    ctx.roster.forget("#chan");
    channelLeft(ctx, "#chan");
    await queues.idle();
    assert.deepEqual(directoryCalls(api.calls).slice(1), [unlisted]);
  });

  it("a listed portal that is no longer bridged comes out of the directory; one never listed costs no request", async () => {
    const { api, ctx, queues, first } = await heard(PUBLISHED, "+nt");
    assert.deepEqual(first, [listed]);
    ctx.access.directory.removed(PORTAL);
    ctx.access.directory.removed(MAPPED);
    await queues.idle();
    assert.deepEqual(directoryCalls(api.calls).slice(1), [unlisted]);
    assert.equal(ctx.access.directory.size, 0, "forgotten");
  });

  it("after a restart, a portal listed before is taken out until its channel is seen open again", async () => {
    const { api, queues, records, store, network, first } = await heard(PUBLISHED, "+nt");
    assert.deepEqual(first, [listed]);
    await records.flushed();
    const reloaded = new AccessRecords(store.roomAccess, silentLogger());
    await reloaded.load();
    const next = new DirectoryListing({ api, queues, botUserId: BOT, records: reloaded });
    const from = api.calls.length;
    assert.equal(next.afterRestart(), 1, "one room was listed");
    await queues.idle();
    assert.deepEqual(directoryCalls(api.calls.slice(from)), [unlisted]);
    next.follow(network, { roomId: PORTAL, origin: "portal" }, { inChannel: true, modesKnown: true, flag: () => false });
    await queues.idle();
    assert.deepEqual(directoryCalls(api.calls.slice(from)), [unlisted, listed], "seen open again: listed again");
    await reloaded.flushed();
    const third = new AccessRecords(store.roomAccess, silentLogger());
    await third.load();
    assert.equal(third.get(PORTAL).listedIn, "testnet");
    assert.equal(third.get(MAPPED).listedIn, undefined);
  });

  it("off by default; with useHomeserverDirectory the main list; mapped rooms never", async () => {
    const off = await heard("", "+nt");
    assert.deepEqual(directoryCalls(off.api.calls), []);
    const main = await heard(", portals: { published: true, useHomeserverDirectory: true }", "+nt");
    assert.deepEqual(main.first, [`setDirectoryVisibility ${PORTAL} public homeserver`]);
    assert.ok(main.api.calls.every((c) => !c.includes(MAPPED) || !c.startsWith("setDirectoryVisibility")));
  });
});
