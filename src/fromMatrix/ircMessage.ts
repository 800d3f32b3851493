import type { MatrixEvent } from "../matrix/events";

const KINDS: Readonly<Record<string, "privmsg" | "notice" | "action">> = { "m.text": "privmsg", "m.notice": "notice", "m.emote": "action" };
const MEDIA = new Set(["m.image", "m.file", "m.video", "m.audio"]);

/** What a Matrix message says on IRC. */
export interface IrcMessage {
  readonly kind: "privmsg" | "notice" | "action";
  readonly body: string;
}

/** Drops the quoted fallback ("> <@x> ...") at the top of a reply: IRC users see the reply only. */
function withoutReplyFallback(body: string, isReply: boolean): string {
  if (!isReply || !body.startsWith("> <")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i] ?? "").startsWith(">")) i++;
  while (i < lines.length && (lines[i] ?? "") === "") i++;
  return lines.slice(i).join("\n");
}

/**
 * An m.room.message as IRC says it: m.text, m.notice and m.emote as PRIVMSG, NOTICE and ACTION
 * (a reply without its quoted fallback), a file as an ACTION with its URL. Undefined for what IRC
 * cannot carry (other msgtypes, empty bodies).
 */
export function ircMessageOf(event: MatrixEvent): IrcMessage | undefined {
  const msgtype = typeof event.content.msgtype === "string" ? event.content.msgtype : "";
  const rawBody = typeof event.content.body === "string" ? event.content.body : "";
  const relates = event.content["m.relates_to"];
  const isReply = typeof relates === "object" && relates !== null && "m.in_reply_to" in relates;
  let kind = KINDS[msgtype];
  let body = withoutReplyFallback(rawBody, isReply);
  if (kind === undefined && MEDIA.has(msgtype)) {
    const url = typeof event.content.url === "string" ? event.content.url : "";
    kind = "action";
    body = `sent a file: ${body}${url ? ` (${url})` : ""}`;
  }
  if (kind === undefined || body.trim() === "") return undefined;
  return { kind, body };
}
