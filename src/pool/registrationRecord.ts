/**
 * What a connector remembers of one IRC connection, from the server's lines, so that a bridge that
 * restarted can take the connection over without a new registration on IRC (see resume.ts): the
 * server's answers at registration (CAP LS, SASL results, 001 up to the end of the MOTD), the caps
 * enabled, the connection's current nick and the channels it is in (with its own JOIN line).
 *
 * Guarantees: `complete` only once the server finished the registration burst (376 or 422 after
 * 001, or any other line after 001 on a server that sends neither); nick and channels follow every
 * line after that (NICK, JOIN, PART, KICK of our own nick), compared in the server's casemapping.
 */
import { foldCase, parseCasemapping, type Casemapping } from "../irc/casemapping";
import type { IrcLine } from "../irc/ircLine";

const END_OF_BURST: ReadonlySet<string> = new Set(["376", "422"]);
const SASL_RESULTS: ReadonlySet<string> = new Set(["900", "901", "902", "903", "904", "905", "906", "907", "908"]);

export class RegistrationRecord {
  readonly capLs: string[] = [];
  readonly caps = new Set<string>();
  readonly sasl: string[] = [];
  readonly welcome: string[] = [];
  /** The server's name (the source of its 001). */
  server = "irc.server";
  nick = "*";
  private welcomed = false;
  complete = false;
  private casemapping: Casemapping = "rfc1459";
  /** Folded channel name -> our own JOIN line for it, without tags. */
  private readonly joined = new Map<string, string>();

  /** Reads one line from the server (`raw` as received, `line` parsed). */
  heard(raw: string, line: IrcLine): void {
    if (!this.complete) this.registering(raw, line);
    else if (line.command === "CAP") this.capChange(line);
    const me = line.source !== undefined && this.same(line.source, this.nick);
    switch (line.command) {
      case "NICK":
        if (me && line.params[0] !== undefined) this.nick = line.params[0];
        break;
      case "JOIN":
        if (me && line.params[0] !== undefined) this.joined.set(this.fold(line.params[0]), withoutTags(raw));
        break;
      case "PART":
        if (me && line.params[0] !== undefined) for (const c of line.params[0].split(",")) this.joined.delete(this.fold(c));
        break;
      case "KICK":
        if (line.params[1] !== undefined && this.same(line.params[1], this.nick) && line.params[0] !== undefined) this.joined.delete(this.fold(line.params[0]));
        break;
    }
  }

  private registering(raw: string, line: IrcLine): void {
    if (line.command === "CAP") {
      const sub = line.params[1]?.toUpperCase();
      if (sub === "LS") this.capLs.push(raw);
      else this.capChange(line);
      return;
    }
    if (SASL_RESULTS.has(line.command)) {
      this.sasl.push(raw);
      return;
    }
    if (line.command === "001") {
      this.welcomed = true;
      this.server = line.source ?? this.server;
      this.nick = line.params[0] ?? this.nick;
    }
    if (!this.welcomed) return;
    if (!/^\d{3}$/.test(line.command)) {
      this.complete = true;
      return;
    }
    this.welcome.push(raw);
    if (line.command === "005") {
      const cm = line.params.find((p) => p.toUpperCase().startsWith("CASEMAPPING="));
      if (cm !== undefined) this.casemapping = parseCasemapping(cm.slice("CASEMAPPING=".length));
    }
    if (END_OF_BURST.has(line.command)) this.complete = true;
  }

  private capChange(line: IrcLine): void {
    const sub = line.params[1]?.toUpperCase();
    const list = (line.params[line.params.length - 1] ?? "").split(" ").filter((c) => c !== "");
    if (sub === "ACK") {
      for (const cap of list) {
        if (cap.startsWith("-")) this.caps.delete(cap.slice(1));
        else this.caps.add(cap.replace(/=.*$/, ""));
      }
    } else if (sub === "DEL") {
      for (const cap of list) this.caps.delete(cap);
    }
  }

  /** The channels the connection is in, each with its own JOIN line as the server sent it (no tags). */
  get channels(): string[] {
    return [...this.joined.values()];
  }

  isIn(channel: string): boolean {
    return this.joined.has(this.fold(channel));
  }

  same(a: string, b: string): boolean {
    return this.fold(a) === this.fold(b);
  }

  private fold(name: string): string {
    return foldCase(name, this.casemapping);
  }
}

/** A line without its IRCv3 tags (a replayed line must not carry the original's msgid or time). */
export function withoutTags(raw: string): string {
  return raw.startsWith("@") ? raw.replace(/^@\S+ +/, "") : raw;
}
