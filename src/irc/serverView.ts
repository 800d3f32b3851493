/**
 * What one connection's server told it that the bridge reads back: how its channel modes are
 * written (ISUPPORT PREFIX and CHANMODES, kept raw because irc-framework's own parse has other
 * defaults) and how it shows us to others (user name and host, from the echo of our JOIN or a 396
 * after a cloak). Reset on every new socket. Transport only.
 */
import type { IrcLine } from "./ircLine";
import { detached, shared } from "../util/keptStrings";
import { announcedModes, modeSpec, type AnnouncedModes, type ModeSpec } from "./modes";

export class ServerView {
  private announced: AnnouncedModes = { prefix: undefined, chanmodes: undefined };
  private user: string | undefined;
  private host: string | undefined;

  reset(): void {
    this.announced = { prefix: undefined, chanmodes: undefined };
    this.user = undefined;
    this.host = undefined;
  }

  /** Every line from the server; RPL_ISUPPORT (005) is read. */
  heard(line: IrcLine): void {
    if (line.command !== "005") return;
    const { prefix, chanmodes } = announcedModes(line.params, this.announced);
    // One copy for every connection, not a slice that keeps the whole 005 line (keptStrings.ts).
    this.announced = { prefix: prefix === undefined ? undefined : shared(prefix), chanmodes: chanmodes === undefined ? undefined : shared(chanmodes) };
  }

  /** The echo of our own JOIN names us as others see us. */
  joined(user: string | undefined, host: string | undefined): void {
    // Copies of their own: slices would keep the whole JOIN line (keptStrings.ts).
    this.user = user === undefined ? this.user : detached(user);
    this.host = host === undefined ? this.host : detached(host);
  }

  /** RPL_HOSTHIDDEN / 396: our host is now shown as this. */
  displayedHost(host: string): void {
    this.host = detached(host);
  }

  /** RFC defaults until announced. */
  get modeSpec(): ModeSpec {
    return modeSpec(this.announced.prefix, this.announced.chanmodes);
  }

  /** `nick!user@host`, once both are known. */
  hostmask(nick: string): string | undefined {
    return this.user === undefined || this.host === undefined ? undefined : `${nick}!${this.user}@${this.host}`;
  }
}
