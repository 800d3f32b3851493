import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionNews } from "../../src/bridge/connectionNews";
import { FakeClock } from "../support/fakeClock";

function scene(successes = true) {
  const clock = new FakeClock();
  const told: string[] = [];
  const news = new ConnectionNews("TestNet", (userId, text) => told.push(`${userId}: ${text}`), clock, 10000, successes);
  return { clock, told, news };
}

describe("connection news (with sendSuccessNotices on)", () => {
  it("a connection back within the quiet time is not reported at all", () => {
    const { clock, told, news } = scene();
    news.dropped("@a:x", "Server shutting down");
    clock.advance(9000);
    news.registered("@a:x", "a", true, undefined);
    clock.advance(60000);
    assert.deepEqual(told, []);
  });

  it("a refused server password is told at once, once per user however often it recurs, instead of 'lost'; its end is told", () => {
    const { clock, told, news } = scene(false);
    news.passwordRefused("@a:x", true);
    news.dropped("@a:x", "Password incorrect");
    news.passwordRefused("@a:x", true);
    clock.advance(60000);
    news.passwordRefused("@a:x", true);
    news.passwordRefused("@b:x", false);
    assert.equal(told.length, 2, told.join("\n"));
    assert.match(told[0] ?? "", /^@a:x: TestNet refused the bridge's server password, .*This is the bridge's configuration, not yours: tell the bridge's operator\./);
    assert.match(told[1] ?? "", /^@b:x: TestNet asks for a server password, and the bridge has none/);
    news.registered("@a:x", "a", false, undefined);
    assert.match(told[2] ?? "", /^@a:x: Connected to TestNet as a\./, "the trouble is over, even with success notices off");
    news.passwordRefused("@a:x", true);
    assert.equal(told.length, 4, "a new refusal after a success is told again");
  });

  it("one lost for longer is reported once, and its return too", () => {
    const { clock, told, news } = scene();
    news.dropped("@a:x", "Ping timeout");
    news.dropped("@a:x", "connect ECONNREFUSED");
    clock.advance(10000);
    clock.advance(30000);
    assert.deepEqual(told, ["@a:x: Lost your connection to TestNet (Ping timeout); reconnecting. Your messages wait and go out once it is back."]);
    news.registered("@a:x", "a_", true, undefined);
    assert.equal(told[1], "@a:x: Reconnected to TestNet as a_.");
  });

  it("the first connection (with the nick and why it differs), a refusal and logins are reported at once", () => {
    const { told, news } = scene();
    news.registered("@a:x", "a", false, undefined);
    news.registered("@b:x", "b_", false, "the nick b was in use, so you are b_");
    news.refused("@c:x", "K-Lined: spam");
    news.loggedIn("@a:x", "alice", "sasl");
    news.loginFailed("@b:x", "the server refused the account name or password");
    assert.deepEqual(told, [
      "@a:x: Connected to TestNet as a. Say !help for what you can do here.",
      "@b:x: Connected to TestNet as b_ (the nick b was in use, so you are b_). Say !help for what you can do here.",
      "@c:x: TestNet refused your connection: K-Lined: spam. The bridge will not retry; say !reconnect to try again.",
      "@a:x: Identified to TestNet as alice (SASL).",
      "@b:x: Could not identify to TestNet: the server refused the account name or password. Check your password with !storepass, then !reconnect.",
    ]);
  });

  it("a TLS refusal is told at once, with its reason, once however often the retries fail; the connection that follows is told", () => {
    const { clock, told, news } = scene(false);
    news.dropped("@a:x", "the server's TLS certificate is self-signed and not pinned (SHA-256 fingerprint AA:BB)", true);
    assert.deepEqual(told, ["@a:x: Cannot connect to TestNet: the server's TLS certificate is self-signed and not pinned (SHA-256 fingerprint AA:BB). The bridge keeps trying; your messages wait and go out once connected."]);
    for (let i = 0; i < 5; i++) {
      clock.advance(20000);
      news.dropped("@a:x", "the server's TLS certificate is self-signed and not pinned (SHA-256 fingerprint AA:BB)", true);
    }
    assert.equal(told.length, 1, "not on every retry");
    news.registered("@a:x", "a", false, undefined);
    assert.equal(told[1], "@a:x: Connected to TestNet as a. Say !help for what you can do here.");
  });

  it("keeps no timer once nothing is pending", () => {
    const { clock, news } = scene();
    news.dropped("@a:x", "gone");
    news.registered("@a:x", "a", true, undefined);
    clock.advance(2000);
    assert.equal(clock.liveTimers, 0);
  });
});

describe("connection news with the defaults (sendSuccessNotices off)", () => {
  it("says nothing for a success (the nick asked for, a login); a reported loss is still followed by its end", () => {
    const { clock, told, news } = scene(false);
    news.registered("@a:x", "a", false, undefined);
    news.loggedIn("@a:x", "alice", "sasl");
    news.loggedIn("@a:x", "alice", "nickserv");
    news.dropped("@a:x", "Ping timeout");
    clock.advance(11000);
    news.registered("@a:x", "a", true, undefined);
    clock.advance(60000);
    assert.deepEqual(told, ["@a:x: Lost your connection to TestNet (Ping timeout); reconnecting. Your messages wait and go out once it is back.", "@a:x: Reconnected to TestNet as a."]);
  });

  it("still tells what the user must know: another nick and why, a refusal, a failed login, a server error", () => {
    const { told, news } = scene(false);
    news.registered("@b:x", "b_", false, "the nick b was in use, so you are b_");
    news.refused("@c:x", "K-Lined: spam");
    news.loginFailed("@b:x", "the server refused the account name or password");
    news.serverSaid("@d:x", "Closing link");
    assert.deepEqual(told, [
      "@b:x: Connected to TestNet as b_ (the nick b was in use, so you are b_). Say !help for what you can do here.",
      "@c:x: TestNet refused your connection: K-Lined: spam. The bridge will not retry; say !reconnect to try again.",
      "@b:x: Could not identify to TestNet: the server refused the account name or password. Check your password with !storepass, then !reconnect.",
      "@d:x: TestNet said: Closing link",
    ]);
  });

  it("a client certificate that was not accepted is told, even when the password logged the user in; a certificate login is a success", () => {
    const { told, news } = scene(false);
    news.loggedIn("@a:x", "alice", "certificate");
    news.loginFailed("@a:x", "the server refused it", { reason: "the server refused it", password: "accepted" });
    news.loginFailed("@b:x", "the server does not offer SASL EXTERNAL", { reason: "the server does not offer SASL EXTERNAL", password: "none" });
    news.loginFailed("@c:x", "the server refused the account name or password", { reason: "the server refused it", password: "refused" });
    assert.deepEqual(told, [
      "@a:x: Logged in to TestNet with your password; the certificate was not accepted: the server refused it. Register its fingerprint (!certfp shows it) with the network's services, then !reconnect.",
      "@b:x: Could not log in to TestNet with your client certificate: the server does not offer SASL EXTERNAL. Register its fingerprint (!certfp shows it) with the network's services, then !reconnect.",
      "@c:x: Could not identify to TestNet: your client certificate was not accepted (the server refused it), and neither was your password (the server refused the account name or password). Check your password with !storepass and register the certificate's fingerprint (!certfp shows it) with the network's services, then !reconnect.",
    ]);
    const loud = scene(true);
    loud.news.loggedIn("@a:x", "alice", "certificate");
    assert.deepEqual(loud.told, ["@a:x: Identified to TestNet as alice (SASL EXTERNAL, your client certificate)."]);
  });
});
