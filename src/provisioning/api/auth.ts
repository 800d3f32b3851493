/**
 * Who calls the provisioning API. Guarantees: the shared secret is compared in constant time (both
 * sides hashed to the same length first, as the appservice server compares the hs_token), and is
 * never logged or echoed; no token: 401 M_MISSING_TOKEN; a token that is neither the secret nor a
 * live OpenID session: 403 M_UNKNOWN_TOKEN. A session acts as its own user only: a body naming
 * another user is refused (403), never obeyed.
 */
import { SharedSecret } from "../../util/sharedSecret";
import type { IncomingMessage } from "node:http";
import { HttpError } from "../../util/http";

/** OpenID widget sessions (provisioning/openId.ts): the user a session token stands for. */
export interface ProvisioningSessions {
  userOf(token: string): string | undefined;
}

/** The caller: an integration holding the secret (acts for the body's user_id), or one user's session. */
export type Caller = { readonly kind: "secret" } | { readonly kind: "session"; readonly userId: string };

/** The request's Bearer token ("" when it has none). */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") === true ? header.slice("Bearer ".length).trim() : "";
}

export class ProvisioningAuth {
  private readonly expected: SharedSecret;

  constructor(
    secret: string,
    private readonly sessions: ProvisioningSessions | undefined,
  ) {
    this.expected = new SharedSecret(secret);
  }

  caller(req: IncomingMessage): Caller {
    const token = bearerToken(req);
    if (token === "") throw new HttpError(401, "M_MISSING_TOKEN", "the provisioning API needs Authorization: Bearer <token>");
    if (this.expected.matches(token)) return { kind: "secret" };
    const userId = this.sessions?.userOf(token);
    if (userId !== undefined) return { kind: "session", userId };
    throw new HttpError(403, "M_UNKNOWN_TOKEN", "the token is not valid for the provisioning API");
  }
}

/** The Matrix user a request acts for: the session's, or the body's user_id (required with the secret). */
export function actingUser(caller: Caller, bodyUserId: string | undefined): string {
  if (caller.kind === "session") {
    if (bodyUserId !== undefined && bodyUserId !== caller.userId) throw new HttpError(403, "M_FORBIDDEN", "user_id: a session acts only for its own user");
    return caller.userId;
  }
  if (bodyUserId === undefined) throw new HttpError(400, "M_MISSING_PARAM", "user_id: missing (the Matrix user the request is made for)");
  return bodyUserId;
}
