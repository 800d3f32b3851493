import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type LinkInfo, type LinkRequest } from "./links";

/** A room moderator's link request, with the channel operator's consent (see links.ts). */
export function requestLink(_deps: ProvisioningDeps, _request: LinkRequest): Promise<LinkInfo> {
  return Promise.reject(new ProvisionError(501, "M_UNRECOGNIZED", "linking is not built yet"));
}
