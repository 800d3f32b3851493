import type { Delivered } from "../broker/networkFeed";
import type { IrcContext } from "./context";
import { onMessage } from "./message";
import { onMode } from "./mode";
import { onJoin, onKick, onNick, onPart, onQuit } from "./membership";
import { onTopic } from "./topic";
import { onReaction } from "./reaction";
import { onRedact } from "./redact";
import { onTyping } from "./typing";

/** The table of contents of IRC -> Matrix: one handler per channel event type (checked exhaustive). */
export function routeIrcEvent({ key, ev }: Delivered, ctx: IrcContext): void {
  switch (ev.type) {
    case "message":
      return onMessage({ key, ev }, ctx);
    case "join":
      return onJoin({ key, ev }, ctx);
    case "part":
      return onPart({ key, ev }, ctx);
    case "quit":
      return onQuit({ key, ev }, ctx);
    case "nick":
      return onNick({ key, ev }, ctx);
    case "kick":
      return onKick({ key, ev }, ctx);
    case "topic":
      return onTopic({ key, ev }, ctx);
    case "mode":
      return onMode({ key, ev }, ctx);
    // A TAGMSG may carry a reaction, typing, or both: each handler reads its own tag.
    case "tagmsg":
      onReaction({ key, ev }, ctx);
      return onTyping({ key, ev }, ctx);
    case "redact":
      return onRedact({ key, ev }, ctx);
  }
}
