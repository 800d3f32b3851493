/**
 * A private key and a self-signed X.509 v3 certificate for a user's IRC client certificate (CertFP,
 * SASL EXTERNAL), written with node:crypto and the DER encodings in der.ts (Node has no certificate
 * builder, and this needs no dependency).
 *
 * Guarantees: the key is a fresh ECDSA P-256 key; the certificate is signed with it
 * (ecdsa-with-SHA256), names the given common name as subject and issuer, has a random positive
 * 128-bit serial, is valid from an hour before `now` (clocks disagree) for `years` years, and says
 * what it is for: not a CA, digital signatures, TLS client authentication. The key is returned as
 * PKCS#8 PEM and never written anywhere by this file.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { normalizeFingerprint } from "../irc/tlsOptions";
import { bitString, boolean, explicit, octetString, oid, sequence, set, smallInteger, time, unsignedInteger, utf8String } from "./der";

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";
const BASIC_CONSTRAINTS = "2.5.29.19";
const KEY_USAGE = "2.5.29.15";
const EXT_KEY_USAGE = "2.5.29.37";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

export interface ClientCertificate {
  /** PKCS#8 PEM: secret, sealed at rest. */
  readonly keyPem: string;
  /** PEM: public. */
  readonly certPem: string;
}

export function createClientCertificate(commonName: string, now: Date = new Date(), years = 10): ClientCertificate {
  if (commonName === "" || commonName.length > 64) throw new Error("a certificate's common name must be 1 to 64 characters");
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive and not zero
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8String(commonName))));
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const extensions = sequence(
    sequence(oid(BASIC_CONSTRAINTS), boolean(true), octetString(sequence())),
    // digitalSignature: bit 0 (the leading bit of the first byte), 7 unused bits.
    sequence(oid(KEY_USAGE), boolean(true), octetString(Buffer.from([0x03, 0x02, 0x07, 0x80]))),
    sequence(oid(EXT_KEY_USAGE), octetString(sequence(oid(CLIENT_AUTH)))),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  return { keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), certPem: pem("CERTIFICATE", der) };
}

/** The certificate's SHA-256 fingerprint as services take it: 64 lower-case hex digits. */
export function certificateFingerprint(certPem: string): string {
  return (normalizeFingerprint(new X509Certificate(certPem).fingerprint256) ?? "").toLowerCase();
}

/** Whether the key belongs to the certificate (a stored pair that was tampered with, or mixed up, does not). */
export function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" }).equals(createPublicKey(keyPem).export({ type: "spki", format: "der" }));
  } catch {
    return false;
  }
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
