import type { Tags } from "../../irc/events";
import type { MatrixEvent } from "../../matrix/events";
import type { MessageLog } from "../../rooms/messageLog";
import type { OutboxEntry } from "../../store/store";
import { withEdit } from "./edit";
import { withLongText, type LongTextDeps } from "./longText";
import { withReply } from "./reply";

/** One message as it goes on the wire: its IRC text and the client tags of its first line. */
export interface Outgoing {
  readonly kind: "privmsg" | "notice" | "action";
  readonly body: string;
  readonly tags?: Tags;
  /** Nothing to say (an edit that changed nothing): the message is settled as sent, and IRC sees nothing. */
  readonly skip?: true;
  /**
   * What the room's log keeps as its text when it differs from the body: the sender's own words
   * (a reply's, without the nick and quote put before them), which quotes and edits compare with.
   */
  readonly logText?: string;
}

/** Something the sender of a message should know about it (their text was cut, say). */
export interface SenderNote {
  /** A reaction the bridge bot puts on their event where it can (it is in the room); else `text` is sent as a notice. */
  readonly reaction?: string;
  readonly text: string;
}

/** What the stages may read. Add narrow fields; only app.ts / compose build it. */
export interface OutgoingDeps {
  /** The room's last bridged messages (the original of a reply or an edit). */
  readonly messages: MessageLog;
  /** Whether the sender's connection's server has an IRCv3 capability (message-tags, draft/multiline). */
  readonly hasCap: (cap: string) => boolean;
  /**
   * An event of the room from the homeserver (an original the log no longer holds), read as the bot
   * (in a private room: the nick's ghost); undefined when it cannot be read. Never rejects.
   */
  readonly fetchEvent: (roomId: string, eventId: string) => Promise<MatrixEvent | undefined>;
  /** The IRC nick a Matrix user (a puppet's user, or a ghost) has on this network, where known. */
  readonly nickOf: (userId: string) => string | undefined;
  /** The sender's own IRC nick now. */
  readonly ownNick: string;
  /** Long messages: the network's limits, the target, where the whole text goes (longText.ts). Without it they go out whole. */
  readonly longText?: LongTextDeps;
  /** Tells the sender of the event something about how it went to IRC (never throws). */
  readonly tellSender?: (roomId: string, eventId: string, note: SenderNote) => void;
}

/** One stage of the wording: takes what the previous stage made, returns what IRC gets. */
export type OutgoingStage = (entry: OutboxEntry, out: Outgoing, deps: OutgoingDeps) => Promise<Outgoing> | Outgoing;

/**
 * What an accepted Matrix message says on IRC, worked out when its turn comes (the stages may ask
 * the homeserver for an original, or upload a long text): a reply names whom it answers, an edit
 * is one marked correction, a long text becomes its first lines and a link. The stages run in
 * this order; each is a file of its own. A stage that fails leaves the message as it was (the
 * message is still sent; the failure is logged by the stage).
 */
export async function prepareOutgoing(entry: OutboxEntry, deps: OutgoingDeps): Promise<Outgoing> {
  let out: Outgoing = { kind: entry.kind, body: entry.body };
  for (const stage of STAGES) out = await stage(entry, out, deps);
  return out;
}

const STAGES: readonly OutgoingStage[] = [withReply, withEdit, withLongText];
