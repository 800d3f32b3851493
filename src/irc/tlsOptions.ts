/**
 * A network's TLS as Node's tls.connect options, and the check of the certificate the server shows.
 *
 * Guarantees:
 * - No certificate is accepted unchecked. With pinned fingerprints (tlsOptions.fingerprints), the
 *   server's leaf certificate must have one of them as its SHA-256 (chain, host name and dates are
 *   then not checked: the pin is the trust). Without pins, Node's own verification must have passed:
 *   the chain to the CA file (or the system's trust store) and the host name (the SNI name, or the
 *   address connected to). There is no "accept anything" setting.
 * - Node is told not to reject by itself (rejectUnauthorized: false) only so that the bridge sees the
 *   certificate it refuses: the transport (transport.ts) runs `checkPeer` at secureConnect, before a
 *   single byte is written, and a refusal closes the socket with a TlsRefusal.
 * - A refusal names the problem (self-signed and not pinned, with the fingerprint to pin; expired;
 *   wrong host name; not among the pins; untrusted CA; a handshake the server did not complete).
 */
import { errorText } from "../errors";
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { readFileSync } from "node:fs";
import type { ConnectionOptions as TlsConnectOptions, PeerCertificate, TLSSocket } from "node:tls";
import type { ServerEndpoint } from "./serverSettings";
import type { TlsCheck } from "./transport";

/** A network's TLS settings (the config's tlsOptions), with the CA file already read. */
export interface TlsSettings {
  /** PEM of the CA certificate(s) that replace the system's trust store; undefined: the system's. */
  readonly ca: string | undefined;
  /** Pinned SHA-256 fingerprints of the server's certificate, upper-case hex without colons. */
  readonly pins: readonly string[];
  /** Name sent as SNI and checked against the certificate instead of the address. */
  readonly servername: string | undefined;
  readonly minVersion: "TLSv1.2" | "TLSv1.3";
}

export const DEFAULT_TLS: TlsSettings = { ca: undefined, pins: [], servername: undefined, minVersion: "TLSv1.2" };

/** The TLS handshake or the server's certificate was refused: `message` says why (shown to users). */
export class TlsRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsRefusal";
  }
}

/** A SHA-256 fingerprint as upper-case hex without colons, or undefined when it is not one. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/:/g, "").toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

/** A fingerprint as Node and most tools show it: AA:BB:... */
export function showFingerprint(hex: string): string {
  return (hex.match(/../g) ?? []).join(":");
}

/** Why a CA file cannot be used (unreadable, or holding no PEM certificate), or undefined when it can. */
export function caFileProblem(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return `cannot read ${path}: ${errorText(err)}`;
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      return `${path} holds a certificate that cannot be read: ${errorText(err)}`;
    }
  }
  return undefined;
}

/** A network's TLS settings from its config (the CA file is read now: the config's validation checked it). */
export function tlsSettingsFrom(config: { readonly caFile: string | undefined; readonly fingerprints: readonly string[]; readonly servername: string | undefined; readonly minVersion: "TLSv1.2" | "TLSv1.3" }): TlsSettings {
  let ca: string | undefined;
  if (config.caFile !== undefined) {
    try {
      ca = readFileSync(config.caFile, "utf8");
    } catch (err) {
      throw new Error(`tlsOptions.caFile: cannot read ${config.caFile}: ${errorText(err)}`);
    }
  }
  const pins = config.fingerprints.map(normalizeFingerprint).filter((p): p is string => p !== undefined);
  return { ca, pins, servername: config.servername, minVersion: config.minVersion };
}

/** Node's tls.connect options for `endpoint` (host and port are added by the transport). */
export function tlsConnectOptions(settings: TlsSettings, endpoint: ServerEndpoint): TlsConnectOptions {
  const servername = settings.servername ?? (isIP(endpoint.host) !== 0 ? undefined : endpoint.host);
  return {
    ...(servername === undefined ? {} : { servername }),
    minVersion: settings.minVersion,
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    // Checked by checkPeer at secureConnect (see the guarantees above), never skipped.
    rejectUnauthorized: false,
  };
}

/** What the transport knows about the server's certificate once the handshake is done. */
export interface PeerFacts {
  /** Node's verification (chain and host name) passed. */
  readonly authorized: boolean;
  /** Node's reason when it did not (an OpenSSL code such as DEPTH_ZERO_SELF_SIGNED_CERT, or ERR_TLS_CERT_ALTNAME_INVALID). */
  readonly authorizationError: string | undefined;
  readonly certificate: Pick<PeerCertificate, "fingerprint256" | "valid_from" | "valid_to" | "subjectaltname"> & {
    readonly subject?: { readonly CN?: string | string[] } | undefined;
    readonly issuer?: { readonly CN?: string | string[] } | undefined;
  } | undefined;
}

