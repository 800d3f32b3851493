import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfiguredAccess, type AccessLists, type BanSource } from "../../src/access/accessPolicy";
import { compilePattern, PatternIndex } from "../../src/access/patterns";
import { readRule, redactedEventId, type PolicyRule } from "../../src/access/policyRules";
import { RuleBook } from "../../src/access/ruleBook";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import type { MatrixEvent } from "../../src/matrix/events";

const matches = (pattern: string, text: string) => compilePattern(pattern).test(text);

describe("access patterns", () => {
  const table: [string, string, boolean][] = [
    ["@*:evil.example", "@bob:evil.example", true],
    ["@*:evil.example", "@bob:evil.example.org", false],
    ["@*:evil.example", "@bob:notevil.example", false],
    ["*.example.org", "matrix.example.org", true],
    ["*.example.org", "example.org", false],
    ["*.example.org", "a.b.example.org", true],
    ["@spam?:x.org", "@spam1:x.org", true],
    ["@spam?:x.org", "@spam12:x.org", false],
    ["@Alice:Example.org", "@alice:example.org", true],
    ["@a.b:x", "@axb:x", false],
    ["@a+(b):x", "@a+(b):x", true],
    ["/^@spam[0-9]+:/", "@spam42:anywhere", true],
    ["/^@spam[0-9]+:/", "@Spam42:anywhere", false],
    ["/^@spam[0-9]+:/i", "@Spam42:anywhere", true],
    ["/evil/", "@bob:evil.example", true],
  ];
  for (const [pattern, text, expected] of table) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${text}`, () => assert.equal(matches(pattern, text), expected));
  }

  it("invalid patterns throw with what is wrong", () => {
    assert.throws(() => compilePattern("/[unclosed/"), /not a valid regular expression/);
    assert.throws(() => compilePattern("//"), /empty regular expression/);
    assert.throws(() => compilePattern("/x/g"), /flags g and y/);
    assert.throws(() => compilePattern(" "), /empty pattern/);
  });

  it("an index finds the earliest-added matching pattern, by literal, glob or regex, and forgets removed ones", () => {
    const index = new PatternIndex<string>();
    index.add("@*:evil.example", "glob");
    index.add("@bob:evil.example", "literal");
    index.add("/^@bob/", "regex");
    assert.equal(index.find("@bob:evil.example"), "glob");
    assert.equal(index.find("@BOB:evil.example"), "glob", "globs and literals ignore case");
    assert.equal(index.find("@bob:good.example"), "regex");
    assert.equal(index.find("@carol:good.example"), undefined);
    assert.equal(index.remove("@*:evil.example", "glob"), true);
    assert.equal(index.find("@bob:evil.example"), "literal");
    assert.equal(index.remove("@*:evil.example", "glob"), false, "already gone");
    assert.equal(index.find("@carol:evil.example"), undefined, "the combined glob expression was rebuilt");
    assert.equal(index.size, 2);
  });

  it("globs sharing a literal tail are told apart; removing one keeps the other", () => {
    const index = new PatternIndex<true>();
    index.add("@a*:evil.example", true);
    index.add("@b*:evil.example", true);
    index.add("*?.example", true);
    assert.equal(index.find("@bob:evil.example"), true);
    assert.equal(index.remove("@b*:evil.example", true), true);
    assert.equal(index.find("@bob:evil.example"), true, "still matched by *?.example");
    assert.equal(index.remove("*?.example", true), true);
    assert.equal(index.find("@bob:evil.example"), undefined);
    assert.equal(index.find("@al:evil.example"), true);
    assert.equal(index.find("ample"), undefined, "a text shorter than a tail");
  });
});

const NO_BANS: BanSource = { match: () => undefined, listName: (id) => id };
const lists = (extra: Partial<AccessLists>): AccessLists => ({ allowedUsers: [], deniedUsers: [], allowedServers: [], deniedServers: [], excludedUsers: [], ...extra });
const verdict = (policy: ConfiguredAccess, userId: string) => {
  const v = policy.check(userId);
  return v.ok ? "ok" : `${v.why}: ${v.reason}`;
};

describe("the access policy", () => {
  it("empty allow lists allow everyone", () => {
    assert.equal(verdict(new ConfiguredAccess(lists({}), NO_BANS), "@anyone:anywhere.example"), "ok");
  });

  it("deny beats allow, for users and servers", () => {
    const policy = new ConfiguredAccess(lists({ allowedServers: ["example.org"], allowedUsers: ["@friend:*"], deniedUsers: ["@troll:example.org"], deniedServers: ["bad.example"] }), NO_BANS);
    assert.equal(verdict(policy, "@alice:example.org"), "ok");
    assert.equal(verdict(policy, "@friend:elsewhere.example"), "ok", "an allowed user on a server not allowed");
    assert.equal(verdict(policy, "@troll:example.org"), "denied: this bridge's operators do not allow your account to use it");
    assert.equal(verdict(policy, "@friend:bad.example"), "denied: this bridge does not serve users of bad.example");
    assert.match(verdict(policy, "@carol:elsewhere.example"), /^denied: this bridge serves only the accounts and homeservers its operators allowed/);
  });

  it("excluded users are refused and known as excluded", () => {
    const policy = new ConfiguredAccess(lists({ excludedUsers: ["@*bot:example.org"] }), NO_BANS);
    assert.equal(policy.isExcluded("@telegrambot:example.org"), true);
    assert.equal(policy.isExcluded("@alice:example.org"), false);
    assert.match(verdict(policy, "@telegrambot:example.org"), /^excluded: /);
  });

  it("a ban names its list and reason; a server ban names the server", () => {
    const book = new RuleBook();
    book.set("s1", { list: "!list:example.org", kind: "user", entity: "@spammer:*", reason: "spam" }, "$1");
    book.set("s2", { list: "!list:example.org", kind: "server", entity: "*.evil.example", reason: "" }, "$2");
    const policy = new ConfiguredAccess(lists({}), { match: (u) => book.match(u), listName: () => "#bans:example.org" });
    assert.equal(verdict(policy, "@spammer:x.org"), "banned: your account is on the ban list #bans:example.org (spam)");
    assert.equal(verdict(policy, "@bob:hs.evil.example"), "banned: your homeserver hs.evil.example is on the ban list #bans:example.org");
    assert.equal(verdict(policy, "@bob:evil.example"), "ok", "*.evil.example does not cover evil.example itself");
  });

  it("invalid patterns in the config name the failing key and entry", () => {
    const text = `
homeserver: { url: "http://hs.example:8008", domain: example.org }
access: { deniedUsers: ["@ok:x", "/[broken/"], banLists: { rooms: ["not-a-room"] } }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`;
    try {
      parseConfig(text, "test.yaml");
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const problems = err.problems.map((p) => `${p.path}: ${p.message}`);
      assert.equal(problems.length, 2, problems.join("\n"));
      assert.match(problems[0] ?? "", /^access\.deniedUsers: entry 1 \("\/\[broken\/"\): .*not a valid regular expression/);
      assert.match(problems[1] ?? "", /^access\.banLists\.rooms: each entry must be a room id or alias/);
    }
  });
});

const rule = (type: string, stateKey: string, content: Record<string, unknown>, eventId = `$${stateKey}`): MatrixEvent => ({
  type,
  state_key: stateKey,
  event_id: eventId,
  room_id: "!list:example.org",
  content,
});

function apply(book: RuleBook, event: MatrixEvent): boolean {
  const read = readRule("!list:example.org", event);
  assert.ok(read !== undefined, `${event.type} is a rule type`);
  return book.set(read.slot, read.rule, event.event_id).added;
}

describe("policy list rules", () => {
  it("user and server rules of the current and older types, with m.ban, ban; other recommendations do not", () => {
    const book = new RuleBook();
    assert.equal(apply(book, rule("m.policy.rule.user", "a", { entity: "@a:x.org", recommendation: "m.ban", reason: "spam" })), true);
    apply(book, rule("m.room.rule.user", "b", { entity: "@b:*", recommendation: "m.ban" }));
    apply(book, rule("org.matrix.mjolnir.rule.server", "c", { entity: "evil.example", recommendation: "org.matrix.mjolnir.ban" }));
    assert.equal(apply(book, rule("m.policy.rule.user", "d", { entity: "@d:x.org", recommendation: "org.example.watch" })), false);
    assert.equal(readRule("!list:example.org", rule("m.policy.rule.room", "r", { entity: "!r:x", recommendation: "m.ban" })), undefined, "room rules are not ours");
    assert.equal(book.match("@a:x.org")?.reason, "spam");
    assert.equal(book.match("@b:y.org")?.entity, "@b:*");
    assert.equal(book.match("@anyone:evil.example")?.kind, "server");
    assert.equal(book.match("@d:x.org"), undefined);
    assert.equal(book.size, 3);
  });

  it("a new event in a rule's slot replaces it; an empty content removes it", () => {
    const book = new RuleBook();
    apply(book, rule("m.policy.rule.user", "k", { entity: "@old:x.org", recommendation: "m.ban" }, "$1"));
    apply(book, rule("m.policy.rule.user", "k", { entity: "@new:x.org", recommendation: "m.ban" }, "$2"));
    assert.equal(book.match("@old:x.org"), undefined);
    assert.ok(book.match("@new:x.org"));
    assert.equal(apply(book, rule("m.policy.rule.user", "k", {}, "$3")), false);
    assert.equal(book.match("@new:x.org"), undefined);
    assert.equal(book.size, 0);
  });

  it("a redaction removes the rule its event set, not a newer one in the same slot", () => {
    const book = new RuleBook();
    apply(book, rule("m.policy.rule.server", "s", { entity: "evil.example", recommendation: "m.ban" }, "$old"));
    apply(book, rule("m.policy.rule.server", "s2", { entity: "*.bad.example", recommendation: "m.ban" }, "$glob"));
    const redaction: MatrixEvent & { redacts: string } = { type: "m.room.redaction", redacts: "$glob", content: {} };
    book.redact(redactedEventId(redaction) ?? assert.fail("no redacted id"));
    assert.equal(book.match("@x:hs.bad.example"), undefined);
    assert.ok(book.match("@x:evil.example"));
    apply(book, rule("m.policy.rule.server", "s", { entity: "evil.example", recommendation: "m.ban" }, "$newer"));
    book.redact("$old");
    assert.ok(book.match("@x:evil.example"), "the slot holds a newer event now");
    assert.equal(redactedEventId({ type: "m.room.redaction", content: { redacts: "$v11" } }), "$v11", "room version 11 puts it in the content");
  });

  it("replacing a list's rules keeps other lists' rules; an unusable entity is counted, not fatal", () => {
    const book = new RuleBook();
    const ban = (list: string, entity: string): PolicyRule => ({ list, kind: "user", entity, reason: "" });
    book.set("a1", ban("!a:x", "@one:x"), "$a1");
    book.set("b1", ban("!b:x", "@two:x"), "$b1");
    book.replaceList("!a:x", [{ slot: "a2", rule: ban("!a:x", "@three:x"), eventId: "$a2" }, { slot: "a3", rule: ban("!a:x", "/[bad/"), eventId: "$a3" }]);
    assert.equal(book.match("@one:x"), undefined);
    assert.ok(book.match("@two:x"));
    assert.ok(book.match("@three:x"));
    assert.equal(book.unusable, 1);
  });
});
