/**
 * A bridge that restarted connects its new IRC client again; the connector already holds that
 * connection, registered on IRC. This answers the new client's registration locally, from what the
 * connector recorded at the real one (registrationRecord.ts), and sends none of it to the server.
 *
 * Guarantees:
 * - Nothing of the client's registration (WEBIRC, PASS, NICK, USER, CAP, AUTHENTICATE) reaches the
 *   server while resuming: the server sees no second registration, so IRC sees no QUIT or JOIN.
 * - The client gets what a server would have said, in the order it would: the recorded CAP LS
 *   lines; ACK of a CAP REQ whose caps are all enabled on the real connection (else NAK, as a
 *   request is all or nothing); SASL answered with the recorded results; at CAP END the recorded
 *   001..376 burst with the current nick, then one JOIN per channel the connection is in (tagged
 *   RESUMED_TAG only: the original's msgid and time are not repeated).
 * - `done` once the burst is out; after it, a JOIN of a channel the connection is already in is
 *   answered by nothing, as IRC servers do (see joinFilter), and everything else is the server's.
 * Not guaranteed: a client that asks for caps the real connection does not have gets NAK (the
 * bridge's client asks the same caps each time, so this only happens after an upgrade adds one).
 */
import { parseIrcLine } from "../irc/ircLine";
import { RESUMED_TAG } from "../irc/events";
import { withoutTags, type RegistrationRecord } from "./registrationRecord";

export interface ResumeStep {
  /** Lines to give the client, as if the server said them. */
  readonly reply: readonly string[];
  /** Whether the client's registration is over (the connection is the client's again). */
  readonly done: boolean;
}

export class ResumeResponder {
  private sawUser = false;
  private capEnded = false;

  constructor(private readonly record: RegistrationRecord) {}

  /** One line the client wrote while resuming. */
  clientLine(raw: string): ResumeStep {
    const line = parseIrcLine(raw);
    if (line === undefined) return { reply: [], done: false };
    const nick = this.record.nick;
    const server = this.record.server;
    switch (line.command) {
      case "CAP": {
        const sub = line.params[0]?.toUpperCase();
        if (sub === "LS") return { reply: this.record.capLs.map((l) => withTarget(l, "*")), done: false };
        if (sub === "REQ") {
          const asked = (line.params[line.params.length - 1] ?? "").split(" ").filter((c) => c !== "");
          const ok = asked.every((c) => (c.startsWith("-") ? !this.record.caps.has(c.slice(1)) : this.record.caps.has(c)));
          return { reply: [`:${server} CAP ${nick} ${ok ? "ACK" : "NAK"} :${asked.join(" ")}`], done: false };
        }
        if (sub === "END") {
          this.capEnded = true;
          return this.finish();
        }
        return { reply: [], done: false };
      }
      case "AUTHENTICATE": {
        const arg = line.params[0] ?? "";
        // The mechanism first ("PLAIN", "EXTERNAL"): the server asks for the payload.
        if (/^[A-Z][A-Z0-9_-]*$/.test(arg) && arg !== "+") return { reply: ["AUTHENTICATE +"], done: false };
        const results = this.record.sasl.length > 0 ? this.record.sasl.map((l) => withTarget(l, nick)) : [`:${server} 904 ${nick} :SASL authentication failed`];
        return { reply: results, done: false };
      }
      case "USER":
        this.sawUser = true;
        return this.finish();
      default:
        // WEBIRC, PASS, NICK and anything else before the burst: already done on the real connection.
        return { reply: [], done: false };
    }
  }

  /** The burst, once the client ended CAP negotiation and sent USER. */
  private finish(): ResumeStep {
    if (!this.capEnded || !this.sawUser) return { reply: [], done: false };
    const nick = this.record.nick;
    const burst = this.record.welcome.map((l) => withTarget(l, nick));
    // Tagged so the bridge knows it was never away from the channel (irc/events.ts RESUMED_TAG).
    const joins = this.record.channels.map((l) => `@${RESUMED_TAG} ${withSource(l, nick)}`);
    return { reply: [...burst, ...joins], done: true };
  }
}

/**
 * After a resume: whether a line the client writes goes to the server. A JOIN of channels the
 * connection is already in is dropped (servers ignore it too, so nothing is lost); a JOIN of several
 * channels keeps those it is not in.
 */
export function joinFilter(raw: string, record: RegistrationRecord): string | undefined {
  const line = parseIrcLine(raw);
  if (line === undefined || line.command !== "JOIN") return raw;
  const names = (line.params[0] ?? "").split(",");
  const keys = (line.params[1] ?? "").split(",");
  const keep = names.map((name, i) => ({ name, key: keys[i] })).filter((c) => c.name !== "" && !record.isIn(c.name));
  if (keep.length === names.length) return raw;
  if (keep.length === 0) return undefined;
  // Keys pair with channels by position: the keyed channels go first.
  const withKeys = keep.filter((c) => c.key !== undefined && c.key !== "");
  const tags = raw.startsWith("@") ? `${raw.slice(0, raw.indexOf(" "))} ` : "";
  const sorted = [...withKeys, ...keep.filter((c) => !withKeys.includes(c))];
  return `${tags}JOIN ${sorted.map((c) => c.name).join(",")}${withKeys.length > 0 ? ` ${withKeys.map((c) => c.key ?? "").join(",")}` : ""}`;
}

/** A numeric or CAP line with its first parameter (the target) replaced. */
export function withTarget(raw: string, target: string): string {
  const m = /^((?:@\S+ +)?:\S+ +\S+ +)\S+(.*)$/.exec(raw);
  return m === null ? raw : `${m[1] ?? ""}${target}${m[2] ?? ""}`;
}

/** A line from us (our JOIN) with our nick as it is now, without tags. */
export function withSource(raw: string, nick: string): string {
  const plain = withoutTags(raw);
  const m = /^:[^!\s]+(\S*)( .*)$/.exec(plain);
  return m === null ? plain : `:${nick}${m[1] ?? ""}${m[2] ?? ""}`;
}
