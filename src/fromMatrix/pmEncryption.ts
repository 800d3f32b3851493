import type { MatrixHandler } from "./context";

/**
 * Encryption turned on in a private-message room: the bridge cannot read what is written there any
 * more, so the ghost says so at once rather than let the user talk to no one.
 */
export const onPmEncryption: MatrixHandler = (event, ctx) => {
  const pm = event.room_id === undefined ? undefined : ctx.pms.roomOf(event.room_id);
  if (event.room_id === undefined || pm === undefined || event.state_key !== "") return;
  ctx.pms.notice(
    event.room_id,
    `This chat is encrypted now, and the bridge cannot read encrypted messages: ${pm.nick} will not see what is written here. Start a new direct chat with ${pm.nick}'s ghost with encryption turned off.`,
  );
};
