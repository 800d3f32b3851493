import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type LinkInfo, type LinkTarget } from "./links";

/** A bridge admin links a room without asking a channel operator (see links.ts). */
export function plumb(_deps: ProvisioningDeps, _target: LinkTarget, _adminUserId: string): Promise<LinkInfo> {
  return Promise.reject(new ProvisionError(501, "M_UNRECOGNIZED", "plumbing is not built yet"));
}
