/**
 * Formatting stories, on Ergo against the real Synapse: IRC bold and italic arrive in Matrix as
 * HTML with a clean body; Matrix HTML reaches IRC as IRC codes; a markdown-ish body is never sent
 * when the event has HTML.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, timeline, uniqueName, type TestUser } from "./support/matrixClient";
import { PortalScene } from "./support/portalScene";

let txn = 0;
async function sendHtml(user: TestUser, roomId: string, body: string, html: string): Promise<void> {
  const content = { msgtype: "m.text", body, format: "org.matrix.custom.html", formatted_body: html };
  const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/fmt${Date.now()}.${txn++}`, user.token, content);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

describe("formatting both ways (Ergo)", () => {
  const scene = new PortalScene(new RunningBridge(bridges.sample), `#${uniqueName("fmt")}`);

  before(async () => {
    await scene.setUp();
    await scene.talker.waitOnline(scene.bridge.botNick);
  });

  after(async () => {
    await scene.tearDown();
  });

  it("an IRC user's bold and italic arrive as <strong>/<em> HTML, with the codes stripped from the body", async () => {
    scene.talker.say(scene.channel, "\x02bold\x02 and \x1ditalic\x1d <b>not markup</b>");
    const ghost = scene.bridge.ghost(scene.talker.nick);
    const event = await eventually(
      async () => (await timeline(scene.alice, scene.roomId)).find((e) => e.sender === ghost && typeof e.content.body === "string" && e.content.body.startsWith("bold and italic")),
      20000,
      "the formatted IRC message in Matrix",
    );
    assert.equal(event.content.body, "bold and italic <b>not markup</b>");
    assert.equal(event.content.format, "org.matrix.custom.html");
    assert.equal(event.content.formatted_body, "<strong>bold</strong> and <em>italic</em> &#60;b&#62;not markup&#60;/b&#62;");
  });

  it("a Matrix user's <em> and <strong> reach IRC as italic and bold codes", async () => {
    const from = scene.talker.lines.length;
    await sendHtml(scene.alice, scene.roomId, "_hi_ **there**", "<em>hi</em> <strong>there</strong>");
    const line = await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(scene.nick)}!\\S+ PRIVMSG \\S+ :.*there`, "i"), 20000, from);
    assert.equal(line.replace(/^.* PRIVMSG \S+ :/, ""), "\x1dhi\x1d \x02there\x02");
  });

  it("a markdown-ish body with HTML reaches IRC as the HTML's formatting, never as the markdown", async () => {
    const from = scene.talker.lines.length;
    await sendHtml(scene.alice, scene.roomId, "**x**", "<strong>x</strong>");
    // The positive control: a plain message said after it, so the formatted one has had its turn.
    await sendHtml(scene.alice, scene.roomId, "marker", "<p>marker</p>");
    await scene.talker.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(scene.nick)}!\\S+ PRIVMSG \\S+ :marker$`, "i"), 20000, from);
    const said = scene.talker.lines.slice(from).filter((l) => / PRIVMSG /.test(l)).map((l) => l.replace(/^.* PRIVMSG \S+ :/, ""));
    assert.deepEqual(said, ["\x02x\x02", "marker"]);
  });
});
