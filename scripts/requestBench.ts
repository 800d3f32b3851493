/**
 * `npm run bench:requests`: the CPU one homeserver request costs the bridge's process, through the
 * bridge's client (src/matrix/homeserverHttp.ts under MatrixApi: node:http, kept-alive connections)
 * and through the global `fetch` (undici), which MatrixApi used before, side by side.
 *
 * A child process (this script with --serve) answers every request with a small JSON body, as a
 * homeserver answers a message send. This process sends REQUESTS sequential PUTs of a message's
 * JSON each way, in turns (ROUNDS of each, after one round each to warm up), and prints user +
 * kernel CPU (process.cpuUsage) and wall time per request. A script, not a test: numbers vary
 * with the machine; nothing passes or fails.
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { MatrixApi } from "../src/matrix/matrixApi";

const REQUESTS = Number(process.env.REQUESTS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

if (process.argv[2] === "--serve") serve();
else void main();

function serve(): void {
  const answer = JSON.stringify({ event_id: "$Qm9uam91ciBsZSBtb25kZSwgdm9pY2kgdW4gZXZlbnQ:example.org" });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address !== null && typeof address === "object") process.send?.({ port: address.port });
  });
}

type Send = (i: number) => Promise<unknown>;

async function main(): Promise<void> {
  const child = fork(__filename, ["--serve"]);
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
  const base = `http://127.0.0.1:${port}`;
  const content = { msgtype: "m.text", body: "a line from IRC, as long as most are" };
  const api = new MatrixApi(base, "as-token");
  const path = (i: number) => `/_matrix/client/v3/rooms/${encodeURIComponent("!room:example.org")}/send/m.room.message/t${i}`;
  const ways: [string, Send][] = [
    ["bridge client (node:http)", (i) => api.request("PUT", path(i), "@alice:example.org", content)],
    [
      "fetch (undici)",
      async (i) => {
        const url = new URL(base + path(i));
        url.searchParams.set("user_id", "@alice:example.org");
        const res = await fetch(url, { method: "PUT", headers: { Authorization: "Bearer as-token", "Content-Type": "application/json" }, body: JSON.stringify(content), signal: AbortSignal.timeout(30000) });
        return JSON.parse(await res.text()) as unknown;
      },
    ],
  ];
  const results = new Map<string, { cpu: number[]; wall: number[] }>(ways.map(([name]) => [name, { cpu: [], wall: [] }]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, send] of ways) {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) await send(i);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu = process.cpuUsage(cpu0);
      if (round === 0) continue; // warming up
      const r = results.get(name);
      r?.cpu.push((cpu.user + cpu.system) / 1000 / REQUESTS);
      r?.wall.push(wallMs / REQUESTS);
    }
  }
  api.close();
  child.kill();
  process.stdout.write(`${REQUESTS} sequential PUTs per round, ${ROUNDS} rounds each way (after one to warm up), ${process.version}\n`);
  for (const [name, r] of results) {
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(" / ");
    process.stdout.write(`${name.padEnd(28)} CPU per request, ms: ${fmt(r.cpu)}   wall: ${fmt(r.wall)}\n`);
  }
}