/** Why the server's certificate is refused, or undefined when it is accepted (see the guarantees). */
export function peerProblem(settings: TlsSettings, peer: PeerFacts, checkedName: string): string | undefined {
  const cert = peer.certificate;
  const fingerprint = cert?.fingerprint256 === undefined || cert.fingerprint256 === "" ? undefined : normalizeFingerprint(cert.fingerprint256);
  const shown = fingerprint === undefined ? "unknown" : showFingerprint(fingerprint);
  if (settings.pins.length > 0) {
    if (fingerprint !== undefined && settings.pins.includes(fingerprint)) return undefined;
    return `the server's TLS certificate (SHA-256 ${shown}) is not among the pinned fingerprints (tlsOptions.fingerprints)`;
  }
  if (peer.authorized) return undefined;
  const pinHint = `SHA-256 fingerprint ${shown}; the bridge's operator can pin it in tlsOptions.fingerprints if they trust it`;
  switch (peer.authorizationError) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return `the server's TLS certificate is self-signed and not pinned (${pinHint})`;
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return `the server's TLS certificate comes from a self-signed CA the bridge does not trust (issuer ${name(cert?.issuer)}; set tlsOptions.caFile to that CA, or pin the certificate: ${pinHint})`;
    case "CERT_HAS_EXPIRED":
      return `the server's TLS certificate expired on ${cert?.valid_to ?? "an unknown date"}`;
    case "CERT_NOT_YET_VALID":
      return `the server's TLS certificate is not valid before ${cert?.valid_from ?? "an unknown date"}`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `the server's TLS certificate is for ${certNames(cert)}, not ${checkedName} (tlsOptions.servername sets the name to check)`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_UNTRUSTED":
    case "CERT_SIGNATURE_FAILURE":
      return `the server's TLS certificate is signed by a CA the bridge does not trust (issuer ${name(cert?.issuer)}; tlsOptions.caFile sets the CA to trust)`;
    default:
      return `the server's TLS certificate was refused (${peer.authorizationError ?? "not verified"}; ${pinHint})`;
  }
}

/** The check the transport runs at secureConnect: a TlsRefusal, or undefined when the certificate is accepted. */
export function checkPeer(settings: TlsSettings, endpoint: ServerEndpoint): (socket: TLSSocket) => TlsRefusal | undefined {
  const checkedName = settings.servername ?? endpoint.host;
  return (socket) => {
    const certificate = socket.getPeerCertificate();
    const authorizationError = socket.authorizationError as unknown;
    const facts: PeerFacts = {
      authorized: socket.authorized,
      authorizationError: authorizationError instanceof Error ? authorizationError.message : typeof authorizationError === "string" ? authorizationError : undefined,
      // Node gives an empty object when the server showed no certificate.
      certificate: Object.keys(certificate).length === 0 ? undefined : certificate,
    };
    const problem = peerProblem(settings, facts, checkedName);
    return problem === undefined ? undefined : new TlsRefusal(problem);
  };
}

/** The transport's check for a TLS endpoint: the certificate at secureConnect, handshake errors in words. */
export function tlsCheck(settings: TlsSettings, endpoint: ServerEndpoint): TlsCheck {
  return {
    verify: checkPeer(settings, endpoint),
    explain: (err) => {
      const problem = handshakeProblem(err, endpoint, settings);
      return problem === undefined ? undefined : new TlsRefusal(problem);
    },
  };
}

/**
 * A socket error during the TLS handshake in words (the server does not speak TLS there, or not a
 * version we accept), or undefined for an error that is not about TLS.
 */
export function handshakeProblem(err: Error & { code?: unknown }, endpoint: ServerEndpoint, settings: TlsSettings): string | undefined {
  const code = typeof err.code === "string" ? err.code : "";
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || /wrong version number|packet length too long|http request/i.test(err.message)) {
    return `the server did not answer TLS on port ${endpoint.port} (is it a plaintext port?)`;
  }
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW/i.test(code)) {
    return `the TLS handshake failed: the server does not speak ${settings.minVersion} or newer (tlsOptions.minVersion)`;
  }
  if (code.startsWith("ERR_SSL_") || /alert handshake failure|ssl3_read_bytes|tls_process/i.test(err.message)) {
    return `the TLS handshake failed (${err.message})`;
  }
  return undefined;
}

function certNames(cert: PeerFacts["certificate"]): string {
  const alt = cert?.subjectaltname;
  if (alt !== undefined && alt !== "") return alt.replace(/DNS:|IP Address:/g, "").replace(/\s+/g, " ");
  return name(cert?.subject);
}

function name(subject: { readonly CN?: string | string[] } | undefined): string {
  const cn = subject?.CN;
  return cn === undefined ? "unknown" : Array.isArray(cn) ? cn.join(", ") : cn;
}
