import { errorText } from "../errors";
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { RoomRecord } from "../store/store";
import type { RoomIndex } from "./roomIndex";

/**
 * Portal rooms: when a Matrix user joins #<aliasTemplate>:<domain>, the homeserver asks us whether
 * the alias exists, and the bot creates the room on the spot: name = the channel, history visible
 * to joined members only, the network's join rule, the alias set, never published in the room
 * directory (a secret channel must not leak there), the bot at power 100. The IRC topic follows
 * when a connection joins the channel. Invalid or excluded channels are refused (404), and why is
 * logged.
 */
export class Portals {
  private readonly creating = new Map<string, Promise<boolean>>();

  constructor(
    private readonly networks: readonly NetworkContext[],
    private readonly rooms: RoomIndex,
    private readonly api: MatrixApi,
    private readonly botUserId: string,
    private readonly log: Logger,
    /** A portal room was created and recorded (the bridge may already be in its channel). */
    private readonly created: (room: RoomRecord) => void = () => undefined,
  ) {}

  onAliasQuery(alias: string): Promise<boolean> {
    const running = this.creating.get(alias);
    if (running !== undefined) return running;
    const run = this.create(alias).finally(() => this.creating.delete(alias));
    this.creating.set(alias, run);
    return run;
  }

  private async create(alias: string): Promise<boolean> {
    for (const network of this.networks) {
      const channel = network.ids.channelOfAlias(alias);
      if (channel === undefined) continue;
      const decision = network.channels.portalFor(channel);
      if (!decision.allowed) {
        this.log.info("refused a portal room", { alias, reason: decision.reason });
        return false;
      }
      const folded = network.channels.fold(channel);
      const existing = this.rooms.roomsFor(network.id, folded).find((r) => r.origin === "portal");
      if (existing !== undefined) {
        // The room exists but lost its alias (or the alias belongs to another casing): point it here.
        await this.api.request("PUT", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, this.botUserId, { room_id: existing.roomId });
        return true;
      }
      try {
        const roomId = await this.api.createRoom(this.botUserId, {
          room_alias_name: alias.slice(1, alias.lastIndexOf(":")),
          name: channel,
          preset: decision.joinRule === "public" ? "public_chat" : "private_chat",
          visibility: "private",
          initial_state: [
            { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } },
            { type: "m.room.join_rules", state_key: "", content: { join_rule: decision.joinRule } },
          ],
          power_level_content_override: { users: { [this.botUserId]: 100 } },
        });
        const record: RoomRecord = { roomId, network: network.id, channel, folded, origin: "portal" };
        await this.rooms.add(record);
        this.created(record);
        this.log.info("created a portal room", { alias, room: roomId, channel });
        return true;
      } catch (err) {
        this.log.error("could not create a portal room", { alias, error: errorText(err) });
        throw err;
      }
    }
    return false;
  }
}
