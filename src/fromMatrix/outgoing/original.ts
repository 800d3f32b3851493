import { stripFormatting } from "../../irc/lines";
import { isRecord, type MatrixEvent } from "../../matrix/events";
import type { LoggedMessage } from "../../rooms/messageLog";
import { ircMessageOf } from "../ircMessage";
import type { OutgoingDeps } from "./prepare";

/** The message a reply answers or an edit corrects, as far as the bridge can tell. */
export interface Original {
  /** Its text as IRC saw it, without formatting (the latest edit's, where known). */
  readonly text: string;
  /** The IRC nick that said it, where known. */
  readonly nick?: string;
  /** Its Matrix sender, where known (read from the homeserver). */
  readonly sender?: string;
  /** Its IRC msgid, where the server gave one. */
  readonly msgid?: string;
  /** How many bridged messages came after it in the room; undefined when unknown (not in the log). */
  readonly after?: number;
  /** The room log's entry, when the log holds it. */
  readonly logged?: LoggedMessage;
}


/**
 * The original of a reply or an edit in the room: from the room's log (never another room's), else
 * read from the homeserver. An event the homeserver shows edited is read as its latest edit, unless
 * that edit is `current` itself (the edit being sent: then the original's own text is the one before).
 */
export async function findOriginal(roomId: string, eventId: string, deps: OutgoingDeps, current?: string): Promise<Original | undefined> {
  const logged = deps.messages.byEvent(roomId, eventId);
  if (logged !== undefined) {
    return { text: logged.text, nick: logged.nick, after: deps.messages.after(logged), logged, ...(logged.msgid === undefined ? {} : { msgid: logged.msgid }) };
  }
  const event = await deps.fetchEvent(roomId, eventId);
  if (event === undefined || event.room_id !== roomId || event.sender === undefined) return undefined;
  const text = latestTextOf(event, current, deps);
  if (text === undefined) return undefined;
  const nick = deps.nickOf(event.sender);
  return { text, sender: event.sender, ...(nick === undefined ? {} : { nick }) };
}

/** An m.room.message's text as IRC says it, without formatting; its latest edit's (bundled by the homeserver) where it has one. */
function latestTextOf(event: MatrixEvent, current: string | undefined, deps: OutgoingDeps): string | undefined {
  if (event.type !== "m.room.message") return undefined;
  const relations = event.unsigned?.["m.relations"];
  const replace = isRecord(relations) ? relations["m.replace"] : undefined;
  const edited = isRecord(replace) && replace.event_id !== current && isRecord(replace.content) ? replace.content : undefined;
  const nicks = { nickOfUser: deps.nickOf };
  const message = (edited === undefined ? undefined : ircMessageOf({ type: "m.room.message", content: edited }, nicks)) ?? ircMessageOf(event, nicks);
  return message === undefined ? undefined : stripFormatting(message.body);
}

/** Whether two nicks are the same person's (IRC nicks compare without case). */
export function sameNick(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
