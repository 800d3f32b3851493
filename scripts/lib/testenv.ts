import { join } from "node:path";

/**
 * Where the local test environment (scripts/testenv.sh) serves. The script and these defaults agree;
 * both read the same environment variables to move a port.
 */
const env = (name: string, fallback: string) => process.env[name] ?? fallback;

export const testenv = {
  dir: env("IRCBRIDGE_TESTENV_DIR", "/var/tmp/ircbridge-testenv"),
  synapseUrl: env("TESTENV_SYNAPSE_URL", "http://127.0.0.1:18008"),
  domain: env("TESTENV_SYNAPSE_DOMAIN", "localhost"),
  sharedSecret: env("TESTENV_SYNAPSE_SHARED_SECRET", "testenv-shared-secret"),
  ergo: { host: env("TESTENV_ERGO_HOST", "127.0.0.1"), port: Number(env("TESTENV_ERGO_PORT", "16667")) },
  /**
   * The second Ergo (secure.test): plaintext `port` advertising IRCv3 sts for `tlsPort`, whose
   * certificate (`certFile`, PEM) is self-signed; every connection needs the server `password`.
   */
  ergoSecure: {
    host: env("TESTENV_ERGO_HOST", "127.0.0.1"),
    port: Number(env("TESTENV_ERGO_SECURE_PORT", "16690")),
    tlsPort: Number(env("TESTENV_ERGO_SECURE_TLS_PORT", "16697")),
    password: env("TESTENV_ERGO_SECURE_PASS", "secure-pass"),
    certFile: env("TESTENV_ERGO_SECURE_CERT", "/var/tmp/ircbridge-testenv/ergo-secure/tls.crt"),
  },
  inspircd: { host: env("TESTENV_INSPIRCD_HOST", "127.0.0.1"), port: Number(env("TESTENV_INSPIRCD_PORT", "16668")) },
  /** The second InspIRCd, linked to the first (netsplits). */
  inspircd2: { host: env("TESTENV_INSPIRCD_HOST", "127.0.0.1"), port: Number(env("TESTENV_INSPIRCD2_PORT", "16669")) },
  /** The lone InspIRCd that asks ident and trusts WEBIRC, on IPv4 and IPv6 loopback; the bridge users' IPv6 prefix is routed to lo. */
  inspircdStaff: {
    host: env("TESTENV_INSPIRCD_HOST", "127.0.0.1"),
    host6: env("TESTENV_INSPIRCD_STAFF_HOST6", "::1"),
    port: Number(env("TESTENV_INSPIRCD_STAFF_PORT", "16680")),
    ipv6Prefix: env("TESTENV_STAFF_IPV6_PREFIX", "2001:db8:5afe::/64"),
    webircPassword: env("TESTENV_STAFF_WEBIRC_PASS", "staffwebirc"),
  },
  /** PostgreSQL (database ircbridge, user postgres, trust authentication on 127.0.0.1). */
  postgresUrl: env("TESTENV_POSTGRES_URL", "postgresql://postgres@127.0.0.1:15432/ircbridge"),
  /** Redis (no password, 127.0.0.1 only): the connection process's streams. */
  redisUrl: env("TESTENV_REDIS_URL", "redis://127.0.0.1:16379"),
  get appserviceDir(): string {
    return env("TESTENV_APPSERVICE_DIR", join(this.dir, "appservices"));
  },
};

export interface LocalBridge {
  readonly name: string;
  readonly ircd: "ergo" | "inspircd";
  readonly registrationFile: string;
  readonly port: number;
  readonly metricsPort: number;
}

/** The bridge instances run here (e2e suite, demo), each with a registration Synapse loads at start. */
export const bridges = {
  /** The committed config.sample.yaml on Ergo; its registration is generated as an operator would. */
  sample: { name: "sample", ircd: "ergo", registrationFile: "sample.yaml", port: 29101, metricsPort: 29102 },
  /** The same sample on InspIRCd, with its own ids (insp_{nick}, #insp_#channel). */
  insp: { name: "insp", ircd: "inspircd", registrationFile: "insp.yaml", port: 29111, metricsPort: 29112 },
  /** The benchmarks' bridge on Ergo, with its own ids (bench_{nick}, #bench_#channel) and ports, so a bench can run beside an e2e story. */
  bench: { name: "bench", ircd: "ergo", registrationFile: "bench.yaml", port: 29121, metricsPort: 29122 },
} as const satisfies Record<string, LocalBridge>;
