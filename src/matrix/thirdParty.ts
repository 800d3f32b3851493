/**
 * Transport for the AS API's third-party lookups (GET /_matrix/app/v1/thirdparty/...): the path and
 * query in, a JSON answer out. What the answers say is decided elsewhere (discovery/); the caller
 * (appserviceServer.ts) has already checked the hs_token.
 */

/** A lookup's answer: the body for 200, or an error with its status. */
export type ThirdPartyAnswer =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly status: number; readonly errcode: string; readonly error: string };

export interface ThirdPartyHandlers {
  /** GET /thirdparty/protocol/{protocol} */
  protocol(protocol: string): ThirdPartyAnswer;
  /** GET /thirdparty/location/{protocol}?fields... */
  location(protocol: string, fields: Readonly<Record<string, string>>): ThirdPartyAnswer;
  /** GET /thirdparty/user/{protocol}?fields... */
  user(protocol: string, fields: Readonly<Record<string, string>>): ThirdPartyAnswer;
  /** GET /thirdparty/location?alias= */
  locationByAlias(alias: string | undefined): ThirdPartyAnswer;
  /** GET /thirdparty/user?userid= */
  userById(userId: string | undefined): ThirdPartyAnswer;
}

export const THIRD_PARTY = "/thirdparty/";

/**
 * The answer to a GET under /thirdparty/ (`rest`: the path after /_matrix/app/v1), or undefined when
 * the path is none of the lookups. The query's fields are passed on as given (first value of each),
 * without the legacy access_token.
 */
export function answerThirdParty(rest: string, query: URLSearchParams, handlers: ThirdPartyHandlers): { status: number; body: unknown } | undefined {
  const fields: Record<string, string> = {};
  for (const [name, value] of query) if (name !== "access_token" && !(name in fields)) fields[name] = value;
  const tail = rest.slice(THIRD_PARTY.length);
  const [kind, protocol, ...more] = tail.split("/");
  if (more.length > 0) return undefined;
  const name = protocol === undefined || protocol === "" ? undefined : decoded(protocol);
  if (name === null) return { status: 400, body: { errcode: "M_INVALID_PARAM", error: "the protocol in the path is not valid percent-encoding" } };
  let answer: ThirdPartyAnswer;
  if (kind === "protocol" && name !== undefined) answer = handlers.protocol(name);
  else if (kind === "location" && name !== undefined) answer = handlers.location(name, fields);
  else if (kind === "user" && name !== undefined) answer = handlers.user(name, fields);
  else if (kind === "location" && protocol === undefined) answer = handlers.locationByAlias(query.get("alias") ?? undefined);
  else if (kind === "user" && protocol === undefined) answer = handlers.userById(query.get("userid") ?? undefined);
  else return undefined;
  return answer.ok ? { status: 200, body: answer.body } : { status: answer.status, body: { errcode: answer.errcode, error: answer.error } };
}

/** The path segment decoded, or null when its percent-encoding is broken. */
function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
