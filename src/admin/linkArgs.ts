/**
 * The arguments of the admin commands that make or end links (!plumb, !unlink): a room (its id,
 * or an alias resolved through the homeserver), a network (by id; it may be left out when the
 * bridge serves one) and a channel. Also how a refusal from the links (ProvisionError) is shown.
 */
import { ProvisionError } from "../provisioning/links";
import type { AdminNetwork, CommandContext } from "./command";

const ROOM_ID = /^![^:\s]+:\S+$/;
const ALIAS = /^#[^:\s]+:\S+$/;

export interface LinkArgs {
  readonly roomId: string;
  readonly network: AdminNetwork;
  readonly channel: string;
}

/** Reads `<room> [network] #channel`; the reply that says what is wrong, as a string. */
export async function linkArgs(ctx: CommandContext, argv: readonly string[], usage: string): Promise<LinkArgs | string> {
  const [room, second, third, ...more] = argv;
  if (room === undefined || second === undefined || more.length > 0) return `Usage: ${usage}`;
  const named = third === undefined ? undefined : ctx.networks.find((n) => n.id === second.toLowerCase());
  if (third !== undefined && named === undefined) return `There is no network ${second}. Networks: ${ctx.networks.map((n) => n.id).join(", ")}.`;
  const only = ctx.networks.length === 1 ? ctx.networks[0] : undefined;
  const network = named ?? only;
  if (network === undefined) return `Which network? Usage: ${usage} (networks: ${ctx.networks.map((n) => n.id).join(", ")}).`;
  const channel = third ?? second;
  const roomId = await roomOf(ctx, room);
  if (roomId === undefined) return `${room} is not a room id (!id:server) or an alias (#name:server) that leads to a room.`;
  return { roomId, network, channel };
}

async function roomOf(ctx: CommandContext, room: string): Promise<string | undefined> {
  if (ROOM_ID.test(room)) return room;
  if (!ALIAS.test(room)) return undefined;
  return ctx.resolveAlias(room);
}

/** A refusal from the links, as shown in a reply; anything else is rethrown (the runner logs it). */
export function refusalText(err: unknown): string {
  if (err instanceof ProvisionError) return err.message;
  throw err;
}
