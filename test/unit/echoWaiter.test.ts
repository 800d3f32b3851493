import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EchoWaiter } from "../../src/irc/echoWaiter";

describe("echo confirmation", () => {
  it("confirms the oldest line waiting for a target, case-insensitively", async () => {
    const echoes = new EchoWaiter();
    const order: string[] = [];
    const first = echoes.wait("#Chan", 10000).then(() => order.push("first"));
    const second = echoes.wait("#chan", 10000).then(() => order.push("second"));
    echoes.settle("#CHAN");
    await first;
    assert.deepEqual(order, ["first"]);
    echoes.settle("#chan");
    await second;
    assert.deepEqual(order, ["first", "second"]);
  });

  it("a refusal answers the oldest line with the server's reason", async () => {
    const echoes = new EchoWaiter();
    const refused = echoes.wait("#mod", 10000);
    echoes.settle("#mod", new Error("Cannot send to channel (+m)"));
    await assert.rejects(refused, /\+m/);
  });

  it("a line the server never echoes counts as sent after the timeout, so the channel's order moves on", async () => {
    const echoes = new EchoWaiter();
    const started = Date.now();
    await echoes.wait("#silent", 50);
    assert.ok(Date.now() - started >= 45);
    const next = echoes.wait("#silent", 10000);
    echoes.settle("#silent");
    await next;
  });

  it("a lost connection fails every line still waiting", async () => {
    const echoes = new EchoWaiter();
    const a = echoes.wait("#a", 10000);
    const b = echoes.wait("#b", 10000);
    echoes.failAll("connection lost");
    await assert.rejects(a, /connection lost/);
    await assert.rejects(b, /connection lost/);
  });
});
