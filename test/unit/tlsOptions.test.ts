import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { createClientCertificate } from "../../src/secrets/clientCertificate";
import { caFileProblem, DEFAULT_TLS, handshakeProblem, normalizeFingerprint, peerProblem, showFingerprint, tlsConnectOptions, tlsSettingsFrom, type PeerFacts, type TlsSettings } from "../../src/irc/tlsOptions";

const FP = "6321F19E09DB67D0F75981B0250583AFFF0D40BE9844F7337D63E56A94B07C8A";
const FP_COLONS = showFingerprint(FP);
const cert = (over: Partial<NonNullable<PeerFacts["certificate"]>> = {}): PeerFacts["certificate"] => ({
  fingerprint256: FP_COLONS,
  valid_from: "Jan  1 00:00:00 2026 GMT",
  valid_to: "Jan  2 00:00:00 2026 GMT",
  subjectaltname: "DNS:secure.test, IP Address:127.0.0.1",
  subject: { CN: "secure.test" },
  issuer: { CN: "Private CA" },
  ...over,
});
const refused = (code: string): PeerFacts => ({ authorized: false, authorizationError: code, certificate: cert() });
const pinned = (...pins: string[]): TlsSettings => ({ ...DEFAULT_TLS, pins });

describe("TLS fingerprints", () => {
  it("accepts hex with or without colons, any case; refuses anything else", () => {
    assert.equal(normalizeFingerprint(FP_COLONS.toLowerCase()), FP);
    assert.equal(normalizeFingerprint(` ${FP} `), FP);
    assert.equal(normalizeFingerprint(FP.slice(2)), undefined, "too short");
    assert.equal(normalizeFingerprint(`${FP.slice(1)}G`), undefined, "not hex");
    assert.equal(normalizeFingerprint("sha256:" + FP), undefined);
  });
});

