import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mediaService, mediaSettings } from "../../src/compose/media";
import { systemClock } from "../../src/irc/pacedQueue";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { parseLinkPath } from "../../src/media/links";
import { validateConfig } from "../../src/config/validate";
import { configSchema } from "../../src/config/schema";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { silentLogger } from "../support/silentLogger";
import { createMetrics } from "../../src/observability/metrics";

const BOT = "@ircbridge:example.org";

function scene() {
  const api = new FakeMatrixApi();
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, systemClock);
  const pmNotices: string[] = [];
  const botNotices: string[] = [];
  const { hooks } = mediaService({
    settings: { publicUrl: "https://bridge.example/", ttlSeconds: 600, maxBytes: 1024, keyPath: undefined },
    homeserverUrl: "http://127.0.0.1:1",
    asToken: "as",
    api,
    queues,
    botUserId: BOT,
    isPmRoom: (roomId) => roomId === "!pm:example.org",
    pmNotice: (roomId, text) => pmNotices.push(`${roomId} ${text}`),
    botNotice: (roomId, text) => botNotices.push(`${roomId} ${text}`),
    metrics: createMetrics(),
    log: silentLogger(),
  });
  return { hooks, api, pmNotices, botNotices };
}

describe("media hooks: telling the sender, making links", () => {
  it("in a channel room the bot reacts on the sender's event; nothing is said in words", async () => {
    const { hooks, api, botNotices, pmNotices } = scene();
    hooks.tellSender("!room:example.org", "$ev", { reaction: "✂️", text: "cut" });
    for (let i = 0; i < 50 && api.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      api.sent.map((e) => ({ roomId: e.roomId, as: e.as, type: e.type, content: e.content })),
      [{ roomId: "!room:example.org", as: BOT, type: "m.reaction", content: { "m.relates_to": { rel_type: "m.annotation", event_id: "$ev", key: "✂️" } } }],
    );
    assert.deepEqual([...botNotices, ...pmNotices], []);
  });

  it("in a private room (the bot is not there) the ghost says it; without a reaction, or without a real event id, the bot says it", () => {
    const { hooks, api, botNotices, pmNotices } = scene();
    hooks.tellSender("!pm:example.org", "$ev", { reaction: "✂️", text: "cut" });
    hooks.tellSender("!room:example.org", "$ev", { text: "could not upload" });
    hooks.tellSender("!room:example.org", "local.123", { reaction: "✂️", text: "cut" });
    assert.deepEqual(pmNotices, ["!pm:example.org cut"]);
    assert.deepEqual(botNotices, ["!room:example.org could not upload", "!room:example.org cut"]);
    assert.deepEqual(api.sent, []);
  });

  it("links go to the public URL and parse back; an upload that fails rejects the paste", async () => {
    const { hooks } = scene();
    const link = hooks.linkFor("mxc://example.org/abc", "cat.png") ?? assert.fail("no link");
    assert.ok(link.startsWith("https://bridge.example/_ircbridge/media/v1/example.org/abc/"));
    assert.equal(parseLinkPath(new URL(link).pathname)?.media.filename, "cat.png");
    await assert.rejects(hooks.paste("text"));
  });

  it("publicUrl defaults to the registration's URL; the key lives in the datastore unless signingKeyPath says otherwise", () => {
    const base = { homeserver: { url: "http://hs", domain: "example.org" }, ircNetworks: [{ id: "n", name: "N", address: "irc.example" }] };
    const plain = validateConfig(configSchema, { ...base, datastore: { path: "/var/lib/bridge" } }, "test");
    assert.deepEqual(mediaSettings(plain, "http://127.0.0.1:9995"), { publicUrl: "http://127.0.0.1:9995", ttlSeconds: 7 * 86400, maxBytes: 50 * 1024 * 1024, keyPath: "/var/lib/bridge/media-signing.key" });
    const set = validateConfig(configSchema, { ...base, mediaProxy: { publicUrl: "https://irc.example.org/bridge", signingKeyPath: "/etc/k" } }, "test");
    assert.deepEqual(mediaSettings(set, "http://127.0.0.1:9995"), { publicUrl: "https://irc.example.org/bridge", ttlSeconds: 7 * 86400, maxBytes: 50 * 1024 * 1024, keyPath: "/etc/k" });
    assert.equal(mediaSettings(validateConfig(configSchema, base, "test"), "http://x").keyPath, undefined, "in-memory datastore: a key for the process");
    assert.throws(() => validateConfig(configSchema, { ...base, mediaProxy: { publicUrl: "ftp://x" } }, "test"), /mediaProxy\.publicUrl/);
    assert.throws(() => validateConfig(configSchema, { ...base, ircNetworks: [{ ...base.ircNetworks[0], lineLimit: 0 }] }, "test"), /ircNetworks\[0\]\.lineLimit/);
  });
});
