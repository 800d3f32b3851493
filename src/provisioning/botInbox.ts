/**
 * Private messages to the IRC bot (a channel operator answering a link request, or ending a
 * bridge with a command). Listeners are asked in the order they registered; the first that takes
 * the message ends it. A message nobody takes gets `unhandled` (a short help, rate-limited by the
 * caller), never silence.
 */
export interface BotMessage {
  readonly networkId: string;
  /** The sender's nick and, when the server says (account-tag), their services account. */
  readonly from: { readonly nick: string; readonly account: string | undefined };
  readonly text: string;
  /** Answers the sender by NOTICE from the bot. */
  readonly reply: (text: string) => void;
}

/** True when the listener took the message. */
export type BotListener = (message: BotMessage) => boolean;

export class BotInbox {
  private readonly listeners: BotListener[] = [];

  constructor(private readonly unhandled: (message: BotMessage) => void = () => undefined) {}

  listen(listener: BotListener): void {
    this.listeners.push(listener);
  }

  heard(message: BotMessage): void {
    for (const listener of this.listeners) if (listener(message)) return;
    this.unhandled(message);
  }
}