describe("the check of the server's certificate", () => {
  it("without pins: accepted only when Node's verification passed", () => {
    assert.equal(peerProblem(DEFAULT_TLS, { authorized: true, authorizationError: undefined, certificate: cert() }, "secure.test"), undefined);
    assert.ok(peerProblem(DEFAULT_TLS, refused("CERT_REVOKED"), "secure.test") !== undefined, "an unverified certificate is refused, whatever Node's reason");
  });

  it("self-signed and not pinned: says so and shows the fingerprint to pin", () => {
    const problem = peerProblem(DEFAULT_TLS, refused("DEPTH_ZERO_SELF_SIGNED_CERT"), "127.0.0.1") ?? "";
    assert.match(problem, /self-signed and not pinned/);
    assert.ok(problem.includes(FP_COLONS), problem);
  });

  it("names each problem: expired, wrong host, untrusted CA, a self-signed CA, anything else", () => {
    assert.match(peerProblem(DEFAULT_TLS, refused("CERT_HAS_EXPIRED"), "h") ?? "", /expired on Jan {2}2 00:00:00 2026 GMT/);
    assert.match(peerProblem(DEFAULT_TLS, refused("CERT_NOT_YET_VALID"), "h") ?? "", /not valid before Jan {2}1/);
    assert.match(peerProblem(DEFAULT_TLS, refused("ERR_TLS_CERT_ALTNAME_INVALID"), "irc.other.test") ?? "", /is for secure\.test, 127\.0\.0\.1, not irc\.other\.test/);
    for (const code of ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]) {
      assert.match(peerProblem(DEFAULT_TLS, refused(code), "h") ?? "", /signed by a CA the bridge does not trust \(issuer Private CA/);
    }
    assert.match(peerProblem(DEFAULT_TLS, refused("SELF_SIGNED_CERT_IN_CHAIN"), "h") ?? "", /self-signed CA the bridge does not trust/);
    assert.match(peerProblem(DEFAULT_TLS, refused("CERT_REVOKED"), "h") ?? "", /refused \(CERT_REVOKED/);
  });

  it("with pins: the leaf must be one of them, whatever Node thought of the chain and the host", () => {
    assert.equal(peerProblem(pinned("00".repeat(32), FP), refused("DEPTH_ZERO_SELF_SIGNED_CERT"), "h"), undefined);
    assert.equal(peerProblem(pinned(FP), refused("ERR_TLS_CERT_ALTNAME_INVALID"), "h"), undefined);
    const other = peerProblem(pinned("00".repeat(32)), refused("DEPTH_ZERO_SELF_SIGNED_CERT"), "h") ?? "";
    assert.match(other, /not among the pinned fingerprints/);
    assert.ok(other.includes(FP_COLONS));
    // A pin is never "accept anything": a certificate that verifies but is not pinned is refused too.
    assert.match(peerProblem(pinned("00".repeat(32)), { authorized: true, authorizationError: undefined, certificate: cert() }, "h") ?? "", /not among the pinned/);
    assert.match(peerProblem(pinned(FP), { authorized: false, authorizationError: "X", certificate: undefined }, "h") ?? "", /not among the pinned/);
  });
});

describe("Node's tls.connect options", () => {
  it("SNI from the host name (not from an address), the servername override, the minimum version, the CA", () => {
    assert.deepEqual(tlsConnectOptions(DEFAULT_TLS, { host: "irc.example.org", port: 6697, tls: true }), { servername: "irc.example.org", minVersion: "TLSv1.2", rejectUnauthorized: false });
    assert.equal(tlsConnectOptions(DEFAULT_TLS, { host: "127.0.0.1", port: 6697, tls: true }).servername, undefined);
    assert.equal(tlsConnectOptions(DEFAULT_TLS, { host: "::1", port: 6697, tls: true }).servername, undefined);
    const custom = tlsConnectOptions({ ca: "PEM", pins: [], servername: "secure.test", minVersion: "TLSv1.3" }, { host: "127.0.0.1", port: 6697, tls: true });
    assert.deepEqual(custom, { servername: "secure.test", minVersion: "TLSv1.3", ca: "PEM", rejectUnauthorized: false });
  });

  it("handshake errors in words; other errors left alone", () => {
    const ep = { host: "h", port: 6667, tls: true };
    assert.match(handshakeProblem(Object.assign(new Error("ssl3_get_record:wrong version number"), { code: "ERR_SSL_WRONG_VERSION_NUMBER" }), ep, DEFAULT_TLS) ?? "", /did not answer TLS on port 6667/);
    assert.match(handshakeProblem(Object.assign(new Error("x"), { code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" }), ep, DEFAULT_TLS) ?? "", /does not speak TLSv1\.2 or newer/);
    assert.equal(handshakeProblem(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), ep, DEFAULT_TLS), undefined);
  });
});

describe("the CA file", () => {
  it("names what is wrong: missing, no certificate, a broken certificate; a good one passes", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlsopt-"));
    assert.match(caFileProblem(join(dir, "missing.pem")) ?? "", /cannot read .*missing\.pem/);
    writeFileSync(join(dir, "empty.pem"), "hello\n");
    assert.match(caFileProblem(join(dir, "empty.pem")) ?? "", /holds no PEM certificate/);
    writeFileSync(join(dir, "bad.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assert.match(caFileProblem(join(dir, "bad.pem")) ?? "", /cannot be read/);
    writeFileSync(join(dir, "good.pem"), createClientCertificate("ca").certPem);
    assert.equal(caFileProblem(join(dir, "good.pem")), undefined);
  });
});

describe("tlsOptions in the config", () => {
  const config = (tlsOptions: string) => `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: net, name: Net, address: irc.example.org, tlsOptions: ${tlsOptions} }
`;
  const problems = (tlsOptions: string) => {
    try {
      parseConfig(config(tlsOptions), "test.yaml");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    return [];
  };

  it("a bad CA file, a bad fingerprint, a bad version are refused naming the key", () => {
    assert.match(problems("{ caFile: /nonexistent/ca.pem }").join("\n"), /^ircNetworks\[0\]\.tlsOptions\.caFile: cannot read \/nonexistent\/ca\.pem/);
    assert.match(problems(`{ fingerprints: ["${FP}", "12:34"] }`).join("\n"), /^ircNetworks\[0\]\.tlsOptions\.fingerprints: .*"12:34"/);
    assert.match(problems("{ minVersion: TLSv1.1 }").join("\n"), /^ircNetworks\[0\]\.tlsOptions\.minVersion:/);
  });

  it("pins in any spelling reach the network's TLS settings normalized", () => {
    const parsed = parseConfig(config(`{ fingerprints: ["${FP_COLONS.toLowerCase()}"], servername: secure.test }`), "test.yaml");
    const network = parsed.ircNetworks[0];
    assert.ok(network);
    assert.deepEqual(tlsSettingsFrom(network.tlsOptions), { ca: undefined, pins: [FP], servername: "secure.test", minVersion: "TLSv1.2" });
  });
});
