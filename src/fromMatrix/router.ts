import type { MatrixEvent } from "../matrix/events";
import { onAdminMember } from "./adminMembership";
import { onAdminMessage } from "./adminMessage";
import type { MatrixContext, MatrixHandler } from "./context";
import { onMember } from "./membership";
import { onRoomMessage } from "./message";
import { onPowerLevels } from "./powerLevels";
import { onRoomTopic } from "./topic";

/** The table of contents of Matrix -> IRC: one handler per event type. */
const handlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onRoomMessage,
  "m.room.member": onMember,
  "m.room.power_levels": onPowerLevels,
  "m.room.topic": onRoomTopic,
};

/** Admin rooms (a user's private room with the bot) have their own table: nothing there reaches IRC. */
const adminHandlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onAdminMessage,
  "m.room.member": onAdminMember,
};

/** Routes each event synchronously, in transaction order. */
export function routeMatrixEvent(event: MatrixEvent, ctx: MatrixContext): void {
  const isAdmin = event.room_id !== undefined && ctx.admin.ownerOf(event.room_id) !== undefined;
  (isAdmin ? adminHandlers : handlers)[event.type]?.(event, ctx);
}
