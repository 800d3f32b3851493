import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import type { ClientOptions } from "irc-framework";
import { followLogin, type LoginClient } from "../../src/irc/saslLogin";
import type { ClientSink } from "../../src/irc/dispatchingClient";

/** A stand-in for irc-framework's client: events are emitted by the test (and handed to its sink, as dispatchingClient.ts does), raw lines recorded. */
class FakeClient extends EventEmitter implements LoginClient {
  readonly options: Partial<ClientOptions> = {};
  readonly network = { cap: { available: new Map<string, string>(), negotiating: true } };
  readonly written: string[] = [];
  sink: ClientSink | undefined;
  raw(line: string): void {
    this.written.push(line);
  }
  override emit(event: string, ...args: unknown[]): boolean {
    this.sink?.(event, args[0]);
    return super.emit(event, ...args);
  }
}

function scene(plan: { auth?: boolean; certificate: boolean }, registered = false) {
  const c = new FakeClient();
  if (plan.certificate) c.options.sasl_mechanism = "EXTERNAL";
  const told: string[] = [];
  c.sink = followLogin(c, { auth: plan.auth === true ? { account: "alice", password: "pw" } : undefined, certificate: plan.certificate }, {
    loggedIn: (account, via) => told.push(`loggedIn ${account} ${via}`),
    failed: (reason, certificate) => told.push(`failed ${reason}${certificate === undefined ? "" : ` | certificate: ${certificate.reason} | password: ${certificate.password}`}`),
    identifyAfterRegistering: () => told.push("identify later"),
    registered: () => registered,
  });
  return { c, told };
}

describe("logging in while registering", () => {
  it("with the certificate: SASL EXTERNAL, told as such", () => {
    const { c, told } = scene({ certificate: true, auth: true });
    c.network.cap.available.set("sasl", "PLAIN,EXTERNAL");
    c.emit("cap ls", {});
    assert.equal(c.options.sasl_mechanism, "EXTERNAL", "EXTERNAL offered: kept (not switched to PLAIN)");
    c.emit("loggedin", { account: "alice" });
    assert.deepEqual(told, ["loggedIn alice certificate"]);
  });

  it("EXTERNAL not in the server's mechanisms, a password stored: PLAIN from the start, the user told why", () => {
    const { c, told } = scene({ certificate: true, auth: true });
    c.network.cap.available.set("sasl", "PLAIN,SCRAM-SHA-256");
    c.emit("cap ls", {});
    assert.equal(c.options.sasl_mechanism, "PLAIN");
    c.emit("loggedin", { account: "alice" });
    assert.deepEqual(told, ["failed the server does not offer SASL EXTERNAL | certificate: the server does not offer SASL EXTERNAL | password: accepted"]);
  });

  it("EXTERNAL refused (904), a password stored: AUTHENTICATE PLAIN in the same connection, CAP negotiation kept open for it", async () => {
    const { c, told } = scene({ certificate: true, auth: true });
    c.emit("cap ls", {});
    c.emit("sasl failed", { reason: "fail", message: "SASL authentication failed" });
    assert.deepEqual(c.written, ["AUTHENTICATE PLAIN"]);
    assert.equal(c.options.sasl_mechanism, "PLAIN");
    assert.equal(c.network.cap.negotiating, false, "irc-framework does not send CAP END after this 904");
    await Promise.resolve();
    assert.equal(c.network.cap.negotiating, true, "and ends negotiation after the PLAIN login");
    c.emit("sasl failed", { reason: "fail" });
    assert.deepEqual(c.written, ["AUTHENTICATE PLAIN"], "no second retry");
    assert.deepEqual(told, ["failed the server refused the account name or password | certificate: the server refused it (SASL authentication failed) | password: refused"]);
  });

  it("EXTERNAL refused without a password: told, nothing retried", () => {
    const { c, told } = scene({ certificate: true });
    c.emit("sasl failed", { reason: "fail", message: "bad" });
    assert.deepEqual(c.written, []);
    assert.deepEqual(told, ["failed the server refused it (bad) | certificate: the server refused it (bad) | password: none"]);
  });

  it("no SASL on the server: a password goes to NickServ after registering; a certificate alone is no failure", () => {
    const withPassword = scene({ certificate: true, auth: true });
    withPassword.c.emit("sasl failed", { reason: "capability_missing" });
    assert.deepEqual(withPassword.told, ["identify later"]);
    const certificateOnly = scene({ certificate: true });
    certificateOnly.c.emit("sasl failed", { reason: "capability_missing" });
    assert.deepEqual(certificateOnly.told, []);
  });

  it("a password alone: SASL PLAIN as before; a login after registering is NickServ's", () => {
    const { c, told } = scene({ certificate: false, auth: true });
    c.emit("cap ls", {});
    assert.equal(c.options.sasl_mechanism, undefined);
    c.emit("sasl failed", { reason: "fail" });
    assert.deepEqual(told, ["failed the server refused the account name or password"]);
    const later = scene({ certificate: false, auth: true }, true);
    later.c.emit("loggedin", { account: "alice" });
    assert.deepEqual(later.told, ["loggedIn alice nickserv"]);
  });

  it("a password, and the server's SASL has no PLAIN (SCRAM only): the password goes to NickServ after registering", () => {
    const { c, told } = scene({ certificate: false, auth: true });
    c.emit("sasl failed", { reason: "unsupported_mechanism" });
    assert.deepEqual(told, ["identify later"]);
  });
});
