import { csApi, eventually, joinRoom, sendText, timeline, type TestUser } from "./matrixClient";

/** Waits for the bot's invite to the user's admin room (or any room the bot invites them to), joins it. */
export async function acceptInviteFrom(user: TestUser, inviter: string, timeoutMs = 30000): Promise<string> {
  type Sync = {
    next_batch: string;
    rooms?: { invite?: Record<string, { invite_state?: { events?: { type: string; sender: string; state_key?: string; content: { membership?: string } }[] } }> };
  };
  // Incremental sync: Synapse may answer repeated initial syncs from a cache.
  let since: string | undefined;
  const roomId = await eventually(async () => {
    const res = await csApi<Sync>("GET", `/_matrix/client/v3/sync?timeout=1000${since === undefined ? "" : `&since=${encodeURIComponent(since)}`}`, user.token);
    since = res.body.next_batch;
    for (const [id, room] of Object.entries(res.body.rooms?.invite ?? {})) {
      const invite = room.invite_state?.events?.find((e) => e.type === "m.room.member" && e.state_key === user.userId && e.content.membership === "invite");
      if (invite?.sender === inviter) return id;
    }
    return undefined;
  }, timeoutMs, `an invite from ${inviter}`);
  await joinRoom(user, roomId);
  return roomId;
}

/** The notices the bot posted in a room, oldest first. */
export async function botNotices(user: TestUser, roomId: string, bot: string): Promise<string[]> {
  return (await timeline(user, roomId)).filter((e) => e.sender === bot && e.type === "m.room.message").map((e) => String(e.content.body));
}

/** Sends a command and waits for the bot's next notice in the room (its reply). */
export async function command(user: TestUser, roomId: string, bot: string, text: string, timeoutMs = 30000): Promise<string> {
  const before = (await botNotices(user, roomId, bot)).length;
  await sendText(user, roomId, text);
  return eventually(async () => (await botNotices(user, roomId, bot))[before], timeoutMs, `the reply to ${text.split(" ")[0] ?? text}`);
}

/** The user opens a direct chat with the bot: their admin room, once the bot has joined it. */
export async function openAdminRoom(user: TestUser, bot: string): Promise<string> {
  const res = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", user.token, { preset: "trusted_private_chat", is_direct: true, invite: [bot] });
  if (res.status !== 200) throw new Error(`createRoom: ${res.status} ${JSON.stringify(res.body)}`);
  const roomId = res.body.room_id;
  await eventually(async () => {
    const members = await csApi<{ joined?: Record<string, unknown> }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`, user.token);
    return bot in (members.body.joined ?? {});
  }, 20000, "the bot in the admin room");
  return roomId;
}
