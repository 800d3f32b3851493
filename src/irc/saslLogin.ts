/**
 * How one connection attempt logs in to the user's account while it registers: SASL EXTERNAL with
 * the client certificate (!certfp), SASL PLAIN with the stored password (!storepass), or NickServ
 * IDENTIFY once registered where the server has no SASL.
 *
 * Guarantees:
 * - With a client certificate (TLS only: clientOptions.ts presents it), SASL EXTERNAL is asked for
 *   where the server offers it. Where its mechanism list lacks EXTERNAL, or EXTERNAL is refused, and
 *   the user stored a password, the same connection logs in with SASL PLAIN instead (no reconnect),
 *   and the user is told that the certificate was not accepted and why (`certificate` on failed),
 *   whether the password then logged them in or not.
 * - Without a certificate: SASL PLAIN with the password; a server with no SASL at all gets NickServ
 *   IDENTIFY after registering (the connection does that: identifyAfterRegistering).
 * - The user hears of each outcome once: `loggedIn`, or `failed` with the reason.
 *
 * It relies on irc-framework 4.14's registration handler (commands/handlers/registration.js): the
 * mechanism is read from `options.sasl_mechanism` when the CAP ACK and the server's `AUTHENTICATE +`
 * arrive, and after a 904 the handler ends CAP negotiation only while `network.cap.negotiating` is
 * set, after emitting "sasl failed"; the PLAIN retry clears it for the rest of that handler.
 */
import type { ClientOptions } from "irc-framework";
import { str, type Raw } from "./clientEvents";
import type { Credentials } from "./connectionTypes";
import { rawOf, type ClientSink } from "./dispatchingClient";

/** How the account was logged in to. */
export type LoginVia = "certificate" | "sasl" | "nickserv";

/** The certificate was not accepted, and why; `password`: what the stored password did then. */
export interface CertificateRefusal {
  readonly reason: string;
  readonly password: "accepted" | "refused" | "none";
}

export interface LoginReport {
  loggedIn(account: string, via: LoginVia): void;
  failed(reason: string, certificate?: CertificateRefusal): void;
  /** SASL is not possible here: identify to NickServ with the password once registered. */
  identifyAfterRegistering(): void;
  readonly registered: () => boolean;
}

/** The part of irc-framework's Client this uses. */
export interface LoginClient {
  readonly options: Partial<ClientOptions>;
  readonly network: { readonly cap: { readonly available: Map<string, string>; negotiating: boolean } };
  raw(line: string): void;
}

/**
 * Follows the login of one client (one attempt) with `auth` and, when `certificate`, a client
 * certificate presented on TLS: the handler of the client's "cap ls", "sasl failed" and "loggedin"
 * events (dispatchingClient.ts).
 */
export function followLogin(c: LoginClient, plan: { readonly auth: Credentials | undefined; readonly certificate: boolean }, report: LoginReport): ClientSink {
  let mechanism: "EXTERNAL" | "PLAIN" | undefined = plan.certificate ? "EXTERNAL" : plan.auth === undefined ? undefined : "PLAIN";
  /** Why the certificate was not accepted, once it was not. */
  let certificateRefused: string | undefined;
  const toPlain = (why: string) => {
    certificateRefused = why;
    mechanism = "PLAIN";
    c.options.sasl_mechanism = "PLAIN";
  };
  const capLs = () => {
    // SASL 3.2 lists its mechanisms: where EXTERNAL is not among them, ask for PLAIN at once.
    if (mechanism !== "EXTERNAL" || plan.auth === undefined) return;
    const offered = c.network.cap.available.get("sasl");
    if (offered !== undefined && offered !== "" && !offered.toUpperCase().split(",").includes("EXTERNAL")) toPlain("the server does not offer SASL EXTERNAL");
  };
  const saslFailed = (e: Raw) => {
    const reason = str(e.reason);
    const said = str(e.message);
    if (reason === "capability_missing") {
      // No SASL here: the certificate may still identify the user to services; a password is sent to NickServ.
      if (plan.auth !== undefined) report.identifyAfterRegistering();
      return;
    }
    if (mechanism === "EXTERNAL") {
      const why = reason === "unsupported_mechanism" ? "the server does not offer SASL EXTERNAL" : reason === "fail" ? `the server refused it${said === "" ? "" : ` (${said})`}` : reason.replace(/_/g, " ");
      if (plan.auth === undefined || reason !== "fail") {
        report.failed(why, { reason: why, password: "none" });
        return;
      }
      // Retry with the password in this connection: keep irc-framework from ending CAP negotiation after this 904.
      toPlain(why);
      c.network.cap.negotiating = false;
      c.raw("AUTHENTICATE PLAIN");
      queueMicrotask(() => (c.network.cap.negotiating = true));
      return;
    }
    if (reason === "unsupported_mechanism" && plan.auth !== undefined && certificateRefused === undefined) {
      // The server's SASL has no PLAIN (SCRAM only, say): the password goes to NickServ once registered.
      report.identifyAfterRegistering();
      return;
    }
    const refused = reason === "fail" ? "the server refused the account name or password" : reason.replace(/_/g, " ");
    if (certificateRefused !== undefined) report.failed(refused, { reason: certificateRefused, password: "refused" });
    else report.failed(refused);
  };
  const loggedIn = (e: Raw) => {
    const account = str(e.account);
    if (report.registered()) report.loggedIn(account, "nickserv");
    else if (certificateRefused !== undefined) report.failed(certificateRefused, { reason: certificateRefused, password: "accepted" });
    else report.loggedIn(account, mechanism === "EXTERNAL" ? "certificate" : "sasl");
  };
  return (event, arg) => {
    if (event === "cap ls") capLs();
    else if (event === "sasl failed") saslFailed(rawOf(arg));
    else if (event === "loggedin") loggedIn(rawOf(arg));
  };
}
