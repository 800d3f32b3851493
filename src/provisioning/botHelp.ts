/**
 * What the IRC bot answers to a private message no listener took: one line saying what it is and
 * what it understands. At most once per sender per `intervalMs`, so a chatty user (or another
 * bot) gets no flood back; the memory of senders is bounded (the oldest forgotten first).
 */
import type { Clock } from "../irc/pacedQueue";
import type { BotMessage } from "./botInbox";

const MAX_REMEMBERED = 10000;

export const BOT_HELP = "I am the Matrix bridge's bot. Channel operators: send me \"unlink #channel\" to end every Matrix bridge of your channel.";

export function botHelp(clock: Clock, intervalMs = 60000): (message: BotMessage) => void {
  /** Sender (network and lower-cased nick) -> when they were last answered, oldest first. */
  const answered = new Map<string, number>();
  return (message) => {
    const now = clock.now();
    const key = `${message.networkId}\0${message.from.nick.toLowerCase()}`;
    const last = answered.get(key);
    if (last !== undefined && now - last < intervalMs) return;
    answered.delete(key);
    answered.set(key, now);
    for (const [k, at] of answered) {
      if (answered.size <= MAX_REMEMBERED && now - at < intervalMs) break;
      answered.delete(k);
    }
    message.reply(BOT_HELP);
  };
}
