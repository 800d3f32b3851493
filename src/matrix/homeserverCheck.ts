import { randomUUID } from "node:crypto";
import { MatrixApiError, type MatrixApi } from "./matrixApi";

/** What the check needs of the registration. */
export interface CheckedRegistration {
  readonly id: string;
  readonly sender_localpart: string;
}

/**
 * What the bridge asks of the homeserver when it starts (homeserverWatch.ts retries it until it
 * answers): its bot user registered, then the homeserver asked to ping the bridge (POST
 * /_matrix/client/v1/appservice/{id}/ping), which proves that it reaches the bridge's URL with the
 * right hs_token. Resolves to the round trip the homeserver measured, -1 when it does not say.
 * Rejects with the MatrixApiError of the request that failed.
 *
 * A bot that exists already is a success (M_USER_IN_USE, MatrixApi.register), and so is
 * M_EXCLUSIVE, as matrix-appservice-bridge took it for the bot: a homeserver may answer that for
 * the sender's own localpart, and the ping that follows is the real proof that the homeserver and
 * the bridge reach each other.
 *
 * Both go through the bridge's own MatrixApi (node:http, its 30 s deadline per request).
 * matrix-appservice-bridge made these two requests before, and nothing else; loading it (with
 * matrix-bot-sdk, express, request and their dependencies: 32.5 MB of RSS and 0.36 s of CPU on
 * top of what the bridge loads anyway; it and the PostgreSQL driver, now loaded only for that
 * store, were about 650 of the bridge's 1,516 modules) was most of what a bridge at rest held
 * (`npm run bench:startup`, see the README).
 */
export async function checkHomeserver(api: MatrixApi, registration: CheckedRegistration): Promise<number> {
  try {
    await api.register(registration.sender_localpart);
  } catch (err) {
    if (!(err instanceof MatrixApiError && err.errcode === "M_EXCLUSIVE")) throw err;
  }
  const answer = await api.request("POST", `/_matrix/client/v1/appservice/${encodeURIComponent(registration.id)}/ping`, undefined, { transaction_id: randomUUID() });
  const duration = answer.duration_ms;
  return typeof duration === "number" ? duration : -1;
}
