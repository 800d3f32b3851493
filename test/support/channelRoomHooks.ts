import type { MatrixContext } from "../../src/fromMatrix/context";
import { ENCRYPTED_NOTICE_EVERY_MS } from "../../src/fromMatrix/encrypted";
import { NoticeCooldown } from "../../src/rooms/noticeCooldown";

/** The channel-room hooks of a Matrix context for tests that do not exercise them: a fresh cooldown, no copies to other rooms. */
export function quietChannelRooms(): Pick<MatrixContext, "encryptedNotices" | "echoToOtherRooms"> {
  return { encryptedNotices: new NoticeCooldown(ENCRYPTED_NOTICE_EVERY_MS), echoToOtherRooms: () => undefined };
}
