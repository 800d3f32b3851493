import type { MatrixEvent } from "../matrix/events";
import type { MatrixContext, MatrixHandler } from "./context";
import { onMember } from "./membership";
import { onRoomMessage } from "./message";

/** The table of contents of Matrix -> IRC: one handler per event type. */
const handlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onRoomMessage,
  "m.room.member": onMember,
};

/** Routes each event synchronously, in transaction order. */
export function routeMatrixEvent(event: MatrixEvent, ctx: MatrixContext): void {
  handlers[event.type]?.(event, ctx);
}
