import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What happened to outbox messages, appended synchronously the moment it happens: "H <id>" when a
 * message is handed to its IRC connection, "C <id>" when the IRC server confirmed it. The outbox
 * itself is updated asynchronously; if the bridge is killed in between, this journal still says
 * whether a message went out ("C"), may have gone out ("H" only: checked against the channel's
 * history after the restart) or never left (neither). In memory only when the store is (tests).
 */
export class ConfirmJournal {
  private readonly file: string | undefined;
  private readonly memory: string[] = [];

  constructor(dir: string | undefined) {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    this.file = dir === undefined ? undefined : join(dir, "outbox-confirmed.log");
  }

  handed(eventId: string): void {
    this.append(`H ${eventId}`);
  }

  confirmed(eventId: string): void {
    this.append(`C ${eventId}`);
  }

  /** The ids handed over and the ids confirmed, as journalled. */
  read(): { handed: Set<string>; confirmed: Set<string> } {
    let lines: string[] = this.memory;
    if (this.file !== undefined) {
      try {
        lines = readFileSync(this.file, "utf8").split("\n");
      } catch {
        lines = [];
      }
    }
    const handed = new Set<string>();
    const confirmed = new Set<string>();
    for (const line of lines) {
      if (line.startsWith("H ")) handed.add(line.slice(2));
      else if (line.startsWith("C ")) confirmed.add(line.slice(2));
    }
    return { handed, confirmed };
  }

  private append(line: string): void {
    if (this.file === undefined) this.memory.push(line);
    else appendFileSync(this.file, `${line}\n`);
  }

  /** Forgets everything (after the outbox was brought up to date). */
  clear(): void {
    this.memory.length = 0;
    if (this.file !== undefined) writeFileSync(this.file, "");
  }
}
