import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { AdminCommand, AdminNetwork } from "../../src/admin/command";
import { CommandRunner } from "../../src/admin/commandRunner";
import { COMMANDS } from "../../src/admin/commands";
import { readBridgeVersion } from "../../src/admin/version";
import { UserFacingError } from "../../src/errors";
import { recordingAdminContext, recordingRedact } from "../support/fakeAdmin";
import { silentLogger } from "../support/silentLogger";

const ALICE = "@alice:example.org";
const ADMIN = "@root:example.org";
const TESTNET: AdminNetwork = { id: "testnet", name: "TestNet" };
const OTHER: AdminNetwork = { id: "other", name: "Other Net" };

const secret: AdminCommand = {
  name: "secret",
  args: "",
  summary: "Something only admins may do.",
  adminOnly: true,
  run: () => Promise.resolve("done"),
};
const failing: AdminCommand = {
  name: "fail",
  args: "[how]",
  summary: "Fails.",
  run: (_ctx, argv) => Promise.reject(argv[0] === "user" ? new UserFacingError("You cannot do that now.") : new Error("internal detail")),
};

function setup(networks: readonly AdminNetwork[] = [TESTNET], commands: readonly AdminCommand[] = COMMANDS) {
  const { context, reconnects, stored, passwords } = recordingAdminContext(networks, (userId) => userId === ADMIN);
  const replies: string[] = [];
  const redactions: string[] = [];
  const runner = new CommandRunner({
    commands,
    context,
    redact: recordingRedact(redactions),
    reply: (userId, roomId, text) => replies.push(`${roomId} ${userId} ${text}`),
    log: silentLogger(),
  });
  const say = (body: string, userId = ALICE) => runner.run(userId, body);
  return { runner, say, reconnects, replies, stored, passwords, redactions };
}

