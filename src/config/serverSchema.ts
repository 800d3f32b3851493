/**
 * A network's keys for reaching its servers: addresses, TLS and its checks, the server password,
 * how text that is not UTF-8 is read. Part of each network's schema (schema.ts).
 */
import { addressListProblem } from "../irc/addressProblems";
import { DEFAULT_ENCODING_FALLBACK, encodingProblem } from "../irc/decodeLine";
import { caFileProblem, normalizeFingerprint } from "../irc/tlsOptions";
import { bool, int, obj, oneOf, str, stringList } from "./schemaKit";

const pinsProblem = (v: readonly string[]) => {
  const bad = v.find((f) => normalizeFingerprint(f) === undefined);
  return bad === undefined ? undefined : `each entry must be a SHA-256 fingerprint of 64 hex digits (colons allowed), got ${JSON.stringify(bad)}`;
};

export const serverFields = {
  address: str.required("Host name or IP address of the IRC server.", "irc.example.org"),
  port: int(1, 65535).withDefault("TCP port of the IRC server.", 6697),
  tls: bool.withDefault("Connect with TLS.", true),
  bindAddress: str.optional("Local address the bridge's connections come from (a multi-homed host; the address the network gave an exemption to).", "192.0.2.10"),
  password: str.optional(
    "Server password (PASS) every connection to this network sends, bot and users alike (never logged). Better sealed than in clear: `npm run -s seal-secret -- -c config.yaml --network <id> --key password` prints a sealed:v1:... value that the bridge opens at start with bridge.passwordKeyFile.",
    "server-password",
    {
      refine: (v) => (/^[^\s\0]+$/.test(v) ? undefined : "must be one word without spaces or line breaks"),
      secret: true,
    },
  ),
  tlsOptions: obj(
    "How TLS connections to this network are checked (with tls: true, and after an IRCv3 STS upgrade from a plaintext port). Never an \"accept anything\": a certificate is trusted through the CA or a pin.",
    {
      caFile: str.optional(
        "PEM file with the CA certificate(s) that sign the server's certificate (a private CA), read at start; it replaces the system's trust store for this network.",
        "/etc/ircbridge/network-ca.pem",
        { refine: caFileProblem },
      ),
      fingerprints: stringList("SHA-256 fingerprints").withDefault(
        "Pinned certificates, for a server with a self-signed one: SHA-256 fingerprints of the server's certificate (hex, with or without colons, any case; openssl x509 -noout -fingerprint -sha256 -in cert.pem). With pins, the server's certificate must be one of them, and its chain and host name are not checked. A refused certificate's fingerprint is logged and told to the users.",
        [],
        { refine: pinsProblem },
      ),
      servername: str.optional(
        "Name sent as SNI and checked against the server's certificate, when the address connected to is not the name on the certificate (an IP address, an internal name).",
        "irc.example.org",
        { refine: (v) => (/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(v) && !v.includes("..") ? undefined : "must be a host name (letters, digits, '.' and '-')") },
      ),
      minVersion: oneOf(["TLSv1.2", "TLSv1.3"] as const).withDefault("Oldest TLS version accepted.", "TLSv1.2"),
    },
  ),
  passwordFile: str.optional(
    "Or a file holding the server password (its text without the final line break; clear or sealed:v1:...), e.g. a container secret. Not both password and passwordFile.",
    "/run/secrets/irc-server-password",
  ),
  additionalAddresses: stringList("addresses").withDefault(
    "More addresses of the same network, tried in order after address: \"host\", \"host:port\" or \"[IPv6]:port\" (port: the network's port; TLS: the network's tls). A connection that cannot reach one address (refused, unreachable, timed out before registering) tries the next; once registered it stays with the address that worked, and reconnects start from it. The network counts as unreachable (see connect) only when every address failed.",
    [],
    { refine: addressListProblem },
  ),
  addressFamily: oneOf(["any", "ipv4", "ipv6"] as const).withDefault(
    "Which IP version host names are dialled with: \"any\" (what the resolver gives first), \"ipv4\" or \"ipv6\". A user with their own IPv6 address (ipv6.prefix) always dials IPv6.",
    "any",
  ),
  encodingFallback: str.withDefault(
    "Encoding of incoming lines that are not valid UTF-8 (older clients still send Latin-1 and the like), decided line by line: a line that is valid UTF-8 is read as UTF-8. Any WHATWG encoding label: windows-1252 (a superset of Latin-1), iso-8859-15, koi8-r, shift_jis... What the bridge sends is always UTF-8.",
    DEFAULT_ENCODING_FALLBACK,
    { refine: encodingProblem },
  ),
};
