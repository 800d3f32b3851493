import { errorText } from "../errors";
import type { MatrixEvent } from "../matrix/events";
import { onAdminMember } from "./adminMembership";
import { onAdminMessage } from "./adminMessage";
import type { MatrixContext, MatrixHandler } from "./context";
import { onEncrypted } from "./encrypted";
import { onEncryption } from "./encryption";
import { onMember } from "./membership";
import { onRoomMessage } from "./message";
import { onPmEncryption } from "./pmEncryption";
import { onPmMember } from "./pmMembership";
import { onPmMessage } from "./pmMessage";
import { onPolicyListEvent } from "./policyList";
import { onPowerLevels } from "./powerLevels";
import { onTombstone } from "./tombstone";
import { onRoomTopic } from "./topic";
import { onReaction } from "./reaction";
import { onRedaction } from "./redaction";
import { onTyping } from "./typing";

/** The table of contents of Matrix -> IRC: one handler per event type. */
const handlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onRoomMessage,
  "m.room.member": onMember,
  "m.room.power_levels": onPowerLevels,
  "m.room.topic": onRoomTopic,
  "m.room.tombstone": onTombstone,
  "m.room.encrypted": onEncrypted,
  "m.room.encryption": onEncryption,
  "m.reaction": onReaction,
  "m.room.redaction": onRedaction,
};

/** Ephemeral events (typing; receipts and presence are not bridged): bridged rooms only. */
const ephemeralHandlers: Readonly<Record<string, MatrixHandler>> = {
  "m.typing": onTyping,
};

/** Admin rooms (a user's private room with the bot) have their own table: nothing there reaches IRC. */
const adminHandlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onAdminMessage,
  "m.room.member": onAdminMember,
  "m.room.tombstone": onTombstone,
};

/** Private-message rooms (a user and an IRC nick's ghost) have theirs: messages go to the nick. */
const pmHandlers: Readonly<Record<string, MatrixHandler>> = {
  "m.room.message": onPmMessage,
  "m.room.member": onPmMember,
  "m.room.encryption": onPmEncryption,
  "m.room.encrypted": onEncrypted,
  "m.room.tombstone": onTombstone,
};

/**
 * Routes each event synchronously, in transaction order. A subscribed ban list's room is read by
 * the ban lists alone; an excluded user's events are ignored everywhere else (src/access/). The
 * events of a room where a ghost is accepting a direct chat wait, and come back here once it has
 * (src/pms/directChats.ts).
 */
export function routeMatrixEvent(event: MatrixEvent, ctx: MatrixContext): void {
  const roomId = event.room_id;
  if (roomId !== undefined && ctx.banLists.isListRoom(roomId)) {
    onPolicyListEvent(event, ctx);
    return;
  }
  if (event.sender !== undefined && ctx.access.isExcluded(event.sender)) return;
  if (roomId !== undefined && ctx.pms.isOpening(roomId)) {
    ctx.pms.hold(roomId, event);
    return;
  }
  const table =
    roomId === undefined ? handlers : ctx.admin.ownerOf(roomId) !== undefined ? adminHandlers : ctx.pms.roomOf(roomId) !== undefined ? pmHandlers : handlers;
  table[event.type]?.(event, ctx);
}

/** Routes a transaction's ephemeral events (after its room events), synchronously; one that fails is logged and skipped. */
export function routeEphemeralEvents(events: readonly MatrixEvent[], ctx: MatrixContext): void {
  for (const event of events) {
    try {
      ephemeralHandlers[event.type]?.(event, ctx);
    } catch (err) {
      ctx.log.error("failed to handle a Matrix ephemeral event", { type: event.type, room: event.room_id, error: errorText(err) });
    }
  }
}
