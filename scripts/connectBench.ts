/**
 * `npm run bench:connect`: how long the bridge takes to connect a user, plain TCP against TLS with
 * a client certificate and SASL EXTERNAL, through the bridge's own IrcConnection (irc-framework on
 * the bridge's transport, src/irc/transport.ts) against the test Ergos:
 * - plain TCP to Ergo (127.0.0.1:16667), no login, then with SASL PLAIN;
 * - TLS to ergo-secure (127.0.0.1:16697, server password), no login, then with a client
 *   certificate registered to an account (NickServ CERT ADD) and SASL EXTERNAL.
 * For each, CONNECTS (default 100) connections one after another, each timed from start() (socket
 * opened, TLS handshake, CAP, PASS/NICK/USER) to the server's 001 (registered) and, with a login, to
 * 900 (logged in, which comes before 001: SASL happens during registration). Median and p90.
 * Each connection QUITs before the next starts. A script, not a test: numbers vary with the machine.
 *
 * The test server's certificate is self-signed: the script runs itself again with
 * NODE_EXTRA_CA_CERTS set to it (scripts/lib/testenv.ts), so the connections verify it as usual.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { IrcConnection, type ConnectGate } from "../src/irc/connection";
import type { ClientCertificatePem, Credentials } from "../src/irc/connectionTypes";
import { serviceRequest } from "../src/irc/replies";
import type { ServerSettings } from "../src/irc/serverSettings";
import { certificateFingerprint, createClientCertificate } from "../src/secrets/clientCertificate";
import { testenv } from "./lib/testenv";
import { percentile } from "./lib/bench/stats";

const CONNECTS = Number(process.env.CONNECTS ?? 100);

if (process.env.NODE_EXTRA_CA_CERTS !== testenv.ergoSecure.certFile) {
  const run = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: testenv.ergoSecure.certFile } });
  process.exit(run.status ?? 1);
}

const gate: ConnectGate = { request: (_id, r) => setImmediate(() => r.go()), cancel: () => undefined, report: () => undefined, holdReason: undefined };

interface Login {
  readonly auth?: Credentials;
  readonly certificate?: ClientCertificatePem;
}

interface Timing {
  readonly registeredMs: number;
  readonly loggedInMs: number | undefined;
}

function connection(server: ServerSettings, id: string): IrcConnection {
  return new IrcConnection({
    id,
    server,
    realname: "connect bench",
    pacing: { burstLines: 100, lineIntervalMs: 0, maxQueuedLines: 100 },
    keepalive: { pingIntervalS: 60, pingTimeoutS: 60 },
    reconnect: { minMs: 60000, maxMs: 60000 },
    gate,
    priority: () => 0,
  });
}

/** One connection, timed; closed (QUIT) once registered. */
async function timeOne(server: ServerSettings, nick: string, login: Login): Promise<Timing> {
  const c = connection(server, `bench/${nick}`);
  let loggedInMs: number | undefined;
  const start = performance.now();
  const registeredMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${nick}: not registered within 15 s (${c.downReason ?? ""})`)), 15000);
    c.on("loggedIn", () => (loggedInMs = performance.now() - start));
    c.on("loginFailed", (reason) => reject(new Error(`${nick}: login failed: ${reason}`)));
    c.on("closed", (e) => reject(new Error(`${nick}: closed: ${e.reason}`)));
    c.on("registered", () => {
      clearTimeout(timer);
      resolve(performance.now() - start);
    });
    c.start({ nick, username: "bench", auth: login.auth, certificate: login.certificate });
  });
  c.close("bench");
  if ((login.auth !== undefined || login.certificate !== undefined) && loggedInMs === undefined) throw new Error(`${nick}: registered without logging in`);
  return { registeredMs, loggedInMs };
}

/** Registers an account named `nick` with NickServ over a fresh connection (and adds the certificate's fingerprint). */
async function registerAccount(server: ServerSettings, nick: string, password: string, certificate?: ClientCertificatePem): Promise<void> {
  const c = connection(server, `bench/setup/${nick}`);
  await new Promise<void>((resolve) => {
    c.on("registered", () => resolve());
    c.start({ nick, username: "bench" });
  });
  const said = async (text: string) => {
    const reply = await c.request(serviceRequest("PRIVMSG", "NickServ", text));
    return reply.kind === "lost" ? reply.reason : reply.lines.map((l) => l.params.at(-1) ?? "").join(" / ");
  };
  const registered = await said(`REGISTER ${password}`);
  if (!/created|registered/i.test(registered)) throw new Error(`NickServ REGISTER ${nick}: ${registered}`);
  if (certificate !== undefined) {
    const added = await said(`CERT ADD ${certificateFingerprint(certificate.cert)}`);
    if (!/added|already/i.test(added)) throw new Error(`NickServ CERT ADD: ${added}`);
  }
  c.close("bench setup done");
}

function row(name: string, timings: readonly Timing[]): string {
  const reg = timings.map((t) => t.registeredMs);
  const logged = timings.flatMap((t) => (t.loggedInMs === undefined ? [] : [t.loggedInMs]));
  const ms = (v: number) => v.toFixed(1).padStart(7);
  const login = logged.length === 0 ? "      -        -" : `${ms(percentile(logged, 50))}  ${ms(percentile(logged, 90))}`;
  return `${name.padEnd(34)} ${ms(percentile(reg, 50))}  ${ms(percentile(reg, 90))}   ${login}`;
}

async function series(name: string, server: ServerSettings, login: Login, nick: (i: number) => string): Promise<string> {
  const timings: Timing[] = [];
  for (let i = 0; i < CONNECTS; i++) timings.push(await timeOne(server, nick(i), login));
  return row(name, timings);
}

async function main(): Promise<void> {
  const tag = randomBytes(3).toString("hex");
  const plain: ServerSettings = { host: testenv.ergo.host, port: testenv.ergo.port, tls: false, bindAddress: undefined };
  const secure: ServerSettings = { host: testenv.ergoSecure.host, port: testenv.ergoSecure.tlsPort, tls: true, bindAddress: undefined, password: testenv.ergoSecure.password };
  const password = `bench-${randomBytes(8).toString("hex")}`;
  const plainAccount = `cbp${tag}`;
  const certAccount = `cbe${tag}`;
  const certificate = createClientCertificate(certAccount);
  const pem = { key: certificate.keyPem, cert: certificate.certPem };
  await registerAccount(plain, plainAccount, password);
  await registerAccount(secure, certAccount, password, pem);
  const lines = [
    `connect time over ${CONNECTS} connects each (ms; from start() to 001 registered, and to 900 logged in)`,
    `${"".padEnd(34)} 001 p50   001 p90   900 p50   900 p90`,
    await series("plain TCP, no login", plain, {}, (i) => `cbn${tag}${i}`),
    await series("plain TCP, SASL PLAIN", plain, { auth: { account: plainAccount, password } }, (i) => `cbq${tag}${i}`),
    await series("TLS (server password), no login", secure, {}, (i) => `cbt${tag}${i}`),
    await series("TLS + client cert, SASL EXTERNAL", secure, { certificate: pem }, (i) => `cbx${tag}${i}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
