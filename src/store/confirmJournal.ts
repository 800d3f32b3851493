import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ignoreWrites, type WriteReports } from "./writeWatch";

/**
 * What happened to outbox messages, appended synchronously the moment it happens: "H <id>" when a
 * message is handed to its IRC connection, "C <id>" when the IRC server confirmed it. The outbox
 * itself is updated asynchronously; if the bridge is killed in between, this journal still says
 * whether a message went out ("C"), may have gone out ("H" only: checked against the channel's
 * history after the restart) or never left (neither). In memory only when the store is (tests).
 *
 * When the disk refuses a line (full, read-only: writeWatch.ts) `handed` throws: the message is then
 * not handed to IRC, and its sender is told it was not sent (a message on the wire without its "H"
 * could be sent twice after a crash, unchecked). A refused "C" is kept in memory and written by the
 * repair; until then a crash would make the restarted bridge check the channel's history for the
 * message, or send it again where there is none (the "H" case).
 */
export class ConfirmJournal {
  private readonly file: string | undefined;
  private readonly memory: string[] = [];
  /** "C" lines the disk refused, for the repair. */
  private readonly unwritten: string[] = [];

  constructor(
    dir: string | undefined,
    private readonly reports: WriteReports = ignoreWrites,
  ) {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    this.file = dir === undefined ? undefined : join(dir, "outbox-confirmed.log");
  }

  handed(eventId: string): void {
    try {
      this.append(`H ${eventId}`);
    } catch (err) {
      this.reports.failed("outbox-confirmed.log", err, () => this.writeUnwritten());
      throw new Error(`the bridge cannot write to its disk (${codeOf(err)}); try again later`);
    }
  }

  confirmed(eventId: string): void {
    const line = `C ${eventId}`;
    try {
      this.append(line);
    } catch (err) {
      this.unwritten.push(line);
      if (!this.reports.failed("outbox-confirmed.log", err, () => this.writeUnwritten())) throw err;
    }
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
    else {
      appendFileSync(this.file, `${line}\n`);
      this.reports.ok("outbox-confirmed.log");
    }
  }

  private writeUnwritten(): void {
    if (this.file !== undefined && this.unwritten.length > 0) appendFileSync(this.file, this.unwritten.map((l) => `${l}\n`).join(""));
    this.unwritten.length = 0;
  }

  /** Forgets everything (after the outbox was brought up to date). */
  clear(): void {
    this.memory.length = 0;
    this.unwritten.length = 0;
    if (this.file !== undefined) writeFileSync(this.file, "");
  }
}

function codeOf(err: unknown): string {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : "error";
}
