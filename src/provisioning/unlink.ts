import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type UnlinkRequest } from "./links";

/** Ends a link (see links.ts). */
export function unlink(_deps: ProvisioningDeps, _request: UnlinkRequest): Promise<void> {
  return Promise.reject(new ProvisionError(501, "M_UNRECOGNIZED", "unlinking is not built yet"));
}
