import type { PmBodySeal } from "../secrets/pmSeal";
import type { JournalCodec } from "../store/sendJournal";
import type { PendingSend } from "./pendingSends";

/**
 * How IRC -> Matrix sends are written to their journal: a channel message as it is; a private
 * message with its content (body and formatting) sealed when there is a key (`sealedContent`,
 * bound to the record's id and Matrix user), else in clear and erased from the file once done
 * (secrets/pmSeal.ts). A sealed record that does not open is dropped, and `dropped` is told its id.
 */
export function pendingSendCodec(seal: PmBodySeal, dropped: (id: string) => void): JournalCodec<PendingSend> {
  return {
    toDisk(send) {
      if (send.pm === undefined) return send;
      const sealed = seal.close(JSON.stringify(send.content), "irc-to-matrix", send.id, send.pm.userId);
      if (sealed === undefined) return send;
      return { ...send, content: undefined, sealedContent: sealed };
    },
    fromDisk(value) {
      if (typeof value !== "object" || value === null || !("sealedContent" in value)) return value;
      const record = value as Record<string, unknown>;
      const id = typeof record.id === "string" ? record.id : "";
      const pm = record.pm;
      const userId = typeof pm === "object" && pm !== null && "userId" in pm && typeof pm.userId === "string" ? pm.userId : "";
      const text = typeof record.sealedContent === "string" ? seal.open(record.sealedContent, "irc-to-matrix", id, userId) : undefined;
      if (text === undefined) {
        dropped(id);
        return undefined;
      }
      const { sealedContent: _sealed, ...rest } = record;
      return { ...rest, content: JSON.parse(text) as unknown };
    },
    eraseWhenDone: (send) => send.pm !== undefined && !seal.sealing,
  };
}
