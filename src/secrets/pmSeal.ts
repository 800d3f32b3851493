/**
 * Private-message bodies in the bridge's durable journals (the IRC -> Matrix send journal and the
 * Matrix -> IRC outbox), kept like passwords.
 *
 * Guarantees:
 * - With a password key file (bridge.passwordKeyFile), a private message's text is written to disk
 *   only sealed (AES-256-GCM, passwordSeal.ts), bound to its journal, its record id and its Matrix
 *   user (the associated data), so a sealed body copied into another record does not open. A body
 *   that does not open after a restart (the key file was changed) is dropped and logged by id only.
 * - Without a key file, the body is written in clear (so it survives a crash until delivered) and
 *   erased from the file as soon as it is delivered or given up: the journal is rewritten without it
 *   at once, instead of at the next compaction.
 * Channel messages are not sealed: they went to a channel, and the journals hold them for minutes.
 */
import type { PasswordSeal } from "./passwordSeal";

export type PmJournal = "irc-to-matrix" | "matrix-to-irc";

/** The associated data a private message's body is sealed under in a journal. */
export function pmBodyContext(journal: PmJournal, recordId: string, userId: string): string {
  return `ircbridge-pm-body\u0000${journal}\u0000${recordId}\u0000${userId}`;
}

export class PmBodySeal {
  constructor(private readonly seal: PasswordSeal | undefined) {}

  /** Whether bodies are sealed (a key file is configured); else they are erased when done. */
  get sealing(): boolean {
    return this.seal !== undefined;
  }

  /** The body as written to disk: sealed, or undefined when there is no key (then it is kept in clear). */
  close(text: string, journal: PmJournal, recordId: string, userId: string): string | undefined {
    return this.seal?.seal(text, pmBodyContext(journal, recordId, userId));
  }

  /** The body read back; undefined when it does not open (another key, another record) or there is no key. */
  open(sealed: string, journal: PmJournal, recordId: string, userId: string): string | undefined {
    if (this.seal === undefined) return undefined;
    try {
      return this.seal.open(sealed, pmBodyContext(journal, recordId, userId));
    } catch {
      return undefined;
    }
  }
}
