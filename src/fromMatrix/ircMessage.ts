import { isRecord, type JsonObject, type MatrixEvent } from "../matrix/events";
import type { NickDirectory } from "../format/nickDirectory";
import { matrixToIrc } from "../format/matrixToIrc";
import { mentionedUsers, withMentionPrefix } from "../format/mentionPrefix";
import { mediaLine, type MediaLinkMaker } from "./mediaLine";

const KINDS: Readonly<Record<string, "privmsg" | "notice" | "action">> = { "m.text": "privmsg", "m.notice": "notice", "m.emote": "action" };
const MEDIA = new Set(["m.image", "m.file", "m.video", "m.audio"]);

/** What a Matrix message says on IRC. */
export interface IrcMessage {
  readonly kind: "privmsg" | "notice" | "action";
  /** IRC text (formatting codes, line breaks as "\n"). */
  readonly body: string;
  /** The event it answers (m.in_reply_to). */
  readonly replyTo?: string;
  /** The event it corrects (m.replace). */
  readonly replaces?: string;
}


const text = (v: unknown): string => (typeof v === "string" ? v : "");

/** Drops the quoted fallback ("> <@x> ...") at the top of a reply: IRC users see the reply only. */
function withoutReplyFallback(body: string, isReply: boolean): string {
  if (!isReply || !body.startsWith("> <")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i] ?? "").startsWith(">")) i++;
  while (i < lines.length && (lines[i] ?? "") === "") i++;
  return lines.slice(i).join("\n");
}

/** The relation of a message: the event it answers, or the event it replaces. */
function relationOf(content: JsonObject): { replyTo?: string; replaces?: string } {
  const relates = content["m.relates_to"];
  if (!isRecord(relates)) return {};
  if (relates.rel_type === "m.replace" && typeof relates.event_id === "string") return { replaces: relates.event_id };
  const inReplyTo = relates["m.in_reply_to"];
  return isRecord(inReplyTo) && typeof inReplyTo.event_id === "string" ? { replyTo: inReplyTo.event_id } : {};
}

/**
 * An m.room.message as IRC says it: m.text, m.notice and m.emote as PRIVMSG, NOTICE and ACTION
 * (a reply without its quoted fallback, an edit as its new content), an image, video, audio or
 * file as an ACTION with a link IRC users can open (`links`, see mediaLine.ts). Undefined for what
 * IRC cannot carry (other msgtypes, empty bodies).
 */
export function ircMessageOf(event: MatrixEvent, nicks: Pick<NickDirectory, "nickOfUser">, links?: MediaLinkMaker): IrcMessage | undefined {
  const relation = relationOf(event.content);
  const newContent = event.content["m.new_content"];
  const content: JsonObject = relation.replaces !== undefined && isRecord(newContent) ? newContent : event.content;
  const msgtype = text(content.msgtype);
  let kind = KINDS[msgtype];
  const html = content.format === "org.matrix.custom.html" && typeof content.formatted_body === "string" ? content.formatted_body : undefined;
  let body = matrixToIrc({ body: withoutReplyFallback(text(content.body), relation.replyTo !== undefined), ...(html === undefined ? {} : { html }) }, nicks);
  if (kind === undefined && MEDIA.has(msgtype)) {
    kind = "action";
    body = mediaLine(msgtype, content, links);
  }
  if (kind === undefined || body.trim() === "") return undefined;
  // Users mentioned but not named in the text are addressed "nick: " (a reply is addressed by the reply stage, an edit not again).
  if (kind !== "action" && relation.replyTo === undefined && relation.replaces === undefined) body = withMentionPrefix(body, mentionedUsers(content["m.mentions"]), event.sender, nicks);
  return { kind, body, ...relation };
}
