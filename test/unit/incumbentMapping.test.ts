/**
 * The incumbent's (matrix-appservice-irc) records read from its NeDB shapes, and mapped to this
 * bridge's records: origins, servers by address, chosen nicks and usernames, and the reasons for
 * what is left behind.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roomEntry, userEntries, type IncumbentEntry } from "../../src/cli/migrate/incumbentEntries";
import { planImport, REASONS, UNSUPPORTED_REASONS, type Step, type TargetNetwork } from "../../src/cli/migrate/incumbentMapping";
import { formatImportReport, summarize } from "../../src/cli/migrate/runImport";

const net: TargetNetwork = {
  id: "libera",
  servers: ["irc.libera.chat", "irc.eu.libera.chat"],
  nickTemplate: "{displayname}[m]",
  userTemplate: "{localpart}",
  ghostUserId: (nick) => `@irc_${nick.toLowerCase()}:example.org`,
};
const plan = (entries: IncumbentEntry[], adminRooms = true): Step[] => planImport(entries, [net], { adminRooms, now: 1000 });
const channel = (roomId: string, chan: string, origin: string | undefined, server = "irc.libera.chat"): IncumbentEntry => ({ kind: "channel", roomId, server, channel: chan, origin });
const client = (over: Partial<Extract<IncumbentEntry, { kind: "client" }>>): IncumbentEntry => ({
  kind: "client",
  userId: "@alice:example.org",
  server: "irc_libera_chat",
  nick: undefined,
  username: undefined,
  hasPassword: false,
  hasIpv6: false,
  ...over,
});
const writesOf = (steps: Step[]) => steps.flatMap((s) => s.writes);
const skipsOf = (steps: Step[]) => steps.flatMap((s) => s.skips.map((k) => k.reason));

describe("reading the incumbent's NeDB documents", () => {
  it("a channel mapping, an admin room, a private-message room, a room with only directory visibility", () => {
    assert.deepEqual(roomEntry({ id: "!r:x irc.libera.chat #chan", matrix_id: "!r:x", remote_id: "irc.libera.chat #chan", remote: { domain: "irc.libera.chat", channel: "#chan", type: "channel" }, data: { origin: "alias" } }), {
      kind: "channel",
      roomId: "!r:x",
      server: "irc.libera.chat",
      channel: "#chan",
      origin: "alias",
    });
    assert.deepEqual(roomEntry({ id: "!old:x irc.libera.chat #c", matrix_id: "!old:x", remote: { domain: "irc.libera.chat", channel: "#c", type: "channel" }, data: { from_config: true } }), {
      kind: "channel",
      roomId: "!old:x",
      server: "irc.libera.chat",
      channel: "#c",
      origin: "config",
    });
    assert.deepEqual(roomEntry({ id: "ADMIN_@a:x", matrix_id: "!adm:x", matrix: { extras: { admin_id: "@a:x" } }, data: {} }), { kind: "admin", roomId: "!adm:x", userId: "@a:x" });
    assert.deepEqual(roomEntry({ id: "PM_@a:x @irc_bob:x", matrix_id: "!pm:x", remote: { domain: "irc.libera.chat", channel: "bob", type: "pm" }, data: { real_user_id: "@a:x", virtual_user_id: "@irc_bob:x" } }), {
      kind: "pm",
      roomId: "!pm:x",
      server: "irc.libera.chat",
      nick: "bob",
      userId: "@a:x",
      ghostId: "@irc_bob:x",
    });
    assert.deepEqual(roomEntry({ id: "!v:x", matrix_id: "!v:x", matrix: { extras: { visibility: "public" } } }), { kind: "unsupported", what: "visibility", count: 1 });
  });

  it("an admin room without its user is counted, not imported", () => {
    assert.deepEqual(roomEntry({ id: "ADMIN_", matrix_id: "!adm:x", matrix: { extras: {} }, data: {} }), { kind: "unsupported", what: "adminWithoutUser", count: 1 });
    assert.deepEqual(roomEntry({ id: "ADMIN_@a:x", matrix_id: "!adm:x", matrix: { extras: {} }, data: {} }), { kind: "admin", roomId: "!adm:x", userId: "@a:x" });
  });

  it("a Matrix user's settings per server, and what has no home here", () => {
    const entries = userEntries({
      type: "matrix",
      id: "@a:x",
      data: { localpart: "a", client_config: { irc_libera_chat: { nick: "Al", username: "al", password: "sealed", ipv6: "2001:db8::1" } }, features: { mentions: true }, last_seen_ts: 5 },
    });
    assert.deepEqual(entries, [
      { kind: "client", userId: "@a:x", server: "irc_libera_chat", nick: "Al", username: "al", hasPassword: true, hasIpv6: true },
      { kind: "unsupported", what: "features", count: 1 },
      { kind: "unsupported", what: "lastSeen", count: 1 },
    ]);
    assert.deepEqual(userEntries({ type: "remote", id: "config", data: { ipv6_counter_irc_libera_chat: { "*": 3 } } }), [{ kind: "unsupported", what: "ipv6Counters", count: 1 }]);
    assert.deepEqual(userEntries({ type: "remote", id: "bob@irc.libera.chat", data: {} }), [{ kind: "unsupported", what: "ircUsers", count: 1 }]);
  });
});

describe("mapping the incumbent's entries to this bridge's records", () => {
  it("origins: config -> mapped, provision -> linked, alias/join -> portal (one per channel, the next linked)", () => {
    const steps = plan([
      channel("!a:x", "#Cfg", "config"),
      channel("!b:x", "#prov", "provision"),
      channel("!c:x", "#portal", "alias"),
      channel("!d:x", "#PORTAL", "join"),
      channel("!e:x", "#joined", "join"),
    ]);
    const rooms = writesOf(steps).flatMap((w) => (w.kind === "room" ? [[w.record.roomId, w.record.origin, w.record.channel, w.record.folded]] : []));
    assert.deepEqual(rooms, [
      ["!a:x", "mapped", "#Cfg", "#cfg"],
      ["!b:x", "linked", "#prov", "#prov"],
      ["!c:x", "portal", "#portal", "#portal"],
      ["!d:x", "linked", "#PORTAL", "#portal"],
      ["!e:x", "portal", "#joined", "#joined"],
    ]);
    assert.deepEqual(skipsOf(steps), [REASONS.secondPortal]);
  });

  it("servers by the network's addresses (NeDB's underscored names too); others skipped and named once", () => {
    const steps = plan([channel("!a:x", "#a", "config", "irc.eu.libera.chat"), channel("!b:x", "#b", "config", "irc.oftc.net"), client({ server: "irc_oftc_net", nick: "al" }), client({ server: "irc_other_net", nick: "al" })]);
    assert.deepEqual(writesOf(steps).map((w) => w.kind), ["room"]);
    const summary = summarize(steps);
    assert.equal(summary.skipped.get(REASONS.unknownServer), 3);
    // NeDB's underscored name is counted under the dotted one seen in rooms.db; one never seen dotted stays.
    assert.deepEqual([...summary.unknownServers], [["irc.oftc.net", 2], ["irc_other_net", 1]]);
  });

  it("a room bridged to two channels keeps its first", () => {
    const steps = plan([channel("!a:x", "#one", "provision"), channel("!a:x", "#two", "provision"), channel("!a:x", "#one", "provision")]);
    assert.equal(writesOf(steps).length, 1);
    assert.deepEqual(skipsOf(steps), [REASONS.secondChannel]);
  });

  it("a chosen nick becomes desiredNick; the username is kept; a password and an IPv6 address are listed, never imported", () => {
    const steps = plan([client({ nick: "Alice_", username: "alice", hasPassword: true, hasIpv6: true })]);
    assert.deepEqual(writesOf(steps), [
      { kind: "puppet", record: { userId: "@alice:example.org", network: "libera", nick: "Alice_", desiredNick: "Alice_", username: "alice", channels: [], nickNote: undefined } },
    ]);
    assert.deepEqual(skipsOf(steps), [REASONS.password, REASONS.ipv6]);
  });

  it("a nick this bridge would refuse is left out; usernames are cleaned and made unique with a number", () => {
    const steps = plan([
      client({ userId: "@a:x", nick: "9lives", username: "Al Ice!" }),
      client({ userId: "@b:x", username: "alice" }),
      client({ userId: "@c:x", username: "averyverylongname" }),
      client({ userId: "@d:x", username: "averyveryl" }),
      client({ userId: "@e:x", hasPassword: true }),
    ]);
    const puppets = writesOf(steps).flatMap((w) => (w.kind === "puppet" ? [[w.record.userId, w.record.nick, w.record.desiredNick, w.record.username]] : []));
    assert.deepEqual(puppets, [
      ["@a:x", "a[m]", undefined, "alice"],
      ["@b:x", "b[m]", undefined, "alice1"],
      ["@c:x", "c[m]", undefined, "averyveryl"],
      ["@d:x", "d[m]", undefined, "averyvery1"],
    ]);
    const summary = summarize(steps).skipped;
    assert.equal(summary.get(REASONS.badNick), 1);
    assert.equal(summary.get(REASONS.usernameCleaned), 2);
    assert.equal(summary.get(REASONS.usernameTaken), 2);
    assert.equal(summary.get(REASONS.password), 1, "a user with only a password: listed, no record");
  });

  it("admin rooms (unless --no-admin-rooms); private-message rooms only when their ghost is ours", () => {
    const entries: IncumbentEntry[] = [
      { kind: "admin", roomId: "!adm:x", userId: "@a:x" },
      // As the incumbent keeps them: the nick folded, its ghost id in the nick's case.
      { kind: "pm", roomId: "!pm1:x", server: "irc.libera.chat", nick: "bob", userId: "@a:x", ghostId: "@irc_Bob:example.org" },
      { kind: "pm", roomId: "!pm2:x", server: "irc.libera.chat", nick: "carol", userId: "@a:x", ghostId: "@libera_carol:example.org" },
    ];
    const steps = plan(entries);
    assert.deepEqual(writesOf(steps), [
      { kind: "adminRoom", userId: "@a:x", roomId: "!adm:x" },
      { kind: "pmRoom", record: { roomId: "!pm1:x", network: "libera", userId: "@a:x", nick: "bob", folded: "bob", createdAt: 1000 } },
    ]);
    assert.deepEqual(skipsOf(steps), [REASONS.pmOtherGhost]);
    assert.deepEqual(skipsOf(plan(entries.slice(0, 1), false)), [REASONS.adminSkipped]);
  });

  it("after a resume, what was kept is said to count this run's entries only", () => {
    const report = { ...summarize([]), source: "s", entries: 4, applied: 1, kept: new Map([["rooms kept", 1]]) };
    assert.match(formatImportReport({ ...report, resumedAt: 3 }, false), /\n {2}1 rooms kept \(this run's entries only\)/);
    assert.doesNotMatch(formatImportReport({ ...report, resumedAt: 0 }, false), /this run's entries only/);
  });

  it("what has no home here is counted by kind", () => {
    const summary = summarize(plan([{ kind: "unsupported", what: "lastSeen", count: 3 }, { kind: "unsupported", what: "lastSeen", count: 1 }])).skipped;
    assert.equal(summary.get(UNSUPPORTED_REASONS.lastSeen), 4);
  });
});
