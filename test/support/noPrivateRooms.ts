import type { PmRoomHooks } from "../../src/fromMatrix/context";

/** Private-message hooks for tests that have no private rooms: no room is one, nothing is done. */
export function noPrivateRooms(): PmRoomHooks {
  return {
    roomOf: () => undefined,
    isOpening: () => false,
    hold: () => undefined,
    open: () => undefined,
    userMembership: () => undefined,
    refuse: () => undefined,
    ghostRemoved: () => undefined,
    notice: () => undefined,
  };
}
