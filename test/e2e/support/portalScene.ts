import { TestIrcClient, escape } from "./ircClient";
import type { RunningBridge } from "./localBridge";
import { joinRoom, registerUser, timeline, uniqueName, type TestUser, puppetNick } from "./matrixClient";

/**
 * A common scene for the restart and fault stories: a bridge, one IRC user ("talker") in a
 * channel, and one Matrix user ("alice") who joined its portal room, her puppet seen on IRC.
 */
export class PortalScene {
  alice!: TestUser;
  talker!: TestIrcClient;
  roomId = "";
  /** Alice's nick on IRC. */
  nick = "";

  constructor(
    readonly bridge: RunningBridge,
    readonly channel: string,
  ) {}

  async setUp(): Promise<void> {
    await this.bridge.start();
    this.talker = await TestIrcClient.connect(this.bridge.irc.host, this.bridge.irc.port, uniqueName("tal").slice(0, 12));
    await this.talker.join(this.channel);
    this.alice = await registerUser(uniqueName("alice"));
    this.roomId = await joinRoom(this.alice, this.bridge.alias(this.channel));
    this.nick = puppetNick(this.alice);
    await this.talker.waitFor(this.puppetJoin(), 20000);
  }

  async tearDown(): Promise<void> {
    await this.talker.quit();
    await this.bridge.dispose();
  }

  /** A line showing alice's puppet joining the channel. */
  puppetJoin(): RegExp {
    return new RegExp(`^(?:@\\S+ )?:${escape(this.nick)}!\\S+ JOIN`, "i");
  }

  /** Bodies of the room's messages that start with `prefix`, oldest first. */
  async bodies(prefix: string): Promise<string[]> {
    return (await timeline(this.alice, this.roomId))
      .filter((e) => typeof e.content.body === "string" && e.content.body.startsWith(prefix))
      .map((e) => String(e.content.body));
  }
}
