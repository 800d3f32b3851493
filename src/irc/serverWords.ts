/**
 * What IRC servers say when they refuse a connection, as written by Ergo, InspIRCd,
 * Solanum/charybdis and UnrealIRCd (see test/unit/serverWords.test.ts for their sentences).
 *
 * - Throttle / limit wording: the network wants fewer or slower connections. The connect
 *   scheduler's breaker backs the whole network off; the connection is retried after it.
 * - Ban wording (K/G/Z/D-lines, "banned"): this connection is refused for good and is not retried
 *   (the user is told); the breaker backs the network off too, as a ban is usually of the bridge's
 *   address and every other connection would meet it as well.
 * - Server password wording (464 ERR_PASSWDMISMATCH and the ERROR after it): the bridge's server
 *   password (ircNetworks[].password) is wrong or missing. Every connection would meet it, and only
 *   the operator can fix it: the breaker backs the whole network off (as for a throttle), and the
 *   users are told it is the bridge's configuration, not theirs.
 */
const THROTTLE = /throttl|too fast|too many (host |user |concurrent )?(connections|clients)|too many clients|too many recent connection|connect too many times|no more connections|connection limit|server is full/i;
const BAN = /banned|\b[kgzd]-?lined|not welcome on this server/i;
const PASSWORD = /password (incorrect|mismatch|required)|(bad|invalid|wrong|incorrect) (server )?password/i;

export type Refusal = "throttled" | "banned" | "password" | undefined;

/** Classifies the reason a server gave for closing a connection. */
export function refusalIn(reason: string): Refusal {
  if (BAN.test(reason)) return "banned";
  if (PASSWORD.test(reason)) return "password";
  if (THROTTLE.test(reason)) return "throttled";
  return undefined;
}
