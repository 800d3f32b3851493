import { pmKey } from "../rooms/pmIndex";
import type { MatrixContext } from "./context";

/** Where the messages of a Matrix room go on IRC: a bridged channel, or a nick (a private-message room). */
export type IrcTarget =
  | {
      readonly kind: "channel";
      readonly network: string;
      /** The channel as written, and folded (server casemapping). */
      readonly name: string;
      readonly folded: string;
      /** Messages with the same key reach IRC one at a time, in order (ChannelOrder). */
      readonly orderKey: string;
    }
  | {
      readonly kind: "nick";
      readonly network: string;
      readonly name: string;
      readonly folded: string;
      readonly orderKey: string;
      /** The only Matrix user whose messages go there. */
      readonly userId: string;
    };

/** The IRC target of a room, or undefined when the room is bridged to none. */
export function ircTargetOf(roomId: string, ctx: MatrixContext): IrcTarget | undefined {
  const room = ctx.rooms.room(roomId);
  if (room !== undefined) return { kind: "channel", network: room.network, name: room.channel, folded: room.folded, orderKey: `${room.network}\0${room.folded}` };
  const pm = ctx.pms.roomOf(roomId);
  if (pm !== undefined) return { kind: "nick", network: pm.network, name: pm.nick, folded: pm.folded, orderKey: pmKey(pm.network, pm.userId, pm.folded), userId: pm.userId };
  return undefined;
}
