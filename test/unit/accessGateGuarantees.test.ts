import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allowEveryone, ConfiguredAccess, type AccessLists, type BanSource } from "../../src/access/accessPolicy";
import { compilePattern, PatternIndex } from "../../src/access/patterns";

const NO_BANS: BanSource = { match: () => undefined, listName: (id) => id };
const lists = (extra: Partial<AccessLists>): AccessLists => ({ allowedUsers: [], deniedUsers: [], allowedServers: [], deniedServers: [], excludedUsers: [], ...extra });

describe("the access gate: what its guarantees promise beyond the happy path", () => {
  it("allowEveryone (the default config, no lists) allows every user and excludes nobody", () => {
    assert.deepEqual(allowEveryone.check("@anyone:anywhere.example"), { ok: true });
    assert.equal(allowEveryone.isExcluded("@anyone:anywhere.example"), false);
  });

  it("an excluded user is told, in words, why", () => {
    const verdict = new ConfiguredAccess(lists({ excludedUsers: ["@bot:x"] }), NO_BANS).check("@bot:x");
    assert.deepEqual(verdict, { ok: false, why: "excluded", reason: "this bridge's operators excluded your account from it" });
  });

  it("server patterns are matched against the part after the colon only; an id with none has no server", () => {
    const policy = new ConfiguredAccess(lists({ deniedServers: ["/./"] }), NO_BANS);
    assert.equal(policy.check("@bob:evil.example").ok, false, "positive control: any server is denied");
    assert.deepEqual(policy.check("evil.example"), { ok: true }, "no colon: the server is empty, which /./ does not match");
  });
});

describe("access patterns and their index: beyond the happy path", () => {
  it("a glob may contain a slash (Matrix localparts may); only a leading slash with a closing one makes a regex", () => {
    assert.equal(compilePattern("@*/bridge:x").test("@a/bridge:x"), true);
    assert.equal(compilePattern("@*/bridge:x").test("@a/other:x"), false);
    assert.equal(compilePattern("/home*").test("/homeserver"), true, "no closing slash: a glob");
    assert.equal(compilePattern("/home*").test("homeserver"), false);
  });

  it("a glob whose leading wildcard matches nothing finds a text that is exactly its tail", () => {
    const index = new PatternIndex<string>();
    index.add("*evil.example", "tail");
    assert.equal(index.find("evil.example"), "tail");
    assert.equal(index.find("sub.evil.example"), "tail");
    assert.equal(index.find("vil.example"), undefined);
  });

  it("a glob ending in a wildcard and a regular expression can be removed, and match nothing afterwards", () => {
    const index = new PatternIndex<string>();
    index.add("@spam*", "open");
    index.add("/^@troll/", "regex");
    index.add("/^@spam.*:x$/", "regex with a star");
    assert.equal(index.find("@spammer:x"), "open");
    assert.equal(index.find("@troll:x"), "regex");
    assert.equal(index.remove("@spam*", "open"), true);
    assert.equal(index.find("@spammer:x"), "regex with a star");
    assert.equal(index.remove("/^@spam.*:x$/", "regex with a star"), true);
    assert.equal(index.find("@spammer:x"), undefined);
    assert.equal(index.remove("/^@troll/", "regex"), true);
    assert.equal(index.find("@troll:x"), undefined);
    assert.equal(index.size, 0);
  });

  it("remove takes out only the entry with that text and that value, and keeps the others under the same key", () => {
    const index = new PatternIndex<string>();
    index.add("@*:evil.example", "first");
    index.add("@*:evil.example", "second");
    index.add("@b*:evil.example", "third");
    assert.equal(index.remove("@*:evil.example", "other"), false, "same text, another value");
    assert.equal(index.remove("@a*:evil.example", "first"), false, "same tail and value, another text");
    assert.equal(index.remove("@nobody:x", "first"), false, "a key never added");
    assert.equal(index.size, 3);
    assert.equal(index.find("@bob:evil.example"), "first");
    assert.equal(index.remove("@*:evil.example", "first"), true);
    assert.equal(index.find("@bob:evil.example"), "second", "the other entry under the same tail stays");
    assert.equal(index.remove("@*:evil.example", "second"), true);
    assert.equal(index.find("@bob:evil.example"), "third");
    assert.equal(index.find("@carol:evil.example"), undefined);
  });

  it("literal entries: removing one of two with the same text keeps the other, and the earliest still wins", () => {
    const index = new PatternIndex<string>();
    index.add("@bob:x", "a");
    index.add("@BOB:x", "b");
    assert.equal(index.find("@bob:x"), "a");
    assert.equal(index.remove("@bob:x", "a"), true);
    assert.equal(index.find("@Bob:x"), "b");
    assert.equal(index.remove("@bob:x", "b"), false, "its text is @BOB:x");
    assert.equal(index.remove("@BOB:x", "b"), true);
    assert.equal(index.find("@bob:x"), undefined);
  });
});
