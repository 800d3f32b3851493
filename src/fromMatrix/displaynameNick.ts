import { templateNick } from "../puppets/identity";
import type { NetworkRuntime } from "./context";

/**
 * A Matrix user's displayname changed: with the network's nickFollowsDisplayname their IRC nick
 * follows it (the nickTemplate, within the server's NICKLEN), unless they chose their nick with
 * !nick (their record's desiredNick).
 *
 * Guarantee: a nick the user chose is never replaced by a displayname change; only another !nick or
 * `!nick --reset` changes it. Not guaranteed: the new nick (the server refuses one in use, and the
 * user keeps theirs).
 */
export async function followDisplayname(runtime: Pick<NetworkRuntime, "network" | "puppets">, userId: string, displayname: string): Promise<void> {
  if (!runtime.network.nickFollowsDisplayname || runtime.puppets.get(userId) === undefined) return;
  const record = await runtime.puppets.stored(userId);
  if (record?.desiredNick !== undefined) return;
  // Looked up again: the connection may have closed while the record was read.
  const connection = runtime.puppets.get(userId);
  const nick = templateNick(runtime.network, userId, displayname);
  connection?.requestNick(nick);
  // Asked for at its reconnections too.
  connection?.preferNick(nick);
}
