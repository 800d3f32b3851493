import { createHash } from "node:crypto";
import type { JoinEvent, KickEvent, MessageEvent, ModeEvent, NickEvent, PartEvent, QuitEvent, RedactEvent, TagmsgEvent, TopicEvent } from "../irc/events";

/** One IRC event as it concerns one channel (a QUIT or NICK becomes one event per shared channel). */
export type ChannelEvent =
  | { readonly type: "message"; readonly channel: string; readonly e: MessageEvent }
  | { readonly type: "join"; readonly channel: string; readonly e: JoinEvent }
  | { readonly type: "part"; readonly channel: string; readonly e: PartEvent }
  | { readonly type: "kick"; readonly channel: string; readonly e: KickEvent }
  | { readonly type: "quit"; readonly channel: string; readonly e: QuitEvent }
  | { readonly type: "nick"; readonly channel: string; readonly e: NickEvent }
  | { readonly type: "topic"; readonly channel: string; readonly e: TopicEvent }
  | { readonly type: "mode"; readonly channel: string; readonly e: ModeEvent }
  | { readonly type: "tagmsg"; readonly channel: string; readonly e: TagmsgEvent }
  | { readonly type: "redact"; readonly channel: string; readonly e: RedactEvent };

function who(ev: ChannelEvent): string {
  switch (ev.type) {
    case "message":
    case "tagmsg":
    case "redact":
      return ev.e.from;
    case "kick":
      return `${ev.e.by}>${ev.e.nick}`;
    case "topic":
      return ev.e.by ?? "";
    case "mode":
      return ev.e.by;
    default:
      return ev.e.nick;
  }
}

function what(ev: ChannelEvent): string {
  switch (ev.type) {
    case "message":
      return `${ev.e.kind}:${ev.e.text}`;
    case "part":
    case "quit":
    case "kick":
      return ev.e.reason;
    case "nick":
      return ev.e.newNick;
    case "topic":
      return ev.e.topic;
    case "join":
      return "";
    case "mode":
      return ev.e.changes.map((c) => `${c.add ? "+" : "-"}${c.mode} ${c.param ?? ""}`).join(",");
    case "tagmsg":
      return Object.entries(ev.e.tags)
        .filter(([k]) => k.startsWith("+"))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(";");
    case "redact":
      return ev.e.msgid;
  }
}

/** dedupeKey's key of an event that carries a msgid. */
export function msgidKey(msgid: string): string {
  return `id:${msgid}`;
}

/**
 * The key under which copies of one event heard by several connections are recognised as one:
 * the IRCv3 msgid when the server sends it; else the server time with the sender and a hash of the
 * content; else (no server-time either) the sender and content within a 2-second bucket of our own
 * clock, which can merge two identical lines sent in the same two seconds.
 */
export function dedupeKey(ev: ChannelEvent, now: number): string {
  const msgid = ev.e.tags.msgid;
  if (msgid !== undefined && msgid !== "") return msgidKey(msgid);
  const hash = createHash("sha1").update(`${ev.type}\0${who(ev).toLowerCase()}\0${what(ev)}`).digest("base64url").slice(0, 16);
  if (ev.e.time !== undefined) return `t:${ev.e.time}:${hash}`;
  return `n:${Math.floor(now / 2000)}:${hash}`;
}
