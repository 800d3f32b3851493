import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NickChoice } from "../../src/irc/nickChoice";

describe("the nick a connection asks for", () => {
  it("an attempt that found the nick in use and then failed leaves no note and no used-up alternative for the next", () => {
    const nicks = new NickChoice(() => 30);
    nicks.prefer("alice");
    assert.equal(nicks.inUse("irc.example.org"), "alice_");
    assert.match(nicks.note ?? "", /alice was in use/);
    // That attempt dropped before registering; the next one starts over.
    nicks.beforeConnect();
    assert.equal(nicks.wanted, "alice");
    assert.equal(nicks.note, undefined, "no note from the failed attempt");
    assert.equal(nicks.inUse("irc.example.org"), "alice_", "the alternatives start from the first again");
  });

  it("a reconnection asks for the preferred nick, not the alternative the last connection registered with", () => {
    const nicks = new NickChoice(() => 30);
    nicks.prefer("bob");
    nicks.registered(nicks.inUse("irc.example.org"));
    assert.equal(nicks.wanted, "bob_");
    nicks.beforeConnect();
    assert.equal(nicks.wanted, "bob");
  });
});
