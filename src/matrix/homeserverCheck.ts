import { randomUUID } from "node:crypto";
import type { MatrixApi } from "./matrixApi";

/** What the check needs of the registration. */
export interface CheckedRegistration {
  readonly id: string;
  readonly sender_localpart: string;
}

/**
 * What the bridge asks of the homeserver when it starts (homeserverWatch.ts retries it until it
 * answers): its bot user registered (a bot that exists already counts as success, as any user in
 * the namespace, MatrixApi.register), then the homeserver asked to ping the bridge (POST
 * /_matrix/client/v1/appservice/{id}/ping), which proves that it reaches the bridge's URL with the
 * right hs_token. Resolves to the round trip the homeserver measured, -1 when it does not say.
 * Rejects with the MatrixApiError of the request that failed.
 *
 * Both go through the bridge's own MatrixApi. matrix-appservice-bridge made these two requests
 * before, and nothing else: loading it (with matrix-bot-sdk, express, request and their
 * dependencies, about 800 modules) cost every start 46 MB of RSS, 23 MB of it live heap that every
 * full garbage collection marks again, and 0.4 s of CPU.
 */
export async function checkHomeserver(api: MatrixApi, registration: CheckedRegistration): Promise<number> {
  await api.register(registration.sender_localpart);
  const answer = await api.request("POST", `/_matrix/client/v1/appservice/${encodeURIComponent(registration.id)}/ping`, undefined, { transaction_id: randomUUID() });
  const duration = answer.duration_ms;
  return typeof duration === "number" ? duration : -1;
}
