import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { certificateFingerprint, createClientCertificate, keyMatches } from "../../src/secrets/clientCertificate";
import { oid, smallInteger, time, tlv, unsignedInteger } from "../../src/secrets/der";

describe("DER encodings", () => {
  it("writes short and long lengths", () => {
    assert.equal(tlv(0x04, Buffer.alloc(5)).subarray(0, 2).toString("hex"), "0405");
    assert.equal(tlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString("hex"), "047f");
    assert.equal(tlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString("hex"), "048180");
    assert.equal(tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString("hex"), "0482012c");
  });

  it("writes positive integers minimally", () => {
    assert.equal(smallInteger(0).toString("hex"), "020100");
    assert.equal(smallInteger(2).toString("hex"), "020102");
    assert.equal(smallInteger(128).toString("hex"), "02020080");
    assert.equal(smallInteger(256).toString("hex"), "02020100");
    assert.equal(unsignedInteger(Buffer.from([0, 0, 0x7f])).toString("hex"), "02017f");
    assert.equal(unsignedInteger(Buffer.from([0xff, 1])).toString("hex"), "020300ff01");
  });

  it("writes object identifiers in base 128", () => {
    assert.equal(oid("2.5.4.3").toString("hex"), "0603550403");
    assert.equal(oid("1.2.840.10045.4.3.2").toString("hex"), "06082a8648ce3d040302");
    assert.equal(oid("1.3.6.1.5.5.7.3.2").toString("hex"), "06082b06010505070302");
  });

  it("writes UTCTime before 2050 and GeneralizedTime from 2050", () => {
    assert.equal(time(new Date("2036-12-03T13:05:09Z")).toString("ascii", 2), "361203130509Z");
    assert.equal(time(new Date("2036-12-03T13:05:09Z"))[0], 0x17);
    assert.equal(time(new Date("2051-01-02T03:04:05Z")).toString("ascii", 2), "20510102030405Z");
    assert.equal(time(new Date("2051-01-02T03:04:05Z"))[0], 0x18);
  });
});

describe("a user's client certificate", () => {
  const now = new Date("2026-12-03T13:00:00Z");
  const made = createClientCertificate("alice", now);
  const cert = new X509Certificate(made.certPem);

  it("is a self-signed certificate Node reads, signed by its own key", () => {
    assert.equal(cert.subject, "CN=alice");
    assert.equal(cert.issuer, "CN=alice");
    assert.ok(cert.verify(cert.publicKey), "the signature verifies with the certificate's own key");
    assert.ok(cert.checkPrivateKey(createPrivateKey(made.keyPem)), "the key is the certificate's");
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
  });

  it("is valid for ten years from about now", () => {
    assert.equal(new Date(cert.validFrom).toISOString(), "2026-12-03T12:00:00.000Z");
    assert.equal(new Date(cert.validTo).toISOString(), "2036-12-03T13:00:00.000Z");
  });

  it("has a fresh key and serial each time, and a fingerprint of 64 hex digits", () => {
    const again = createClientCertificate("alice", now);
    assert.notEqual(again.keyPem, made.keyPem);
    assert.notEqual(new X509Certificate(again.certPem).serialNumber, cert.serialNumber);
    assert.match(certificateFingerprint(made.certPem), /^[0-9a-f]{64}$/);
    assert.equal(certificateFingerprint(made.certPem), cert.fingerprint256.replace(/:/g, "").toLowerCase());
    assert.notEqual(certificateFingerprint(again.certPem), certificateFingerprint(made.certPem));
    assert.ok(keyMatches(made.certPem, made.keyPem));
    assert.ok(!keyMatches(made.certPem, again.keyPem), "another certificate's key does not match");
  });

  it("is read by OpenSSL too, with its extensions", (t) => {
    let text: string;
    try {
      text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: made.certPem, encoding: "utf8" });
    } catch {
      t.skip("no openssl on this machine");
      return;
    }
    assert.match(text, /Version: 3/);
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(text, /CA:FALSE/);
    assert.match(text, /Digital Signature/);
    assert.match(text, /TLS Web Client Authentication/);
  });

  it("refuses an empty or overlong common name", () => {
    assert.throws(() => createClientCertificate(""), /common name/);
    assert.throws(() => createClientCertificate("x".repeat(65)), /common name/);
  });
});