describe("admin commands", () => {
  it("refuses a NUL anywhere and a CR inside the first line", async () => {
    const { say, reconnects } = setup();
    assert.match(await say("!reconnect\u0000"), /NUL/);
    assert.match(await say("!reconnect\nsecond line \u0000"), /NUL/);
    assert.match(await say("!reconnect\rtestnet"), /carriage return/);
    assert.match(await say("!reconnect\r"), /carriage return/, "a lone CR is not a line end");
    assert.deepEqual(reconnects, []);
    assert.equal(await say("!reconnect\r\nmore"), "Reconnecting you to testnet.", "CRLF ends the line");
  });

  it("reads only the first line", async () => {
    const { say, reconnects } = setup();
    assert.equal(await say("!reconnect\n!help\n!reconnect"), "Reconnecting you to testnet.");
    assert.deepEqual(reconnects, [`testnet ${ALICE}`]);
    assert.match(await say("hello\n!reconnect"), /only understand commands.*!help/);
    assert.equal(reconnects.length, 1);
  });

  it("an unknown command points to !help", async () => {
    const { say } = setup();
    assert.equal(await say("!frobnicate now"), "Unknown command !frobnicate. Say !help for the list of commands.");
  });

  it("with one network, the network may be named or left out", async () => {
    const { say, reconnects } = setup();
    await say("!reconnect");
    await say("!Reconnect TestNet");
    assert.deepEqual(reconnects, [`testnet ${ALICE}`, `testnet ${ALICE}`]);
    assert.match(await say("!reconnect elsewhere"), /takes no other arguments/);
  });

  it("with two networks, the network must be named", async () => {
    const { say, reconnects } = setup([TESTNET, OTHER]);
    assert.equal(await say("!reconnect"), "Which network? Say !reconnect <network>, with one of: testnet (TestNet), other (Other Net).");
    assert.match(await say("!reconnect nowhere"), /^There is no network "nowhere"\. Say !reconnect <network>/);
    assert.deepEqual(reconnects, []);
    assert.equal(await say("!reconnect other"), "Reconnecting you to other.");
    assert.deepEqual(reconnects, [`other ${ALICE}`]);
  });

  it("!help lists the commands from the registry, hiding admin-only ones from others", async () => {
    const { say } = setup([TESTNET], [...COMMANDS, secret]);
    const help = await say("!help");
    const line = (c: AdminCommand) => `!${c.name}${c.args === "" ? "" : ` ${c.args}`}: ${c.summary}`;
    for (const c of COMMANDS.filter((c) => c.adminOnly !== true)) assert.ok(help.includes(line(c)), `${c.name} listed`);
    for (const c of COMMANDS.filter((c) => c.adminOnly === true)) assert.ok(!help.includes(`!${c.name} `), `${c.name} hidden from a user who is no admin`);
    assert.doesNotMatch(help, /secret/);
    assert.match(help, /\[network\] may be left out/);
    const adminHelp = await say("!help", ADMIN);
    for (const c of COMMANDS) assert.ok(adminHelp.includes(line(c)), `${c.name} listed for an admin`);
    assert.match(adminHelp, /!secret: Something only admins may do\. \(bridge admins only\)/);
  });

  it("admin-only commands are refused to others", async () => {
    const { say } = setup([TESTNET], [...COMMANDS, secret]);
    assert.equal(await say("!secret"), "!secret is only for bridge administrators.");
    assert.equal(await say("!secret", ADMIN), "done");
  });

  it("a failing command answers with its user message, or a generic one", async () => {
    const { say } = setup([TESTNET], [failing]);
    assert.equal(await say("!fail user"), "You cannot do that now.");
    const generic = await say("!fail");
    assert.equal(generic, "!fail failed; the bridge's log has the details.");
  });

  it("!bridgeversion tells the version; the bridge reads it from package.json", async () => {
    const { say } = setup();
    assert.equal(await say("!bridgeversion"), "matrix-irc-puppet-bridge 1.2.3");
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as { version: string };
    assert.equal(readBridgeVersion(), pkg.version);
    assert.equal(readBridgeVersion("/nonexistent/package.json"), "unknown");
  });

  it("handle replies in the room it was asked in", async () => {
    const { runner, replies } = setup();
    await runner.handle("!admin:example.org", ALICE, "!reconnect");
    assert.deepEqual(replies, [`!admin:example.org ${ALICE} Reconnecting you to testnet.`]);
  });

  it("!storepass keeps spaces in the password, redacts the message, never echoes the password", async () => {
    const { runner, stored, redactions } = setup();
    const reply = await runner.run(ALICE, "!storepass  correct horse  battery", { roomId: "!admin:x", eventId: "$pw" });
    assert.deepEqual(stored, [`testnet ${ALICE} correct horse  battery`]);
    assert.deepEqual(redactions, ["!admin:x $pw"]);
    assert.match(reply, /^Password stored \(sealed\) for the account alice on TestNet/);
    assert.ok(!reply.includes("horse"), "the password is not echoed");
  });

  it("!storepass without a key, or when the redaction fails, says so", async () => {
    const { runner } = setup();
    const refused = await runner.run(ALICE, "!storepass nokey", { roomId: "!admin:x", eventId: "$fails" });
    assert.match(refused, /^Your password was not stored: no key\. I could not remove your message: please redact it yourself\.$/);
    assert.match(await runner.run(ALICE, "!storepass", { roomId: "!admin:x", eventId: "$e" }), /^Usage: !storepass/);
  });

  it("!storepass with two networks takes the network argument out of the password", async () => {
    const { runner, stored } = setup([TESTNET, { id: "other", name: "Other" }]);
    await runner.run(ALICE, "!storepass other my secret", { roomId: "!admin:x", eventId: "$pw" });
    assert.deepEqual(stored, [`other ${ALICE} my secret`]);
  });

  it("!storepass on two networks with no network named: the password is not repeated in 'which network'", async () => {
    const { runner, stored, redactions } = setup([TESTNET, OTHER]);
    const reply = await runner.run(ALICE, "!storepass hunter2", { roomId: "!admin:x", eventId: "$pw" });
    assert.deepEqual(stored, []);
    assert.deepEqual(redactions, ["!admin:x $pw"]);
    assert.ok(!reply.includes("hunter2"), reply);
    assert.match(reply, /^There is no network by that name\. Say !storepass <network>/);
  });

  it("!removepass forgets the password", async () => {
    const { runner, say, passwords } = setup();
    await runner.run(ALICE, "!storepass hunter2", { roomId: "!admin:x", eventId: "$pw" });
    assert.deepEqual([...passwords.keys()], [`testnet ${ALICE}`], "positive control: a password is stored first");
    assert.equal(await say("!removepass"), "Your password for TestNet was removed; your next connection will not identify.");
    assert.deepEqual([...passwords.keys()], [], "it is gone");
    assert.equal(await say("!removepass"), "You had no stored password for TestNet.");
  });

  it("!removepass on two networks forgets only the named network's password, and only the sender's", async () => {
    const { runner, say, passwords } = setup([TESTNET, OTHER]);
    await runner.run(ALICE, "!storepass testnet one", { roomId: "!admin:x", eventId: "$a" });
    await runner.run(ALICE, "!storepass other two", { roomId: "!admin:x", eventId: "$b" });
    await runner.run(ADMIN, "!storepass other three", { roomId: "!admin:y", eventId: "$c" });
    assert.equal(await say("!removepass other"), "Your password for Other Net was removed; your next connection will not identify.");
    assert.deepEqual([...passwords.keys()].sort(), [`other ${ADMIN}`, `testnet ${ALICE}`]);
  });
});
