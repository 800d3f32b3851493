import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dedupeKey, type ChannelEvent } from "../../src/broker/channelEvent";
import type { MessageEvent, Tags } from "../../src/irc/events";

const T = 1_700_000_000_000;

function msg(from: string, text: string, time: number | undefined, tags: Tags = {}, kind: MessageEvent["kind"] = "privmsg"): ChannelEvent {
  return { type: "message", channel: "#chan", e: { kind, from, target: "#chan", text, time, tags, batch: undefined, account: undefined } };
}

const base = { tags: {}, batch: undefined };

interface Case {
  readonly name: string;
  readonly a: ChannelEvent;
  readonly aNow: number;
  readonly b: ChannelEvent;
  readonly bNow: number;
  readonly same: boolean;
}

const cases: Case[] = [
  { name: "msgid wins over time, sender and text", a: msg("bob", "hi", T, { msgid: "abc" }), aNow: 0, b: msg("carol", "bye", T + 5000, { msgid: "abc" }), bNow: 99999, same: true },
  { name: "different msgids differ although all else is equal", a: msg("bob", "hi", T, { msgid: "abc" }), aNow: 0, b: msg("bob", "hi", T, { msgid: "abd" }), bNow: 0, same: false },
  { name: "an empty msgid counts as none", a: msg("bob", "hi", T, { msgid: "" }), aNow: 0, b: msg("bob", "hi", T), bNow: 50000, same: true },
  { name: "no msgid: same server time, sender and text are one event", a: msg("bob", "hi", T), aNow: 0, b: msg("bob", "hi", T), bNow: 50000, same: true },
  { name: "no msgid: another server time differs", a: msg("bob", "hi", T), aNow: 0, b: msg("bob", "hi", T + 1), bNow: 0, same: false },
  { name: "no msgid: another text differs", a: msg("bob", "hi", T), aNow: 0, b: msg("bob", "hi!", T), bNow: 0, same: false },
  { name: "same text from two senders differs", a: msg("bob", "hi", T), aNow: 0, b: msg("carol", "hi", T), bNow: 0, same: false },
  { name: "the case of the sender's nick does not matter", a: msg("Bob", "hi", T), aNow: 0, b: msg("bOB", "hi", T), bNow: 0, same: true },
  { name: "the case of the text does matter", a: msg("bob", "Hi", T), aNow: 0, b: msg("bob", "hi", T), bNow: 0, same: false },
  { name: "a notice and a privmsg with the same text differ", a: msg("bob", "hi", T), aNow: 0, b: msg("bob", "hi", T, {}, "notice"), bNow: 0, same: false },
  { name: "no time: same 2-second bucket of now is one event", a: msg("bob", "hi", undefined), aNow: 4000, b: msg("bob", "hi", undefined), bNow: 5999, same: true },
  { name: "no time: the next 2-second bucket differs", a: msg("bob", "hi", undefined), aNow: 5999, b: msg("bob", "hi", undefined), bNow: 6000, same: false },
  { name: "no time: two senders in one bucket differ", a: msg("bob", "hi", undefined), aNow: 4000, b: msg("carol", "hi", undefined), bNow: 4000, same: false },
  {
    name: "a part and a quit with the same reason differ",
    a: { type: "part", channel: "#chan", e: { ...base, nick: "bob", channel: "#chan", reason: "bye", time: T } },
    aNow: 0,
    b: { type: "quit", channel: "#chan", e: { ...base, nick: "bob", reason: "bye", time: T } },
    bNow: 0,
    same: false,
  },
  {
    name: "kicks of one nick by two operators differ",
    a: { type: "kick", channel: "#chan", e: { ...base, by: "op1", nick: "bob", channel: "#chan", reason: "out", time: T } },
    aNow: 0,
    b: { type: "kick", channel: "#chan", e: { ...base, by: "op2", nick: "bob", channel: "#chan", reason: "out", time: T } },
    bNow: 0,
    same: false,
  },
  {
    name: "nick changes to different nicks differ",
    a: { type: "nick", channel: "#chan", e: { ...base, nick: "bob", newNick: "bobby", time: T } },
    aNow: 0,
    b: { type: "nick", channel: "#chan", e: { ...base, nick: "bob", newNick: "robert", time: T } },
    bNow: 0,
    same: false,
  },
];

describe("dedupe key", () => {
  for (const c of cases) {
    it(c.name, () => {
      const a = dedupeKey(c.a, c.aNow);
      const b = dedupeKey(c.b, c.bNow);
      if (c.same) assert.equal(a, b);
      else assert.notEqual(a, b);
    });
  }

  const shapes: [string, ChannelEvent, number, RegExp][] = [
    ["msgid", msg("bob", "hi", T, { msgid: "xyz" }), 0, /^id:xyz$/],
    ["server time", msg("bob", "hi", T), 0, new RegExp(`^t:${T}:[A-Za-z0-9_-]{16}$`)],
    ["2-second bucket", msg("bob", "hi", undefined), 7999, /^n:3:[A-Za-z0-9_-]{16}$/],
  ];
  for (const [name, ev, now, shape] of shapes) {
    it(`key shape with ${name}`, () => assert.match(dedupeKey(ev, now), shape));
  }
});
