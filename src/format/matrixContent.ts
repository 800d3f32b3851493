import type { MatrixText } from "./ircToMatrix";

const MSGTYPE = { privmsg: "m.text", notice: "m.notice", action: "m.emote" } as const;

export interface ContentOptions {
  /** Who the message mentions (default: the text's own mentions). */
  readonly mentions?: readonly string[];
  /** The event it answers (m.in_reply_to). */
  readonly inReplyTo?: string;
  /**
   * Whether an empty `m.mentions` is written (channels: true, so a message that names nobody
   * pings nobody through display-name keywords; private chats notify anyway).
   */
  readonly emptyMentions?: boolean;
}

/** The m.room.message content of an IRC message: msgtype by kind, body, HTML when any, m.mentions, reply. */
export function matrixContent(kind: keyof typeof MSGTYPE, text: MatrixText, options: ContentOptions = {}): Record<string, unknown> {
  const mentions = options.mentions ?? text.mentions;
  return {
    msgtype: MSGTYPE[kind],
    body: text.body,
    ...(text.html === undefined ? {} : { format: "org.matrix.custom.html", formatted_body: text.html }),
    ...(mentions.length > 0 ? { "m.mentions": { user_ids: [...mentions] } } : options.emptyMentions === false ? {} : { "m.mentions": {} }),
    ...(options.inReplyTo === undefined ? {} : { "m.relates_to": { "m.in_reply_to": { event_id: options.inReplyTo } } }),
  };
}
