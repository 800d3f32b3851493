import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkNicks } from "../../src/bridge/networkNicks";
import { foldCase } from "../../src/irc/casemapping";
import { NetworkIds } from "../../src/matrix/networkIds";

const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";
const ids = new NetworkIds({ ghostTemplate: "irc_{nick}", aliasTemplate: "#irc_{channel}" }, "example.org");

/** A network where Alice's puppet is "Alice[m]", the bot is "matrixbridge", and Carol and Dan[x] are in a channel. */
function scene() {
  const fold = (nick: string) => foldCase(nick, "rfc1459");
  const puppets = new Map<string, string>([[ALICE, "Alice[m]"]]);
  const bot = "matrixbridge";
  const roster = new Map(["Carol", "Dan[x]", "Alice[m]", bot].map((n) => [fold(n), n]));
  const nicks = new NetworkNicks({
    puppetOfNick: (nick) => [...puppets].find(([, n]) => fold(n) === fold(nick))?.[0],
    puppetNick: (userId) => puppets.get(userId),
    isOurs: (nick) => fold(nick) === fold(bot) || [...puppets.values()].some((n) => fold(n) === fold(nick)),
    present: (nick) => roster.get(fold(nick)),
    ghostUserId: (nick) => ids.ghostUserId(nick),
    nickOfGhost: (userId) => ids.nickOfGhost(userId),
    nickTemplate: "{displayname}[m]",
  });
  return { nicks, puppets, roster, fold };
}

describe("NetworkNicks: who is who on one network, for mentions", () => {
  it("a puppet's nick, in any case, names its Matrix user; the display name when known, else the nick", () => {
    const { nicks } = scene();
    assert.deepEqual(nicks.userOfNick("alice{M}"), { userId: ALICE, displayName: "Alice[m]" }, "rfc1459: [] and {} are one case");
    nicks.noteDisplayName(ALICE, "Alice Liddell");
    assert.deepEqual(nicks.userOfNick("ALICE[m]"), { userId: ALICE, displayName: "Alice Liddell" });
    nicks.noteDisplayName(ALICE, undefined);
    assert.deepEqual(nicks.userOfNick("alice[m]"), { userId: ALICE, displayName: "Alice[m]" }, "a removed display name is forgotten");
  });

  it("an IRC user present in a channel names their ghost, with the nick as written; nobody else does", () => {
    const { nicks } = scene();
    assert.deepEqual(nicks.userOfNick("carol"), { userId: ids.ghostUserId("Carol"), displayName: "Carol" });
    assert.deepEqual(nicks.userOfNick("DAN{X}"), { userId: ids.ghostUserId("Dan[x]"), displayName: "Dan[x]" });
    assert.equal(nicks.userOfNick("dave"), undefined, "a nick in no channel is no ghost");
    assert.equal(nicks.userOfNick("hello"), undefined);
    assert.equal(nicks.userOfNick("matrixbridge"), undefined, "the bridge's bot is no ghost");
    assert.equal(nicks.userOfNick(""), undefined);
  });

  it("follows the network: a renamed puppet, an IRC user who left", () => {
    const { nicks, puppets, roster, fold } = scene();
    puppets.set(ALICE, "alice_away");
    roster.delete(fold("Alice[m]"));
    roster.set(fold("alice_away"), "alice_away");
    assert.equal(nicks.userOfNick("Alice[m]"), undefined, "the old nick names nobody");
    assert.equal(nicks.userOfNick("ALICE_AWAY")?.userId, ALICE);
    assert.equal(nicks.nickOfUser(ALICE), "alice_away");
    roster.delete(fold("Carol"));
    assert.equal(nicks.userOfNick("carol"), undefined);
  });

  it("nickOfUser: a ghost's nick (as written when present), a puppet's current nick", () => {
    const { nicks } = scene();
    assert.equal(nicks.nickOfUser(ids.ghostUserId("Carol")), "Carol");
    assert.equal(nicks.nickOfUser(ids.ghostUserId("Gone[away]")), "gone[away]", "not present: as the id says (lower case)");
    assert.equal(nicks.nickOfUser(ALICE), "Alice[m]");
  });

  it("nickOfUser without a connection: the stored nick, else the template (display name, else localpart); never the display name itself", () => {
    const { nicks } = scene();
    assert.equal(nicks.nickOfUser(BOB), "bob[m]", "nothing known: the template with the localpart");
    nicks.noteDisplayName(BOB, "Bobby Display");
    assert.equal(nicks.nickOfUser(BOB), "BobbyDisplay[m]", "the template with the display name, cleaned to a nick");
    nicks.noteStoredNick(BOB, "bobby");
    assert.equal(nicks.nickOfUser(BOB), "bobby", "the stored nick wins");
    assert.equal(nicks.nickOfUser("not a user id"), undefined);
  });
});
