/**
 * What users are told about their IRC connection, in their admin room.
 *
 * Guarantees:
 * - A connection lost and back within `quietMs` (a blip, an IRC server restart the scheduler
 *   recovers from in seconds) is not reported at all: the user's messages waited and went out.
 *   One lost for longer is reported once ("lost ... reconnecting"); its return is a success (below).
 * - A connection refused for its TLS (the server's certificate, the handshake) is reported at once,
 *   with the problem, and only once however often the retries fail the same way; when it finally
 *   connects, the user is told (the trouble is over).
 * - A first connection that got a nick other than the one asked for is reported with the nick and
 *   why; a refusal for good (a ban), a failed login (a client certificate that was not accepted
 *   too, even when the stored password logged the user in instead), and server errors
 *   nobody was told about are reported at once.
 * - A connection the network refused because of the bridge's server password is told once per
 *   user ("tell the bridge's operator"), however often it is retried, and instead of "lost"; the
 *   next registration after it is told too (the trouble is over).
 * - Successes (first connection with the nick asked for, a login) are reported only when
 *   `successes` is on (the config's sendSuccessNotices, off by default):
 *   with it off, a success calls `notify` not at all, so no admin room is created for it. A loss
 *   the user was told about is always followed by "Reconnected" (the trouble is over).
 * - One timer for the whole network (a check every second while anything is pending), none per user.
 * The admin notifier rate-limits whatever gets through (see admin/notifier.ts).
 */
import type { Clock } from "../irc/pacedQueue";
import type { CertificateRefusal, LoginVia } from "../irc/saslLogin";

interface Lost {
  readonly at: number;
  readonly reason: string;
  told: boolean;
}

export class ConnectionNews {
  private readonly lost = new Map<string, Lost>();
  /** Users told the network refused the bridge's server password, until they register. */
  private readonly passwordTold = new Set<string>();
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly networkName: string,
    private readonly notify: (userId: string, text: string) => void,
    private readonly clock: Clock,
    private readonly quietMs = 10000,
    private readonly successes = false,
  ) {}

  /** The user's connection dropped and is reconnecting; `tlsRefused`: its TLS was refused (told at once). */
  dropped(userId: string, reason: string, tlsRefused = false): void {
    const lost = this.lost.get(userId) ?? { at: this.clock.now(), reason, told: false };
    this.lost.set(userId, lost);
    if (tlsRefused && !lost.told) {
      lost.told = true;
      this.notify(userId, `Cannot connect to ${this.networkName}: ${reason}. The bridge keeps trying; your messages wait and go out once connected.`);
    }
    this.arm();
  }

  /** The user's connection registered (`again`: after a reconnect); `note` says why the nick differs. */
  registered(userId: string, nick: string, again: boolean, note: string | undefined): void {
    const lost = this.lost.get(userId);
    this.lost.delete(userId);
    const refusedPassword = this.passwordTold.delete(userId);
    if (again) {
      // A reconnect keeps the nick the connection had (the note, if any, is the first connection's).
      // A loss the user was told about is always followed by its end: the trouble is over (their room exists already).
      if (lost?.told === true || refusedPassword) this.notify(userId, `Reconnected to ${this.networkName} as ${nick}.`);
    } else if (note !== undefined || this.successes || refusedPassword || lost?.told === true) {
      this.notify(userId, `Connected to ${this.networkName} as ${nick}${note === undefined ? "" : ` (${note})`}. Say !help for what you can do here.`);
    }
  }

  /** The server logged the user in to their account (a success: told only with `successes`). */
  loggedIn(userId: string, account: string, via: LoginVia): void {
    const how = via === "certificate" ? "SASL EXTERNAL, your client certificate" : via === "sasl" ? "SASL" : "NickServ";
    if (this.successes) this.notify(userId, `Identified to ${this.networkName} as ${account} (${how}).`);
  }

  /** A login failed (`reason`: the password's); `certificate`: the client certificate was not accepted, and what the password did then. */
  loginFailed(userId: string, reason: string, certificate?: CertificateRefusal): void {
    const name = this.networkName;
    const register = "Register its fingerprint (!certfp shows it) with the network's services, then !reconnect.";
    if (certificate === undefined) this.notify(userId, `Could not identify to ${name}: ${reason}. Check your password with !storepass, then !reconnect.`);
    else if (certificate.password === "accepted") this.notify(userId, `Logged in to ${name} with your password; the certificate was not accepted: ${certificate.reason}. ${register}`);
    else if (certificate.password === "none") this.notify(userId, `Could not log in to ${name} with your client certificate: ${certificate.reason}. ${register}`);
    else this.notify(userId, `Could not identify to ${name}: your client certificate was not accepted (${certificate.reason}), and neither was your password (${reason}). Check your password with !storepass and register the certificate's fingerprint (!certfp shows it) with the network's services, then !reconnect.`);
  }

  /** An error the server sent that answered nothing the user was told about. */
  serverSaid(userId: string, reason: string): void {
    this.notify(userId, `${this.networkName} said: ${reason}`);
  }

  /**
   * The network refused the bridge's server password (464): the bridge's configuration, not the
   * user's. Told once until the user's connection registers; `configured`: the bridge sent one.
   */
  passwordRefused(userId: string, configured: boolean): void {
    this.lost.delete(userId);
    if (this.passwordTold.has(userId)) return;
    this.passwordTold.add(userId);
    const what = configured ? "refused the bridge's server password" : "asks for a server password, and the bridge has none";
    this.notify(
      userId,
      `${this.networkName} ${what}, so the bridge cannot connect you. This is the bridge's configuration, not yours: tell the bridge's operator. The bridge keeps retrying, slowly; until it gets in, nothing you send reaches IRC.`,
    );
  }

  /** The server refused the user's connection for good. */
  refused(userId: string, reason: string): void {
    this.lost.delete(userId);
    this.notify(userId, `${this.networkName} refused your connection: ${reason}. The bridge will not retry; say !reconnect to try again.`);
  }

  /** The bridge closed the connection on purpose (the user is told by whoever closed it). */
  forget(userId: string): void {
    this.lost.delete(userId);
    this.passwordTold.delete(userId);
  }

  /** Users whose lost connection is on record (tests). */
  get tracked(): number {
    return this.lost.size;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, 1000);
  }

  private check(): void {
    const now = this.clock.now();
    let pending = false;
    for (const [userId, lost] of this.lost) {
      if (lost.told) continue;
      if (now - lost.at >= this.quietMs) {
        lost.told = true;
        this.notify(userId, `Lost your connection to ${this.networkName} (${lost.reason}); reconnecting. Your messages wait and go out once it is back.`);
      } else pending = true;
    }
    if (pending) this.arm();
  }
}
