import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageEvent, RedactEvent, TagmsgEvent } from "../../src/irc/events";
import { connected } from "../support/connectedClient";

const MULTILINE = ["message-tags", "echo-message", "batch", "server-time", "draft/multiline=max-bytes=4096,max-lines=24"];
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

describe("IrcConnection and IRCv3 client tags (a scripted server)", () => {
  it("a 2-line message goes as one draft/multiline batch; the batch's echo confirms it once, with the batch's msgid", async () => {
    const { server, connection, done } = await connected(MULTILINE);
    try {
      const opened: string[] = [];
      server.onLine = (line, send) => {
        const open = /^BATCH \+(\S+) draft\/multiline (\S+)/.exec(line);
        if (open) opened.push(open[1] ?? "");
        if (/^BATCH -/.test(line)) {
          send("@msgid=B1;time=2026-01-01T00:00:00.000Z :alice!a@h BATCH +e1 draft/multiline #c");
          send("@batch=e1 :alice!a@h PRIVMSG #c :first");
          send("@batch=e1 :alice!a@h PRIVMSG #c :second");
          send(":alice!a@h BATCH -e1");
        }
      };
      const heard: MessageEvent[] = [];
      connection.on("message", (e) => heard.push(e));
      const said = connection.say("privmsg", "#c", "first\nsecond");
      assert.ok(said);
      assert.equal(await said, "B1");
      const id = opened[0] ?? "";
      assert.deepEqual(
        server.received.filter((l) => /BATCH|PRIVMSG/.test(l)),
        [`BATCH +${id} draft/multiline #c`, `@batch=${id} PRIVMSG #c first`, `@batch=${id} PRIVMSG #c second`, `BATCH -${id}`],
      );
      await until(() => heard.length === 1, "the echo is heard as one message");
      const [echo] = heard;
      assert.ok(echo);
      assert.equal(echo.text, "first\nsecond");
      assert.equal(echo.tags.msgid, "B1");
    } finally {
      await done();
    }
  });

  it("an incoming multiline batch from someone else is one message event with the opening line's msgid and time", async () => {
    const { server, connection, done } = await connected(MULTILINE);
    try {
      const heard: MessageEvent[] = [];
      connection.on("message", (e) => heard.push(e));
      server.onLine = (line, send) => {
        if (line !== "NAMES #go") return;
        send("@msgid=M7;time=2026-01-01T00:00:01.000Z;+draft/reply=m0 :bob!b@h BATCH +x draft/multiline #c");
        send("@batch=x :bob!b@h PRIVMSG #c :top");
        send("@batch=x;draft/multiline-concat :bob!b@h PRIVMSG #c :-continued");
        send("@batch=x :bob!b@h PRIVMSG #c :bottom");
        send(":bob!b@h BATCH -x");
        send(":bob!b@h PRIVMSG #c :marker");
      };
      void connection.send("NAMES", ["#go"]);
      // A plain line sent after the batch is the positive control: once it is heard, the batch was all heard.
      await until(() => heard.some((e) => e.text === "marker"), "the marker after the batch is heard");
      assert.deepEqual(
        heard.map((e) => e.text),
        ["top-continued\nbottom", "marker"],
        "the batch is one message",
      );
      assert.deepEqual([heard[0]?.from, heard[0]?.target, heard[0]?.text, heard[0]?.tags.msgid, heard[0]?.tags["+draft/reply"], heard[0]?.time, heard[0]?.batch], [
        "bob",
        "#c",
        "top-continued\nbottom",
        "M7",
        "m0",
        Date.parse("2026-01-01T00:00:01.000Z"),
        undefined,
      ]);
    } finally {
      await done();
    }
  });

  it("after registration the client keeps only draft/multiline's value of the caps offered, and still sends batches within it", async () => {
    // A server that offers many caps with values, as Ergo does (30 and more in its CAP LS).
    const offered = [...MULTILINE, ...Array.from({ length: 30 }, (_, i) => `vendor.example/cap${i}=some,value,${i}`)];
    const { server, connection, done } = await connected(offered);
    try {
      const available: unknown = Reflect.get(Reflect.get(Reflect.get(Reflect.get(connection, "client") as object, "network") as object, "cap") as object, "available");
      assert.ok(available instanceof Map);
      assert.deepEqual([...available.entries()], [["draft/multiline", "max-bytes=4096,max-lines=24"]]);
      server.onLine = (line, send) => {
        if (!/^BATCH -/.test(line)) return;
        send("@msgid=B2 :alice!a@h BATCH +e2 draft/multiline #c");
        send("@batch=e2 :alice!a@h PRIVMSG #c :one");
        send("@batch=e2 :alice!a@h PRIVMSG #c :two");
        send(":alice!a@h BATCH -e2");
      };
      const said = connection.say("privmsg", "#c", "one\ntwo");
      assert.ok(said);
      assert.equal(await said, "B2");
      assert.equal(server.received.filter((l) => /^BATCH \+/.test(l)).length, 1, `one batch, its limits read after registration; sent: ${server.received.join(" | ")}`);
    } finally {
      await done();
    }
  });

  it("without draft/multiline the lines go one by one, each confirmed by its own echo", async () => {
    const { server, connection, done } = await connected(["message-tags", "echo-message"]);
    try {
      let n = 0;
      server.onLine = (line, send) => {
        const m = /^PRIVMSG (\S+) :?(.*)$/.exec(line);
        if (m) send(`@msgid=L${++n} :alice!a@h PRIVMSG ${m[1] ?? ""} :${m[2] ?? ""}`);
      };
      assert.equal(await connection.say("privmsg", "#c", "one\ntwo"), "L1");
      assert.deepEqual(server.received.filter((l) => /PRIVMSG/.test(l)), ["PRIVMSG #c one", "PRIVMSG #c two"]);
    } finally {
      await done();
    }
  });

  it("TAGMSG and REDACT from others are reported; a TAGMSG is sent only where the server has message-tags", async () => {
    const { server, connection, done } = await connected(["message-tags", "draft/message-redaction"]);
    try {
      const tagmsgs: TagmsgEvent[] = [];
      const redacts: RedactEvent[] = [];
      connection.on("tagmsg", (e) => tagmsgs.push(e));
      connection.on("redact", (e) => redacts.push(e));
      server.onLine = (line, send) => {
        if (line !== "NAMES #go") return;
        send("@msgid=t1;+draft/react=👍;+draft/reply=m1 :bob!b@h TAGMSG #c");
        send("@msgid=r1;time=2026-01-01T00:00:02.000Z :bob!b@h REDACT #c m1 :my mistake");
      };
      assert.equal(connection.tagmsg("#c", { "+typing": "active" }), true);
      void connection.send("NAMES", ["#go"]);
      await until(() => redacts.length === 1, "the REDACT is heard");
      assert.deepEqual([tagmsgs[0]?.from, tagmsgs[0]?.target, tagmsgs[0]?.tags["+draft/react"], tagmsgs[0]?.tags["+draft/reply"]], ["bob", "#c", "👍", "m1"]);
      assert.deepEqual([redacts[0]?.from, redacts[0]?.target, redacts[0]?.msgid, redacts[0]?.reason, redacts[0]?.time], ["bob", "#c", "m1", "my mistake", Date.parse("2026-01-01T00:00:02.000Z")]);
      assert.ok(server.received.includes("@+typing=active TAGMSG #c"));
    } finally {
      await done();
    }
    const plain = await connected([]);
    try {
      assert.equal(plain.connection.tagmsg("#c", { "+typing": "active" }), false);
    } finally {
      await plain.done();
    }
  });
});
