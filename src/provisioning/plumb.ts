import { bridgeRoom } from "./bridgeRoom";
import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type LinkInfo, type LinkTarget } from "./links";
import { checkTarget } from "./targetChecks";

/**
 * A bridge admin links a room without asking a channel operator (`!plumb`): the same checks as any
 * link (targetChecks.ts), minus the consent. The bot must be in the room already (invited), as for
 * a static mapping.
 */
export async function plumb(deps: ProvisioningDeps, target: LinkTarget, adminUserId: string): Promise<LinkInfo> {
  if (!deps.isAdmin(adminUserId)) throw new ProvisionError(403, "M_FORBIDDEN", "Only bridge admins may link a room without a channel operator's consent.");
  const net = checkTarget(deps, target, adminUserId);
  return bridgeRoom(deps, net, target, adminUserId, `plumbed by ${adminUserId}`);
}
