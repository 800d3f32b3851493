/**
 * SIGHUP (issue 14, operations; real Synapse and Ergo): the operator edits the config of a running
 * bridge and sends SIGHUP. A user added to access.deniedUsers loses their IRC connection at once;
 * a change that needs a restart is named in the log and not applied; a config that does not
 * validate changes nothing and the log names the key.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { bridges } from "../../scripts/lib/testenv";
import type { Doc } from "../../scripts/lib/localConfig";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

const nickOf = (user: TestUser) => puppetNick(user);

describe("reloading the config with SIGHUP", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("reload")}`;
  let bob: TestIrcClient;

  /** Edits the running bridge's config file, then sends SIGHUP. */
  const edit = (change: (doc: Doc) => void) => {
    const doc = yaml.load(readFileSync(bridge.config.path, "utf8")) as Doc;
    change(doc);
    writeFileSync(bridge.config.path, yaml.dump(doc));
    process.kill(bridge.process?.pid ?? 0, "SIGHUP");
  };
  const network = (doc: Doc) => (doc.ircNetworks as Doc[])[0] as Doc;

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("rb").slice(0, 12));
    await bob.waitOnline(bridge.botNick);
    await bob.join(channel);
  });
  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("a user the new deny list names loses their connection at once; a change that needs a restart is named and not applied", async () => {
    const alice = await registerUser(uniqueName("ra"));
    const carol = await registerUser(uniqueName("rc"));
    const portalA = await joinRoom(alice, bridge.alias(channel));
    const portalC = await joinRoom(carol, bridge.alias(channel));
    await bob.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
    await bob.waitFor(new RegExp(`:${escape(nickOf(carol))}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
    await sendText(alice, portalA, "before the reload");
    await bob.waitFor(/PRIVMSG \S+ :before the reload$/, 20000);
    const from = bob.lines.length;
    edit((doc) => {
      (doc.access as Doc).deniedUsers = [alice.userId];
      network(doc).lineLimit = 7;
    });
    await bridge.process?.waitForLine(/config reloaded: now in effect .*keys=access\.deniedUsers/, 20000);
    await bridge.process?.waitForLine(/config reloaded: these changes take effect only after a restart.*keys=ircNetworks\[0\]\.lineLimit/, 20000);
    await bob.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ QUIT`, "i"), 20000, from);
    // Carol is not on the list: her connection stays and her messages still cross (a marker after the reload).
    await sendText(carol, portalC, "carol after the reload");
    await bob.waitFor(/PRIVMSG \S+ :carol after the reload$/, 20000, from);
    assert.ok(!bob.lines.slice(from).some((l) => new RegExp(`:${escape(nickOf(carol))}!\\S+ QUIT`, "i").test(l)), "carol kept her connection");
  });

  it("a config that does not validate changes nothing, and the log names the key", async () => {
    edit((doc) => {
      (doc.logging as Doc).level = "loud";
    });
    const line = await bridge.process?.waitForLine(/the config was not reloaded/, 20000);
    assert.match(line ?? "", /logging\.level/);
    // Still running with the old config; a correct file reloads again.
    edit((doc) => {
      (doc.logging as Doc).level = "debug";
    });
    await bridge.process?.waitForLine(/config reloaded: now in effect .*keys=logging\.level/, 20000);
  });
});
